"""cwpattern: CloudWatch Logs filter patterns, exactly as AWS reads them.

    >>> import cwpattern
    >>> seed = cwpattern.compile('{ $.errorCode = AccessDenied }')
    >>> seed.matches('{"errorCode": "AccessDenied"}')
    True

The API follows Python's ``re``: ``compile`` once (results are cached), then
``matches``/``extract`` as often as needed.  Invalid patterns raise ``PatternError``
carrying AWS's error text and the position of the problem.
"""

from cwpattern.errors import PatternError
from cwpattern.pattern import (
    FilterPattern,
    compile,
    extract,
    matches,
    purge,
    test_metric_filter,
)

__all__ = [
    "FilterPattern",
    "PatternError",
    "compile",
    "extract",
    "matches",
    "purge",
    "test_metric_filter",
]
__version__ = "0.1.0"
