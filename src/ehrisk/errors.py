"""Input errors that name file, row, column and reason.

Every reader collects all problems of a file before raising, so the user fixes a file in one
pass. The CLI turns :class:`InputError` into a readable table on stderr and exit code 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One problem in one input.

    Parameters
    ----------
    file : str
        File (or other input, e.g. ``"--pm25"`` for a CLI option) the problem is in.
    reason : str
        What is wrong, in words a user understands (English; Chinese may follow).
    row : int or None
        1-based data row as a spreadsheet user counts it (header is row 1, first data row 2).
    column : str or None
        Column name as written in the file.
    sheet : str or None
        Sheet name for workbooks.
    """

    file: str
    reason: str
    row: int | None = None
    column: str | None = None
    sheet: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"sheet {self.sheet}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.reason}"

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
        }


class EhriskError(Exception):
    """Base class for errors the CLI reports without a traceback."""


@dataclass
class InputError(EhriskError):
    """One or more problems with user input; raised after collecting all of them."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.__str__())

    def __str__(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in input"
        return head + ":\n" + "\n".join(f"  - {p}" for p in self.problems)

    @classmethod
    def single(cls, file: str, reason: str, row: int | None = None,
               column: str | None = None, sheet: str | None = None) -> InputError:
        return cls([Problem(file=file, reason=reason, row=row, column=column, sheet=sheet)])


class ProblemCollector:
    """Collects problems while a file is read; ``raise_if_any`` raises them all at once."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, reason: str, row: int | None = None, column: str | None = None,
            sheet: str | None = None) -> None:
        self.problems.append(Problem(self.file, reason, row, column, sheet))

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(list(self.problems))
