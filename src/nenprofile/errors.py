"""Input errors that tell a person which file, where, and how to fix it."""

from __future__ import annotations


class InputError(Exception):
    """A problem with user input: names the file, the line or column, and the fix.

    Raised by every reader in nenprofile. The workflow scripts turn it into a one-paragraph
    message on stderr and a non-zero exit, never a bare traceback.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.message = message
        self.path = None if path is None else str(path)
        self.line = line
        self.column = column
        self.fix = fix
        super().__init__(self.format())

    def format(self) -> str:
        where = []
        if self.path:
            where.append(self.path)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column '{self.column}'")
        text = f"{', '.join(where)}: {self.message}" if where else self.message
        if self.fix:
            text += f" Fix: {self.fix}"
        return text


class BatchInputError(InputError):
    """Some samples of a batch job had input errors: sample -> that sample's error."""

    def __init__(self, message: str, *, sample_errors: dict[str, str], fix: str) -> None:
        self.sample_errors = dict(sample_errors)
        super().__init__(message, fix=fix)
