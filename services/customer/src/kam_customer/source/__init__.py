"""The core-banking source: a demo generator (schema, data, live feed) and loaders for sample banks."""
