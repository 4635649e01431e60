"""Deterministic demo data in the landing contract, with a known truth to learn."""
