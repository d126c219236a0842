"""Errors users can act on. Each message says what went wrong and what to do about it."""


class RagError(Exception):
    """Base for every error the CLI and chat page report as one clear line."""


class SettingsError(RagError, ValueError):
    """A setting (a flag, an argument or an environment variable) cannot be used; the message names it."""

    def __init__(self, message: str, setting: str | None = None) -> None:
        super().__init__(message)
        self.setting = setting
        """The ``Settings`` field at fault, so that a message can name where its value came from."""


class CorpusError(RagError):
    """A corpus file could not be used; the message names the file."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class IndexInvalid(RagError):
    """The stored index is missing, stale or damaged and must be rebuilt."""


class ProvisioningError(RagError, RuntimeError):
    """The default model could not be provisioned; the message says what failed and how to fix it."""


class IndexOfAnotherCorpus(RagError):
    """The index folder holds the index of another corpus: using it would overwrite that index."""


class QuestionError(RagError, ValueError):
    """The question cannot be asked as it is (empty, too long, not text); the message says why."""
