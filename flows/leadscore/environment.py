"""Offline, per-project defaults for dbt and Prefect, applied before either is imported."""

from __future__ import annotations

import os
from pathlib import Path

OFFLINE_DEFAULTS = {
    "DO_NOT_TRACK": "1",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # a first start on a fresh PREFECT_HOME migrates a database and can exceed the 20 s default
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def apply_offline_defaults(project_dir: Path) -> None:
    """Telemetry off and a PREFECT_HOME inside the project, unless the user set them."""
    for key, value in OFFLINE_DEFAULTS.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("PREFECT_HOME", str(project_dir / ".prefect"))
