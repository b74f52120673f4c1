"""KAM customer service."""
