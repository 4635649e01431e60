"""Deterministic demo data in the landing contract, with a known truth to learn.

Start at `demo_data.generate_demo_data` (the one public entry); it runs these, in this order:

- `plan`: every number the SQL needs, from the arguments; `random_draws`: the hash-based draws.
- `accounts`: the companies. `leads`: the leads query, a chain of named steps from `people`
  (who the lead is), `journey` (its buying journey and how much it does) and `outcomes` (sql,
  opportunity, won, lost, rejected; and the lifecycle file).
- `events` with `event_streams`: each lead's events as one sorted list, unnested into the file.
- `measured_truth` and `truth`: demo_truth.json, the planted weights and what the data shows.
- Words and numbers: `vocabulary` (people and companies), `site` (pages, content, campaigns),
  `model` (the planted weights); `sql_text` writes Python values as SQL; `writing` holds the
  DuckDB session and the COPY that writes each file.
"""
