"""Cross-service tests use KAM's pytest plugin (real NATS, databases, processes), kam_devkit.testing, which the
kam-devkit distribution's ``pytest11`` entry point loads everywhere."""

pytest_plugins = ["pytester"]
