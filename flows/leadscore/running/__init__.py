"""Running the daily job: the Prefect flow, dbt invocations, the run lock, publishing, landing loads."""
