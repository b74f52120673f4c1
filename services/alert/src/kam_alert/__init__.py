"""KAM alert service: alert rules, transaction monitoring, care reminders, the alert lifecycle."""
