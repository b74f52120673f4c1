"""The notice service's rules, without I/O."""

import re

_ID = re.compile(r"^[0-9a-f]{32}$")


def is_id(value: str) -> bool:
    """Whether ``value`` can be an id this service made (32 hex digits): anything else is not found, without
    asking the database (which may refuse what it cannot store, e.g. a NUL)."""
    return bool(_ID.match(value))
