"""Typed errors: every bad input or unusable index raises a :class:`QAError` (a ``ValueError``).

Each error carries what went wrong (``problem``), where (``source``: a file, a field), a
machine-readable ``code`` and the fix in the library's words (``hint``), so each face (CLI, UI)
can word its own fix without rewriting the message. ``str(error)`` is the full sentence.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "ArticleError",
    "ConfigError",
    "FetchError",
    "IndexCorrupted",
    "IndexMissing",
    "IndexOutdated",
    "ModelMismatch",
    "QAError",
    "QuestionError",
]


class QAError(ValueError):
    """Bad input or an unusable index.

    Attributes:
        problem: What is wrong, without the place or the fix.
        source: Where: a file, directory or field name (may be empty).
        hint: What to do about it, worded for the command line and Python (may be empty; the
            class's ``default_hint`` when not given).
        field: The input field at fault, when one is (e.g. ``"outlet"``), for forms to point at.
    """

    code: ClassVar[str] = "error"
    default_hint: ClassVar[str] = ""

    def __init__(self, problem: str, *, source: object = "", hint: str | None = None, field: str = "") -> None:
        self.problem = problem
        self.source = str(source) if source else ""
        self.hint = self.default_hint if hint is None else hint
        self.field = field
        super().__init__(self.describe())

    def describe(self, *, source: str | None = None, hint: str | None = None) -> str:
        """The message, with the source and hint replaced when given (``""`` drops them)."""
        where = self.source if source is None else source
        fix = self.hint if hint is None else hint
        return (f"{where}: " if where else "") + self.problem + (f"; {fix}" if fix else "")


class QuestionError(QAError):
    """The question is empty, too long, not text, or has no words."""

    code = "bad_question"


class ArticleError(QAError):
    """An article file or field is unreadable, malformed, incomplete or a duplicate."""

    code = "bad_article"


class FetchError(QAError):
    """A web page or feed could not be fetched, or what came back is not one (``qa add URL``, ``--feed``).

    Attributes:
        reason: Which failure, for code to branch on: ``bad_url`` (not an http(s) address),
            ``unreachable``, ``timeout``, ``http_status`` (4xx/5xx), ``wrong_type`` (not HTML, not a
            feed), ``too_big``, ``too_many_redirects``, ``not_a_feed`` or ``private_address`` (refused: not a
            public address, when private addresses are not allowed).
    """

    code = "fetch_failed"

    def __init__(self, problem: str, *, source: object = "", hint: str | None = None, field: str = "",
                 reason: str = "") -> None:
        self.reason = reason
        super().__init__(problem, source=source, hint=hint, field=field)


class ConfigError(QAError):
    """An environment variable or setting names something unusable."""

    code = "bad_config"


class IndexMissing(QAError):
    """No index has been built at this path yet."""

    code = "index_missing"
    default_hint = "run `qa index` to build it"


class IndexCorrupted(QAError):
    """The index is damaged: a missing, truncated or altered file, or parts that disagree."""

    code, default_hint = "index_corrupted", "run `qa index --rebuild` to build it again from the corpus"


class IndexOutdated(QAError):
    """The index was written in another format (an older one: it must be rebuilt; ``default_hint`` says how).

    Not an :class:`IndexCorrupted`: nothing is damaged, and its files are not read.
    """

    code, default_hint = "index_outdated", IndexCorrupted.default_hint


class ModelMismatch(QAError):
    """The index was built with another embedding model than the configured one."""

    code, default_hint = "model_mismatch", "run `qa index --rebuild` to embed the corpus with the configured model"
