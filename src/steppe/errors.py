"""One error hierarchy for steppe.

Every error a user can cause is a :class:`SteppeError` whose message is one sentence that
names the input and says what to do. The command line prints that sentence and exits with
``exit_code``; it never shows a traceback for these.
"""

from __future__ import annotations

from collections.abc import Sequence


class SteppeError(Exception):
    """Base class: a problem the user can fix, described in one sentence.

    A message that is about an argument names it as the Python API spells it (``as_of``,
    ``years``) and lists it in ``params``; the command line rewrites those names into its own
    options (``--as-of``) when it prints the message, so no module outside ``cli/`` knows a flag.
    """

    exit_code: int = 1
    #: The Python parameter names the message mentions (whole words, outside quoted values).
    params: tuple[str, ...] = ()

    def __init__(self, *args: object, params: Sequence[str] = ()) -> None:
        super().__init__(*args)
        if params:
            self.params = tuple(params)


class UsageError(SteppeError):
    """A malformed option or argument (bad date, unknown format)."""

    exit_code = 2


class NotFoundError(SteppeError):
    """A name that resolves to nothing (unknown organisation, country, source)."""

    exit_code = 2


class ValidationError(SteppeError):
    """Data files that break their schema; carries every problem found."""

    exit_code = 1

    def __init__(self, message: str, problems: list | None = None, *, params: Sequence[str] = ()) -> None:
        super().__init__(message, params=params)
        self.problems = list(problems or [])


class StoreError(SteppeError):
    """The database cannot be opened, migrated or written."""

    exit_code = 1


class MissingDependencyError(SteppeError):
    """An optional extra is needed; the message names the exact install command."""

    exit_code = 1

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(
            f"This feature needs the optional package '{package}': "
            f"install it with pip install 'steppe[{extra}]'."
        )


class DataError(SteppeError):
    """A source file or response is broken: the message names the source, file or URL, line and field."""

    exit_code = 1


class RefusedLoad(DataError):
    """A fetched file broke its source's validation rules: nothing was stored.

    The message names the first problem's file, line and rule; ``problems`` holds them all
    (:class:`steppe.sources.validation.Problem`).
    """

    def __init__(self, message: str, problems: list | None = None, *, params: Sequence[str] = ()) -> None:
        super().__init__(message, params=params)
        self.problems = list(problems or [])


class StoreBusyError(StoreError):
    """Another process holds the store for writing (DuckDB allows one writer process)."""

    exit_code = 1


class SourceError(SteppeError):
    """A remote service failed (HTTP errors, rate limits, SDMX error messages); says if a retry may help."""

    exit_code = 1


class AuthenticationError(SteppeError):
    """Team mode: a wrong name or password, an unknown token, or too many failed sign-ins."""

    exit_code = 1


class PermissionDeniedError(SteppeError):
    """Team mode: the account's role does not allow this action (say which role does)."""

    exit_code = 1


class ConflictError(SteppeError):
    """Someone else changed the same record first: nothing was overwritten; say what to do."""

    exit_code = 1
