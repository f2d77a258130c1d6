"""linkwarden's exception tree. Third-party errors are translated into these at the boundary.

::

    LinkwardenError                 base; `exit_code` is what the CLI exits with
    ├── InputError                  exit 2: a list, path or argument we cannot use
    │   ├── SourceNotFound          a path or glob that names nothing
    │   ├── BadSourceFile           binary, unreadable, or a list the parser cannot take
    │   └── RegistryError           sources.yaml malformed
    ├── ConfigError                 exit 2: linkwarden.yaml / [tool.linkwarden] malformed
    ├── StateError                  exit 2: a snapshot that cannot be read or written
    ├── NetworkUnavailable          exit 3: the network itself is down; nothing was written
    └── OutputBusy                  exit 4: another run is writing to the same --out

Per-link failures (a 404, a TLS error) are never exceptions: they are `LinkResult` values.
"""

from __future__ import annotations


class LinkwardenError(Exception):
    """Base of every error linkwarden raises on purpose."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        super().__init__(self.describe())

    def describe(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"


class InputError(LinkwardenError):
    exit_code = 2


class SourceNotFound(InputError):
    pass


class BadSourceFile(InputError):
    pass


class RegistryError(InputError):
    pass


class ConfigError(LinkwardenError):
    exit_code = 2


class StateError(LinkwardenError):
    exit_code = 2


class NetworkUnavailable(LinkwardenError):
    exit_code = 3


class OutputBusy(LinkwardenError):
    exit_code = 4
