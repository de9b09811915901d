"""The M-of-N decision with missing data: spec §7, the rule every emulator gets wrong.

This module is deliberately pure and tiny: it sees only which slots of the evaluation range
breach, which are good and which are missing, and answers ALARM, OK, INSUFFICIENT_DATA or
"keep the current state".  It knows nothing about values, thresholds, time or reasons, so
the documentation tables of §7.1 can be checked against it cell by cell, and everything
else (statistics, low-sample rules, reason strings, scheduling) is layered on top.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Literal

TreatMissingData = Literal["missing", "ignore", "breaching", "notBreaching"]
TREAT_MISSING_DATA_VALUES: tuple[TreatMissingData, ...] = (
    "missing",
    "ignore",
    "breaching",
    "notBreaching",
)


class AlarmState(str, Enum):
    """CloudWatch's three alarm states (``StateValue``)."""

    OK = "OK"
    ALARM = "ALARM"
    INSUFFICIENT_DATA = "INSUFFICIENT_DATA"

    def __str__(self) -> str:
        return self.value


class Rule(str, Enum):
    """Which branch of the §7 algorithm decided; reason strings depend on it."""

    ENOUGH_DATA = "enough-data"  # rules 1/2: at least N real points, newest N used
    FILLED = "filled"  # rule 3 with breaching / notBreaching: N - r fills
    NO_DATA = "no-data"  # missing / ignore with every slot missing
    PARTIAL = "partial"  # missing / ignore: real points decide (ALARM or OK)
    PREMATURE = "premature"  # missing / ignore: premature-alarm rule
    TOO_YOUNG = "too-young"  # missing / ignore: all breaching but too few and too young


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of §7 and what it was based on.

    ``state`` is None when the alarm keeps its current state.  ``used`` lists the range
    positions (0 = oldest slot) of the real datapoints the decision counted and
    ``breaching`` the subset that breached; ``filled`` is how many missing slots were
    filled, as breaching when ``fill_breaches``.
    """

    state: AlarmState | None
    rule: Rule
    used: tuple[int, ...]
    breaching: tuple[int, ...]
    filled: int = 0
    fill_breaches: bool = False

    @property
    def good(self) -> tuple[int, ...]:
        """Positions of the used real datapoints that did not breach."""
        return tuple(i for i in self.used if i not in self.breaching)


def decide(
    slots: Sequence[bool | None],
    evaluation_periods: int,
    datapoints_to_alarm: int,
    treat_missing_data: TreatMissingData,
) -> Decision:
    """Apply spec §7 to the evaluation range.

    ``slots`` holds one entry per period of the range, oldest first: True breaching, False
    not breaching, None missing.  N = ``evaluation_periods``, M = ``datapoints_to_alarm``.
    """
    n, m = evaluation_periods, datapoints_to_alarm
    real = [i for i, slot in enumerate(slots) if slot is not None]
    r = len(real)
    if r >= n:
        # Rules 1 and 2: newest N real points, reaching back past missing slots; TMD unused.
        used = tuple(real[-n:])
        breaching = tuple(i for i in used if slots[i])
        return Decision(_alarm_if(len(breaching) >= m), Rule.ENOUGH_DATA, used, breaching)
    # Rule 3: fill the N - r missing slots as few times as possible, keep every real point.
    used = tuple(real)
    breaching = tuple(i for i in used if slots[i])
    b = len(breaching)
    fills = n - r
    if treat_missing_data == "breaching":
        return Decision(_alarm_if(b + fills >= m), Rule.FILLED, used, breaching, fills, True)
    if treat_missing_data == "notBreaching":
        return Decision(_alarm_if(b >= m), Rule.FILLED, used, breaching, fills, False)
    missing_state = AlarmState.INSUFFICIENT_DATA if treat_missing_data == "missing" else None
    if r == 0:
        return Decision(missing_state, Rule.NO_DATA, used, breaching)
    if b >= m:
        return Decision(AlarmState.ALARM, Rule.PARTIAL, used, breaching)
    if b < r:
        return Decision(AlarmState.OK, Rule.PARTIAL, used, breaching)
    # Every real point breaches but there are fewer than M of them: premature-alarm rule.
    age_of_oldest = len(slots) - real[0]  # the newest slot has age 1 (A5)
    if age_of_oldest >= m:
        premature_state = AlarmState.ALARM if treat_missing_data == "missing" else None
        return Decision(premature_state, Rule.PREMATURE, used, breaching)
    return Decision(missing_state, Rule.TOO_YOUNG, used, breaching)


def _alarm_if(condition: bool) -> AlarmState:
    return AlarmState.ALARM if condition else AlarmState.OK
