"""Connections to the other engines the project runs on, for the engine comparison tests.

Postgres comes from LEADSCORE_PG_* (as profiles.yml reads them). Without a reachable server the
engine tests are skipped, unless LEADSCORE_REQUIRE_ENGINES=1 (set by .ci/run), where they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from leadscore.environment import TELEMETRY_OFF

# The start of every script run_on_spark runs: a local Spark session named `spark`. The test data
# is a few thousand rows, so a node's time is the driver's: one shuffle partition, no whole-stage
# code generation (compiled per query), no adaptive re-planning, and a driver heap that the
# project's larger plans do not fill (the full Spark build, with failures stored as views: 462 ->
# 397 s alone on an idle 2-core machine; beside two other CI workers it took as long as before).
SPARK_SESSION = """
from pyspark.sql import SparkSession
spark = (
    SparkSession.builder.master("local[2]")
    .config("spark.ui.enabled", "false")
    .config("spark.driver.memory", "2g")
    .config("spark.sql.shuffle.partitions", "1")
    .config("spark.sql.codegen.wholeStage", "false")
    .config("spark.sql.adaptive.enabled", "false")
    .config("spark.sql.session.timeZone", "UTC")
    .getOrCreate()
)
spark.sparkContext.setLogLevel("ERROR")
"""


def engines_required() -> bool:
    return os.environ.get("LEADSCORE_REQUIRE_ENGINES", "").strip().lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> None:
    if engines_required():
        pytest.fail(f"{reason} (LEADSCORE_REQUIRE_ENGINES is set, so this fails instead of skipping)")
    pytest.skip(reason)


def pg_params(**overrides: str) -> dict[str, Any]:
    params = {
        "host": os.environ.get("LEADSCORE_PG_HOST", "127.0.0.1"),
        "port": int(os.environ.get("LEADSCORE_PG_PORT", "5432")),
        "user": os.environ.get("LEADSCORE_PG_USER", "leadscore"),
        "password": os.environ.get("LEADSCORE_PG_PASSWORD", ""),
        "dbname": os.environ.get("LEADSCORE_PG_DATABASE", "leadscore"),
        "connect_timeout": 5,
    }
    return {**params, **overrides}


def pg_connect(**overrides: str) -> Any:
    import psycopg2

    return psycopg2.connect(**pg_params(**overrides))


@contextmanager
def pg_schemas(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    """A fresh target schema and raw schema for one test (dropped afterwards), set in the
    environment profiles.yml and the sources read: (target schema, raw schema)."""
    import psycopg2

    try:
        pg_connect().close()
    except psycopg2.OperationalError as error:
        unavailable(f"no Postgres at {pg_params()['host']}:{pg_params()['port']}: {str(error).strip()}")
    suffix = uuid.uuid4().hex[:8]
    target, raw = f"analytics_{suffix}", f"raw_{suffix}"
    monkeypatch.setenv("LEADSCORE_PG_SCHEMA", target)
    monkeypatch.setenv("LEADSCORE_SOURCE_SCHEMA", raw)
    try:
        yield target, raw
    finally:
        with pg_connect() as connection, connection.cursor() as cursor:
            for schema in (target, f"{target}_test_failures", raw):
                cursor.execute(f'drop schema if exists "{schema}" cascade')
        connection.close()


def run_on_spark(script: str, work: Path, email_salt: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    """`script` after SPARK_SESSION, in its own process and working folder `work`: Spark writes
    spark-warehouse/ and its logs into the working folder, and the JVM ends with the process.
    Landing tables go to the schema `landing`, dbt builds into `analytics`."""
    if shutil.which("java") is None:
        unavailable("no Java runtime for Spark (Debian: openjdk-17-jre-headless)")
    environment = {
        **os.environ,
        "SPARK_LOCAL_IP": "127.0.0.1",
        "LEADSCORE_EMAIL_SALT": email_salt,
        "LEADSCORE_SOURCE_SCHEMA": "landing",
        "LEADSCORE_SPARK_SCHEMA": "analytics",
        "DBT_TARGET_PATH": str(work / "dbt_target_spark"),
        "DBT_LOG_PATH": str(work / "dbt_logs_spark"),
        **TELEMETRY_OFF,
    }
    return subprocess.run(
        [sys.executable, "-c", SPARK_SESSION + script, *arguments],
        cwd=work,
        env=environment,
        capture_output=True,
        text=True,
    )
