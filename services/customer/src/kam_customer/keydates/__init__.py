"""Key dates (重要日期) of key customers: birthdays, founding and relationship anniversaries, deposit and loan
maturities, contacts' birthdays — announced once each as ``KeyDateApproaching`` within the lead window, by the scan
(each batch) and by a daily sweep (:mod:`kam_customer.keydates.service`)."""

from __future__ import annotations

from kam_customer.keydates import orm as orm  # registers the table on Base.metadata
