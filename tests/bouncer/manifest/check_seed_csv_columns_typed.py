"""dbt-bouncer check: every column of a seed's CSV file has a type in the seed's `column_types`.

dbt-bouncer's own check_seed_columns_have_types reads `data_type` from the seed's YAML, which dbt
does not use to load a seed; `column_types` (dbt_project.yml or the seed's config) is what types
the table, so that is what is checked here, against the CSV header itself.
"""

import csv
from pathlib import Path

from dbt_bouncer.check_framework.decorator import check, fail


@check
def check_seed_csv_columns_typed(seed):
    path = Path(seed.original_file_path)
    if not path.is_absolute():
        path = Path(seed.root_path) / path
    with path.open(newline="") as handle:
        header = next(csv.reader(handle), [])
    typed = set((seed.config.column_types or {}) if seed.config else {})
    untyped = [column for column in header if column not in typed]
    if untyped:
        fail(f"`{seed.name}` ({seed.original_file_path}) has columns without a column_types entry: {untyped}")
