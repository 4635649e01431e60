"""Offline, per-project defaults for dbt and Prefect, applied before either is imported."""

from __future__ import annotations

import os
from pathlib import Path

# The one home of the telemetry-off settings (dbt_project.yml's send_anonymous_usage_stats flag aside):
# the CLI, the dbt runner, child processes and the tests all take them from here.
TELEMETRY_OFF = {
    "DO_NOT_TRACK": "1",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
}
OFFLINE_DEFAULTS = {
    **TELEMETRY_OFF,
    # a first start on a fresh PREFECT_HOME migrates a database and can exceed the 20 s default
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def apply_offline_defaults(project_dir: Path) -> None:
    """Telemetry off and a PREFECT_HOME inside the project, unless the user set them."""
    for key, value in OFFLINE_DEFAULTS.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("PREFECT_HOME", str(project_dir / ".prefect"))
