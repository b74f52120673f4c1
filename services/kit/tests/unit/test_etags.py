from __future__ import annotations

import pytest
from kam_kit import etags
from kam_kit.errors import Aborted


def test_one_format_and_one_check() -> None:
    assert etags.etag_for(3) == "v3"
    etags.check("", 3, "客户")  # no etag: unconditional
    etags.check("v3", 3, "客户")
    with pytest.raises(Aborted) as stale:
        etags.check("v2", 3, "客户")
    assert (stale.value.reason, stale.value.metadata) == ("ETAG_MISMATCH", {"current_etag": "v3"})
    assert "客户" in stale.value.message and "v2" in stale.value.message
