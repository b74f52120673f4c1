"""Cross-service tests share KAM's pytest plugin (real NATS, databases, processes): see kam_kit.testing."""

pytest_plugins = ["kam_kit.testing", "pytester"]
