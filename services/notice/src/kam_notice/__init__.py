"""KAM notice service: announcements and delivery of every notification."""
