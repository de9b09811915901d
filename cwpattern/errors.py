"""The one exception a bad pattern raises, with AWS's message and a caret display.

Modelled on jmespath's ParseError: the error keeps the whole pattern and a 0-based
position, so tools can underline the offending character, while ``message`` stays
exactly AWS's text (``cwpattern.messages``).  An optional ``hint`` says in plain words
what is wrong when AWS's own text is generic.
"""

from __future__ import annotations


class PatternError(ValueError):
    """An invalid filter pattern.

    Attributes:
        pattern: the pattern as given.
        pos: 0-based index of the offending character (``len(pattern)`` for "at end").
        message: AWS's error text.
        hint: our explanation when ``message`` alone does not say what is wrong.
    """

    def __init__(self, message: str, pattern: str, pos: int, hint: str | None = None):
        self.message = message
        self.pattern = pattern
        self.pos = max(0, min(pos, len(pattern)))
        self.hint = hint
        super().__init__(message)

    def caret_display(self, width: int = 100) -> str:
        """The pattern (or the part around ``pos``) with a ``^`` under the position."""
        line, column = _visible_window(self.pattern, self.pos, width)
        return f"{line}\n{' ' * column}^"

    def __str__(self) -> str:
        text = f"{self.message}\n{self.caret_display()}"
        if self.hint:
            text += f"\n{self.hint}"
        return text

    def __reduce__(self):  # keep the attributes when pickled (multiprocessing)
        return (type(self), (self.message, self.pattern, self.pos, self.hint))


def _visible_window(pattern: str, pos: int, width: int) -> tuple[str, int]:
    """Cut a window of ``width`` characters around ``pos``; control chars become spaces."""
    flat = "".join(" " if ch.isspace() or not ch.isprintable() else ch for ch in pattern)
    if len(flat) <= width:
        return flat, pos
    start = max(0, min(pos - width // 2, len(flat) - width))
    window = flat[start : start + width]
    prefix = "..." if start > 0 else ""
    suffix = "..." if start + width < len(flat) else ""
    return prefix + window + suffix, len(prefix) + pos - start
