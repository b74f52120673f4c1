"""A stand-in for a bank's core system, for development and demos only: the demo core-banking database (schema,
deterministic generator, live feed that also sends CDC messages) and a loader for the Berka sample bank. KAM never
imports it at run time; it ships in no runtime image."""
