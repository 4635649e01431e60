"""Python values and weighted draws written as DuckDB SQL text."""

from __future__ import annotations

from collections.abc import Sequence


def lit(value: str | None) -> str:
    """A SQL string literal (or null)."""
    if value is None:
        return "null"
    return "'" + value.replace("'", "''") + "'"


def sql_list(values: Sequence[str | None]) -> str:
    """A SQL list literal of strings."""
    return "[" + ", ".join(lit(v) for v in values) + "]"


def pick(uniform: str, choices: Sequence[tuple[str, float]]) -> str:
    """A weighted categorical draw from a uniform [0, 1) expression."""
    total = float(sum(weight for _, weight in choices))
    branches, cumulative = [], 0.0
    for value, weight in choices[:-1]:
        cumulative += weight / total
        branches.append(f"when {uniform} < {cumulative:.6f} then {lit(value)}")
    return f"(case {' '.join(branches)} else {lit(choices[-1][0])} end)"


def lookup(expr: str, mapping: Sequence[tuple[str, float]], default: float = 0.0) -> str:
    """The number the value of expr maps to, or default."""
    branches = " ".join(f"when {lit(key)} then {value}" for key, value in mapping)
    return f"(case {expr} {branches} else {default} end)"


def element(values: Sequence[str | None], uniform: str) -> str:
    """A uniform pick from a constant list."""
    return f"{sql_list(values)}[1 + floor({uniform} * {len(values)})::integer]"


def steps(*named: tuple[str, str]) -> str:
    """A `with` clause of named steps (CTEs), each reading the ones before it by name."""
    return "with\n\n" + ",\n\n".join(f"{name} as ({body}\n)" for name, body in named) + "\n"
