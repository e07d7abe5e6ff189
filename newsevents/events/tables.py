"""The tab-separated tables shipped under ``newsevents/data`` (CAMEO, PLOVER, verb patterns).

Every table has the same shape, so that a person can read and edit it with any tool:

    # Title line
    # Source: where the data came from        (``#`` lines: provenance, licence, conventions)
    # Licence: ...
    column_a<TAB>column_b<TAB>...             (the first other line names the columns)
    value<TAB>value<TAB>...                   (one record per line; empty cells are empty strings)

There is no quoting: cells never hold tabs or newlines (the writer refuses them), so a line is
its record and an error can name the file and line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from newsevents.errors import DataFileError


@dataclass(frozen=True, slots=True)
class Row:
    """One record, with the line it came from so that errors can point at it."""

    line: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells[column]


def data_file(*parts: str) -> Traversable:
    """A file shipped in ``newsevents/data`` (works from a wheel or a source tree)."""
    return resources.files("newsevents").joinpath("data", *parts)


def read_table(
    source: Traversable | Path, *, columns: Sequence[str]
) -> tuple[tuple[str, ...], list[Row]]:
    """The ``#`` header lines and the rows of ``source``, which must have exactly ``columns``."""
    text = source.read_text(encoding="utf-8")
    return parse_table(text, name=str(source), columns=columns)


def parse_table(
    text: str, *, name: str, columns: Sequence[str]
) -> tuple[tuple[str, ...], list[Row]]:
    """Parse a table's text; ``name`` is used in error messages."""
    comments: list[str] = []
    header: list[str] | None = None
    rows: list[Row] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#"):
            comments.append(line[1:].strip())
            continue
        if not line.strip():
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            _check_header(header, columns, name=name, line=number)
            continue
        if len(cells) != len(header):
            raise DataFileError(
                f"{name}, line {number}: {len(cells)} cells where the header has {len(header)}"
            )
        rows.append(Row(number, dict(zip(header, cells, strict=True))))
    if header is None:
        raise DataFileError(f"{name}: no header line (expected: {' '.join(columns)})")
    return tuple(comments), rows


def _check_header(header: Sequence[str], columns: Sequence[str], *, name: str, line: int) -> None:
    if list(header) != list(columns):
        raise DataFileError(
            f"{name}, line {line}: columns are {' '.join(header)!r}, expected {' '.join(columns)!r}"
        )


def format_table(
    *, comments: Iterable[str], columns: Sequence[str], rows: Iterable[Sequence[str]]
) -> str:
    """The text of a table; refuses cells that would break the one-line-per-record rule."""
    lines = [f"# {comment}".rstrip() for comment in comments]
    lines.append("\t".join(columns))
    for row in rows:
        if len(row) != len(columns):
            raise DataFileError(f"row {row!r} has {len(row)} cells, expected {len(columns)}")
        lines.append("\t".join(_cell(value) for value in row))
    return "\n".join(lines) + "\n"


def _cell(value: str) -> str:
    if "\t" in value or "\n" in value or "\r" in value:
        raise DataFileError(f"cell {value!r} holds a tab or a line break")
    return value
