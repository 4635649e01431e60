"""Figures as the report shows them: counts, percentages, scores, days. Plain text: whatever puts
them in HTML or SVG escapes them ("–" stands for a value the table leaves null)."""

from __future__ import annotations

from typing import Any

MISSING = "–"


def cell(value: Any) -> str:
    return MISSING if value is None else str(value)


def count(value: Any) -> str:
    return MISSING if value is None else f"{int(value):,}"


def pct(value: Any) -> str:
    return MISSING if value is None else f"{float(value):.1%}"


def pct_tick(value: float) -> str:
    """An axis label: a whole percentage without decimals."""
    return f"{value:.0%}" if abs(value * 100 - round(value * 100)) < 1e-6 else f"{value:.1%}"


def score(value: Any) -> str:
    if value is None:
        return MISSING
    text = f"{float(value):,.1f}"
    return text[:-2] if text.endswith(".0") else text


def signed(value: Any) -> str:
    if value is None:
        return MISSING
    number = float(value)
    return "0" if number == 0 else ("+" if number > 0 else "−") + score(abs(number))


def day(value: Any) -> str:
    return MISSING if value is None else str(value)[:10]


def days(value: Any) -> str:
    return MISSING if value is None else f"{score(value)} d"


def plural(number: Any, word: str) -> str:
    return f"{count(number)} {word}{'' if number == 1 else 's'}"


def short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
