"""KAM report service: the analytical store fed by every service's events; the report center."""
