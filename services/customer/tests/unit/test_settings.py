"""The customer service's own settings, read from the environment."""

from __future__ import annotations

import pytest
from kam_customer.domain.names import AccountNames
from kam_customer.scan.jobs import ScanManager
from kam_customer.scan.mapping import load_mapping
from kam_customer.settings import DEFAULT_MAPPING, DEFAULT_SCAN_BATCH_SIZE, CustomerSettings
from kam_kit.settings import SettingsError


def test_the_scan_batch_size_has_a_default_and_a_bounded_setting() -> None:
    assert CustomerSettings.from_env({}).scan_batch_size == DEFAULT_SCAN_BATCH_SIZE == 2000
    assert CustomerSettings.from_env({"KAM_CUSTOMER_SCAN_BATCH_SIZE": "5000"}).scan_batch_size == 5000
    for bad in ("0", "20001", "many"):
        with pytest.raises(SettingsError, match="KAM_CUSTOMER_SCAN_BATCH_SIZE"):
            CustomerSettings.from_env({"KAM_CUSTOMER_SCAN_BATCH_SIZE": bad})


def test_scans_use_the_configured_batch_size(tmp_path) -> None:
    names = AccountNames(b"s")
    manager = ScanManager(
        None,
        None,
        source_url=f"sqlite:///{tmp_path / 'none.db'}",
        mapping_path=DEFAULT_MAPPING,
        batch_size=3,
        account_names=names,
    )
    assert manager.runner(load_mapping(DEFAULT_MAPPING)).batch_size == 3
    default = ScanManager(
        None,
        None,
        source_url=f"sqlite:///{tmp_path / 'none.db'}",
        mapping_path=DEFAULT_MAPPING,
        account_names=names,
    )
    assert default.runner(load_mapping(DEFAULT_MAPPING)).batch_size == DEFAULT_SCAN_BATCH_SIZE


def test_the_banks_time_zone_is_one_setting(tmp_path) -> None:
    assert CustomerSettings.from_env({}).bank_timezone == "Asia/Shanghai"
    assert (
        CustomerSettings.from_env({"KAM_CUSTOMER_BANK_TIMEZONE": "Asia/Hong_Kong"}).bank_timezone
        == "Asia/Hong_Kong"
    )
    with pytest.raises(SettingsError, match="KAM_CUSTOMER_BANK_TIMEZONE"):
        CustomerSettings.from_env({"KAM_CUSTOMER_BANK_TIMEZONE": "Mars/Olympus"})
    names = AccountNames(b"s")
    runner = ScanManager(
        None,
        None,
        source_url="sqlite://",
        mapping_path=DEFAULT_MAPPING,
        account_names=names,
        timezone="Asia/Hong_Kong",
    ).runner(load_mapping(DEFAULT_MAPPING))
    assert runner.timezone == "Asia/Hong_Kong"  # the demo mapping names no zone of its own: the bank's
