"""How many raw rows the last build quarantined, per source and reason, for the run summary."""

from __future__ import annotations

from leadscore.settings import Settings
from leadscore.warehouse import connect

SOURCES = ("leads", "accounts", "events", "lifecycle")


def quarantine_counts(settings: Settings) -> dict[str, dict[str, int]]:
    """source -> reason -> quarantined rows, read-only from the warehouse. Every source is a key
    (empty when none of its rows were quarantined); a warehouse built before the quarantine
    tables existed gives empty counts."""
    counts: dict[str, dict[str, int]] = {source: {} for source in SOURCES}
    with connect(settings) as connection:
        present = {
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables where table_name like 'quarantine_%'"
            ).fetchall()
        }
        for source in SOURCES:
            table = f"quarantine_{source}"
            if table not in present:
                continue
            rows = connection.execute(
                f"select reason, count(*) from {table} group by reason order by reason"
            ).fetchall()
            counts[source] = {reason: int(rows_) for reason, rows_ in rows}
    return counts
