"""AWS's error texts for filter patterns, in one place (spec §9).

Every :class:`~cwpattern.errors.PatternError` carries one of these strings as its
``message`` so that users see exactly what ``PutMetricFilter`` or ``TestMetricFilter``
would answer.  Where AWS's wording is unknown we use its generic text and explain the
cause in the error's ``hint`` instead of inventing a message AWS never sends.
"""

from __future__ import annotations

from cwpattern.ambiguities import GENERIC_SYNTAX_MESSAGE

MAX_PATTERN_LENGTH = 1024

#: Generic syntax failure (see ambiguities.GENERIC_SYNTAX_MESSAGE).
INVALID_PATTERN = GENERIC_SYNTAX_MESSAGE

UNTERMINATED_JSON = "If a filter pattern starts with '{' it must end with '}'"

#: AWS's answer to a regex too expensive to evaluate (spec §4.4, aws-cdk#36901).
REGEX_TOO_EXPENSIVE = "Regular expression evaluation time exceeded allowed limit"

DIMENSIONS_NOT_SUPPORTED = "The specified filter pattern does not support dimensions"

DIMENSIONS_AND_DEFAULT = (
    "Invalid metric transformation: dimensions and default value are mutually exclusive "
    "properties"
)


def invalid_character(term: str) -> str:
    """``Invalid character(s) in term '<c>'`` (spec §3.1, §5.2)."""
    return f"Invalid character(s) in term '{term}'"


def too_long(pattern: str) -> str:
    """The length-constraint failure AWS reports before any syntax check (spec §2, §9)."""
    return (
        f"1 validation error detected: Value '{pattern}' at 'filterPattern' failed to "
        f"satisfy constraint: Member must have length less than or equal to "
        f"{MAX_PATTERN_LENGTH}"
    )
