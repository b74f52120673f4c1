"""KAM HTTP gateway: REST/JSON → gRPC transcoding from ``google.api.http`` annotations, OpenAPI, probes, and the
gateway's own gRPC identity service."""
