"""cwpattern: CloudWatch Logs filter patterns, exactly as AWS reads them.

    >>> import cwpattern
    >>> seed = cwpattern.compile('{ $.errorCode = AccessDenied }')
    >>> seed.matches('{"errorCode": "AccessDenied"}')
    True

The API follows Python's ``re``: ``compile`` once (results are cached), then
``matches``/``extract`` as often as needed.  Invalid patterns raise ``PatternError``
carrying AWS's error text and the position of the problem.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cwpattern.errors import PatternError
from cwpattern.pattern import (
    FilterPattern,
    compile,
    extract,
    matches,
    purge,
    test_metric_filter,
)
from cwpattern.patternset import PatternSet

if TYPE_CHECKING:
    from cwpattern.explanation import Explanation

__all__ = [
    "FilterPattern",
    "PatternError",
    "PatternSet",
    "compile",
    "explain",
    "extract",
    "matches",
    "purge",
    "test_metric_filter",
]
__version__ = "0.1.0"


def explain(pattern: str | FilterPattern) -> Explanation:
    """How AWS reads ``pattern``: syntax, structure, normal form, and the surprises that
    apply (``cwpattern.explanation``, loaded on first use)."""
    from cwpattern.explanation import explain as explain_pattern

    return explain_pattern(pattern)
