"""Access on a shared warehouse: a reader role (LEADSCORE_READER_ROLE) may select the BI-facing
marts and nothing else: not the raw tables, staging, intermediate models holding personal data,
quarantine, seeds or stored test failures."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from psycopg2 import errors

from conftest import PROJECT_DIR, PUBLISHED_TABLES
from leadscore.demo.demo_data import generate_demo_data
from leadscore.running.dbt_runner import dbt_vars, describe_problems, run_dbt
from leadscore.running.load_raw import load_postgres
from leadscore.running.publish import PERSONAL_COLUMNS
from leadscore.settings import Settings
from warehouses import pg_connect, pg_schemas

AS_OF = date(2026, 6, 30)


@pytest.fixture(scope="module")
def granted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    work = tmp_path_factory.mktemp("grants")
    landing = work / "landing"
    generate_demo_data(landing, leads=200, seed=5, end_date=AS_OF, file_format="csv", events_per_lead=20)
    role, password = f"bi_reader_{secrets.token_hex(4)}", secrets.token_hex(16)
    with pytest.MonkeyPatch.context() as monkeypatch, pg_schemas(monkeypatch) as (schema, raw_schema):
        with pg_connect() as connection, connection.cursor() as cursor:
            cursor.execute(f"create role {role} login password %s", (password,))
            load_postgres(landing, connection, raw_schema)
        connection.close()
        monkeypatch.setenv("LEADSCORE_READER_ROLE", role)
        monkeypatch.setenv("DBT_TARGET_PATH", str(work / "dbt_target"))
        monkeypatch.setenv("DBT_LOG_PATH", str(work / "dbt_logs"))
        settings = Settings.resolve(
            project_dir=PROJECT_DIR, duckdb_path=work / "unused.duckdb", landing_dir=landing, target="postgres"
        )
        try:
            for args in (["seed"], ["run", "--vars", dbt_vars(AS_OF)]):
                result = run_dbt(settings, args)
                assert result.success, describe_problems(result)
            yield {"role": role, "password": password, "schema": schema, "raw_schema": raw_schema}
        finally:
            with pg_connect() as connection, connection.cursor() as cursor:
                # the schemas go first (pg_schemas), taking the grants with them; then the role
                for name in (schema, f"{schema}_test_failures", raw_schema):
                    cursor.execute(f'drop schema if exists "{name}" cascade')
                cursor.execute(f"drop role if exists {role}")
            connection.close()


def as_reader(granted: dict[str, Any]) -> Any:
    return pg_connect(user=granted["role"], password=granted["password"])


def test_reader_is_granted_exactly_the_bi_facing_marts(granted: dict[str, Any]) -> None:
    with pg_connect() as connection, connection.cursor() as cursor:
        cursor.execute(
            """
            select namespace.nspname, class.relname, has_table_privilege(%s, class.oid, 'select')
            from pg_class as class
            inner join pg_namespace as namespace on class.relnamespace = namespace.oid
            where namespace.nspname in (%s, %s, %s) and class.relkind in ('r', 'v', 'm', 'p')
            """,
            (granted["role"], granted["schema"], f"{granted['schema']}_test_failures", granted["raw_schema"]),
        )
        relations = cursor.fetchall()
    connection.close()
    readable = {(schema, name) for schema, name, allowed in relations if allowed}
    assert readable == {(granted["schema"], table) for table in PUBLISHED_TABLES}
    # the rest of the project is there, and closed: raw, staging, intermediate, quarantine, seeds
    names = {name for _, name, _ in relations}
    assert {"leads", "stg_crm__leads", "int_leads_enriched", "quarantine_leads", "fit_rules"} <= names


def test_reader_reads_every_bi_facing_mart_without_personal_data(granted: dict[str, Any]) -> None:
    with as_reader(granted) as connection, connection.cursor() as cursor:
        for table in PUBLISHED_TABLES:
            cursor.execute(f'select * from "{granted["schema"]}".{table} limit 1')
            columns = {column[0] for column in cursor.description}
            assert not columns & set(PERSONAL_COLUMNS), table
        cursor.execute(f'select count(*) from "{granted["schema"]}".fct_lead_scores')
        assert cursor.fetchone()[0] > 0
    connection.close()


@pytest.mark.parametrize(
    "relation",
    [
        "{raw}.leads",  # raw data, with e-mail and names
        "{raw}.events",
        "{schema}.stg_crm__leads",  # staging (personal data)
        "{schema}.int_leads_enriched",  # intermediate (personal data)
        "{schema}.quarantine_leads",  # quarantine (the bad rows as delivered)
        "{schema}.rpt_quarantine_summary",
        "{schema}.fit_rules",  # seeds
        "{schema}.fct_lead_score_points_history",  # internal history, not BI-facing
    ],
)
def test_reader_is_denied_everything_else(granted: dict[str, Any], relation: str) -> None:
    name = relation.format(raw=granted["raw_schema"], schema=granted["schema"])
    connection = as_reader(granted)
    try:
        with connection.cursor() as cursor, pytest.raises(errors.InsufficientPrivilege):
            cursor.execute(f"select * from {name} limit 1")
    finally:
        connection.close()
