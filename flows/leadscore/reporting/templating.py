"""The pages' Jinja2 templates (templates/, shipped with the package) and the blocks a page
section lays out: figures, tables, headings, messages. Python decides what a section shows;
templates/blocks.html.j2 decides how each block looks. Autoescape is on: text is escaped in the
templates, and only Markup (a chart's SVG, a few cells and notes built with Markup.format) goes in
as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import jinja2
from markupsafe import Markup

from leadscore.reporting import formatting as fmt
from leadscore.reporting import svg

TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("leadscore.reporting", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
TEMPLATES.filters.update(count=fmt.count, score=fmt.score, pct=fmt.pct)


def render_template(name: str, **context: Any) -> str:
    """templates/`name` filled in with `context`."""
    return TEMPLATES.get_template(name).render(**context)


# --- blocks: what a section shows, in order (blocks.html.j2 draws each kind) ------------------


@dataclass(frozen=True)
class Figure:
    """A captioned chart; without a bar or a line, `empty_message` instead (None: the chart is
    always shown). `note` below the chart: text, or Markup."""

    caption: str
    chart: str | None
    empty_message: str | None = None
    note: str = ""
    kind: ClassVar[str] = "figure"

    @property
    def drawn(self) -> bool:
        return self.empty_message is None or svg.has_marks(self.chart)

    @property
    def chart_markup(self) -> Markup:
        return Markup(self.chart or "")


@dataclass(frozen=True)
class Table:
    """Cells are text, or Markup; the `numeric` columns (by index) are right-aligned."""

    headers: list[str]
    rows: list[list[str]]
    numeric: frozenset[int] = field(default_factory=frozenset)
    kind: ClassVar[str] = "table"


@dataclass(frozen=True)
class Heading:
    text: str
    kind: ClassVar[str] = "heading"


@dataclass(frozen=True)
class Empty:
    """Why there is nothing to show."""

    message: str
    kind: ClassVar[str] = "empty"


@dataclass(frozen=True)
class Html:
    """HTML escaped already (another module's part of the page)."""

    markup: Markup
    kind: ClassVar[str] = "html"


Block = Figure | Table | Heading | Empty | Html
