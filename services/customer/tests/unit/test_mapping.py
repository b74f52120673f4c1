"""Mapping files: the shipped ones load; malformed ones fail naming the file, the entry and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from kam_customer.scan.mapping import MappingError, load_mapping
from kam_customer.settings import DEFAULT_MAPPING

MINIMAL = """
[entities.individual]
from = "cust"
columns = { id = "no", display_name = "name" }
[entities.account]
from = "acct"
columns = { id = "no", customer_id = "cust", type = "kind", balance = "bal" }
[entities.transaction]
from = "txn"
columns = { id = "id", account_id = "acct", time = "ts", direction = "dc", amount = "amt" }
"""


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bank.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_the_shipped_mappings_load() -> None:
    demo = load_mapping(DEFAULT_MAPPING)
    berka = load_mapping(Path(DEFAULT_MAPPING).parent / "berka.toml")
    assert demo.entities["account"].codes["type"]["TD"] == "TIME_DEPOSIT"
    assert berka.entities["individual"].formats == {"birth_date": "yymmdd"}
    assert set(berka.entities["account"].columns["maturity_date"]) == {"sqlite", "postgresql"}


def test_a_minimal_mapping_loads(tmp_path) -> None:
    mapping = load_mapping(_write(tmp_path, MINIMAL))
    assert mapping.name == "bank" and mapping.timezone == ""  # the bank's: KAM_CUSTOMER_BANK_TIMEZONE


@pytest.mark.parametrize(
    ("body", "entry", "problem"),
    [
        (
            MINIMAL.replace('balance = "bal"', "balance = 3"),
            "entities.account.columns.balance",
            "SQL expression string",
        ),
        (
            MINIMAL.replace(', balance = "bal"', ""),
            "entities.account.columns.balance",
            "missing required field",
        ),
        (
            MINIMAL.replace('balance = "bal"', 'balance = "bal", colour = "c"'),
            "entities.account.columns.colour",
            "unknown field",
        ),
        (
            MINIMAL + '[entities.account.codes]\ntype = { D = "CHEQUE" }\n',
            "entities.account.codes.type.D",
            "unknown value 'CHEQUE'",
        ),
        (
            MINIMAL + '[entities.account.formats]\nopen_date = "yymmdd"\n',
            "entities.account.formats.open_date",
            "unmapped field",
        ),
        (
            MINIMAL + '[entities.transaction.formats]\ntime = "ddmmyy"\n',
            "entities.transaction.formats.time",
            "unknown date format",
        ),
        (MINIMAL.replace('from = "acct"\n', ""), "entities.account.from", "missing"),
        (MINIMAL + '[entities.customer]\nfrom = "x"\n', "entities.customer", "unknown entity"),
        (
            MINIMAL.replace('amount = "amt"', 'amount = { sqlite = "amt" }'),
            "entities.transaction.columns.amount.postgresql",
            "every dialect",
        ),
        (
            MINIMAL.replace('amount = "amt"', 'amount = { oracle = "amt", "*" = "amt" }'),
            "entities.transaction.columns.amount.oracle",
            "unknown dialect",
        ),
        ('[mapping]\ntimezone = "Mars/Olympus"\n' + MINIMAL, "mapping.timezone", "unknown time zone"),
        (MINIMAL.split("[entities.transaction]")[0], "entities.transaction", "missing required entity"),
        ("[entities.account\nfrom = 1", "(syntax)", "not valid TOML"),
    ],
)
def test_malformed_mappings_name_file_entry_and_problem(tmp_path, body, entry, problem) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    error = caught.value
    assert error.entry == entry and problem in error.problem
    assert str(error).startswith(f"{path}: {entry}: ")


def test_a_missing_mapping_file(tmp_path) -> None:
    with pytest.raises(MappingError, match="file not found"):
        load_mapping(tmp_path / "nope.toml")
