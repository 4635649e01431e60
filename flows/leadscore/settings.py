"""Where things are: resolved from command-line flags, then environment variables, then defaults."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from leadscore.environment import TELEMETRY_OFF

PROJECT_MARKER = "dbt_project.yml"
TRUE_WORDS = {"1", "true", "yes", "on"}


def find_project_dir(start: Path | None = None) -> Path:
    """The dbt project: LEADSCORE_PROJECT_DIR, else the nearest folder up from `start` (or the
    working directory) that holds dbt_project.yml, else the checkout this package was installed from."""
    if env := os.environ.get("LEADSCORE_PROJECT_DIR"):
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / PROJECT_MARKER).is_file():
            return folder
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / PROJECT_MARKER).is_file():
        return checkout
    raise FileNotFoundError(
        "No dbt project found: run leadscore inside the project folder or set LEADSCORE_PROJECT_DIR."
    )


@dataclass(frozen=True)
class Settings:
    project_dir: Path
    duckdb_path: Path
    landing_dir: Path
    published_dir: Path
    reports_dir: Path
    target: str
    # e-mail, first and last name in the published fct_lead_scores (LEADSCORE_PUBLISH_PERSONAL_DATA)
    publish_personal_data: bool = False
    # the seed folder dbt reads (dbt_project.yml's seed-paths, LEADSCORE_SEEDS_DIR); None: seeds/
    seeds_dir: Path | None = None

    @classmethod
    def resolve(
        cls,
        project_dir: Path | None = None,
        duckdb_path: Path | None = None,
        landing_dir: Path | None = None,
        published_dir: Path | None = None,
        reports_dir: Path | None = None,
        target: str | None = None,
    ) -> Settings:
        project = (project_dir or find_project_dir()).resolve()

        def path_setting(flag: Path | None, env: str, default: str) -> Path:
            value = flag or os.environ.get(env) or default
            path = Path(value)
            return path if path.is_absolute() else (project / path).resolve()

        return cls(
            project_dir=project,
            duckdb_path=path_setting(duckdb_path, "LEADSCORE_DUCKDB_PATH", "warehouse/leadscore.duckdb"),
            landing_dir=path_setting(landing_dir, "LEADSCORE_LANDING_DIR", "data/landing"),
            published_dir=path_setting(published_dir, "LEADSCORE_PUBLISHED_DIR", "published"),
            reports_dir=path_setting(reports_dir, "LEADSCORE_REPORTS_DIR", "reports"),
            target=target or os.environ.get("LEADSCORE_TARGET", "duckdb"),
            publish_personal_data=os.environ.get("LEADSCORE_PUBLISH_PERSONAL_DATA", "").strip().lower() in TRUE_WORDS,
        )

    @property
    def email_salt_file(self) -> Path:
        return self.duckdb_path.parent / ".email_salt"

    def email_salt(self) -> str:
        """The salt of `email_hash`: LEADSCORE_EMAIL_SALT, else the one generated into
        .email_salt beside the warehouse on first use (kept, so hashes stay comparable across
        runs). Never printed or logged."""
        if env := os.environ.get("LEADSCORE_EMAIL_SALT", "").strip():
            return env
        path = self.email_salt_file
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_hex(32) + "\n")
            try:
                os.link(partial, path)  # first writer wins; a concurrent one reads its salt
            except FileExistsError:
                pass
            finally:
                partial.unlink()
        return path.read_text().strip()

    def dbt_environment(self) -> dict[str, str]:
        """Environment variables profiles.yml and dbt_project.yml read, plus telemetry off."""
        return {
            "LEADSCORE_DUCKDB_PATH": str(self.duckdb_path),
            "LEADSCORE_LANDING_DIR": str(self.landing_dir),
            "LEADSCORE_TARGET": self.target,
            "LEADSCORE_EMAIL_SALT": self.email_salt(),
            # relative: dbt places seed tests' compiled SQL under the seed folder's project path
            "LEADSCORE_SEEDS_DIR": os.path.relpath(self.seeds_dir, self.project_dir) if self.seeds_dir else "seeds",
            **TELEMETRY_OFF,
        }
