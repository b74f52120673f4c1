"""``kam-customer`` subcommands of the scan part."""

from __future__ import annotations

from kam_kit.runtime import Command

COMMANDS: dict[str, Command] = {}
