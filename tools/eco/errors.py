"""The errors eco reports to a user: one message, a fixed exit status, no traceback."""

from __future__ import annotations


class EcoError(Exception):
    """Bad input or a refused operation: the CLI prints the message and exits 2."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class RegistryError(EcoError):
    """``projects.toml`` is malformed; the message names the file, line and key."""


class NotInEcosystemError(EcoError):
    """No ``projects.toml`` was found walking up from the current directory."""


class GitError(EcoError):
    """A git command failed; the message carries its stderr (tokens scrubbed)."""


class TemplateError(EcoError):
    """A template could not be rendered: file, line and the variable at fault."""


def did_you_mean(word: str, choices: list[str] | set[str] | tuple[str, ...]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest choice, or ``""``."""
    import difflib

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
