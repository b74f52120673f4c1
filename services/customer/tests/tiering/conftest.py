"""The tiering tests' fixtures (a real service on SQLite and PostgreSQL) live in test_grading.py; this makes them
available to the other test modules of the directory."""

from test_grading import app, tiers  # noqa: F401
