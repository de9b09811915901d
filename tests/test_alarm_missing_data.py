"""The M-of-N decision with missing data: every cell of alarm-semantics §7.1's tables.

Each case starts from a state other than the expected one, so an engine that wrongly keeps
its state fails; "keep" cells are checked from all three states.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.alarms.decision import AlarmState
from tests._alarm_helpers import alarm, row

KEEP = "keep"
TMD = ("missing", "ignore", "breaching", "notBreaching")


def expand(ref: str, m_of_n: str, text: str, cells: dict[str, str]) -> list:
    m, _, n = m_of_n.partition(" of ")
    return [
        pytest.param(int(m), int(n), text, tmd, expected, id=f"{ref} {m_of_n} `{text}` {tmd}")
        for tmd, expected in cells.items()
    ]


def cells(missing: str, ignore: str, breaching: str, not_breaching: str) -> dict[str, str]:
    return dict(zip(TMD, (missing, ignore, breaching, not_breaching), strict=True))


OK, ALARM, INSUFFICIENT = "OK", "ALARM", "INSUFFICIENT_DATA"
TABLE = "§7.1 table"
JAN_2019 = "§7.1 Jan-2019-only row"
ROWS = [
    *expand(TABLE, "3 of 3", "0 - X - X", cells(OK, OK, OK, OK)),
    *expand(TABLE, "3 of 3", "0 - - - -", cells(OK, OK, OK, OK)),
    *expand(TABLE, "3 of 3", "- - - - -", cells(INSUFFICIENT, KEEP, ALARM, OK)),
    *expand(TABLE, "3 of 3", "0 X X - X", cells(ALARM, ALARM, ALARM, ALARM)),
    *expand(TABLE, "3 of 3", "- - X - -", cells(ALARM, KEEP, ALARM, OK)),
    *expand(TABLE, "2 of 3", "0 - X - X", cells(ALARM, ALARM, ALARM, ALARM)),
    *expand(TABLE, "2 of 3", "0 0 X 0 X", cells(ALARM, ALARM, ALARM, ALARM)),
    *expand(TABLE, "2 of 3", "0 - X - -", cells(OK, OK, ALARM, OK)),
    *expand(TABLE, "2 of 3", "- - - - 0", cells(OK, OK, ALARM, OK)),
    *expand(TABLE, "2 of 3", "- - - X -", cells(ALARM, KEEP, ALARM, OK)),
    *expand(JAN_2019, "3 of 3", "- - - - X", cells(INSUFFICIENT, KEEP, ALARM, OK)),
    *expand(JAN_2019, "3 of 3", "X - - - -", cells(ALARM, KEEP, ALARM, OK)),
    *expand(JAN_2019, "2 of 3", "- - - - X", cells(INSUFFICIENT, KEEP, ALARM, OK)),
]
OTHER_STATE = {OK: AlarmState.ALARM, ALARM: AlarmState.OK, INSUFFICIENT: AlarmState.ALARM}


@pytest.mark.parametrize(("m", "n", "text", "tmd", "expected"), ROWS)
def test_documented_table_cell(m: int, n: int, text: str, tmd: str, expected: str) -> None:
    subject = alarm(EvaluationPeriods=n, DatapointsToAlarm=m, TreatMissingData=tmd)
    if expected == KEEP:
        for start in AlarmState:
            result = subject.evaluate(row(text), start)
            assert (result.state, result.changed, result.reason) == (start, False, None)
    else:
        start = OTHER_STATE[expected]
        result = subject.evaluate(row(text), start)
        assert result.state == AlarmState(expected)
        assert result.changed and result.reason is not None


def test_doc_sequence_breaching_fill_then_next_evaluation() -> None:
    # §7 rule 3 example: 3 of 3 `0 - - - -` breaching is OK; once the 0 ages out, ALARM.
    subject = alarm(TreatMissingData="breaching")
    first = subject.evaluate(row("0 - - - -"), AlarmState.INSUFFICIENT_DATA)
    second = subject.evaluate(row("- - - - -"), first.state)
    assert (first.state, second.state) == (AlarmState.OK, AlarmState.ALARM)


def test_doc_figure_full_data_sequence() -> None:
    # §7 worked sequence (threshold 3, 3 of 3): ALARM once periods 3-5 exceed 3, OK at 6.
    subject = alarm(Threshold=3.0, TreatMissingData="missing")
    values = [1.0, 2.0, 4.0, 5.0, 6.0, 2.0, 1.0, 1.0, 4.0, 1.0]
    padded = [None, None, *values]  # L = 5 slots, the first evaluation has 3 real points
    states = []
    state = AlarmState.INSUFFICIENT_DATA
    for seen in range(3, len(values) + 1):
        state = subject.evaluate(padded[seen - 3 : seen + 2], state).state
        states.append(state)
    assert states == [
        AlarmState.OK,
        AlarmState.OK,
        AlarmState.ALARM,
        AlarmState.OK,
        AlarmState.OK,
        AlarmState.OK,
        AlarmState.OK,
        AlarmState.OK,
    ]


def test_reach_back_past_missing_slots_uses_newest_n_real_points() -> None:
    # 2 of 5 with X X 0 0 0 0 0 (L = 7): CloudWatch uses the newest 5 → OK (LocalStack: ALARM).
    subject = alarm(EvaluationPeriods=5, DatapointsToAlarm=2)
    result = subject.evaluate(row("X X 0 0 0 0 0"), AlarmState.ALARM)
    assert result.state == AlarmState.OK


def test_zero_is_a_real_value_not_missing() -> None:
    subject = alarm(ComparisonOperator="LessThanThreshold", Threshold=1.0, DatapointsToAlarm=2)
    result = subject.evaluate([None, None, 0.0, None, None], AlarmState.OK)
    assert result.state == AlarmState.ALARM  # premature rule: 0 breaches `< 1`, 3 old


def test_dynamodb_namespace_ignores_missing_data_when_unset() -> None:
    subject = alarm(Namespace="AWS/DynamoDB")
    result = subject.evaluate(row("- - - - -"), AlarmState.ALARM)
    assert (result.state, result.changed) == (AlarmState.ALARM, False)
    explicit = alarm(Namespace="AWS/DynamoDB", TreatMissingData="breaching")
    assert explicit.evaluate(row("- - - - -"), AlarmState.OK).state == AlarmState.ALARM
    forced = explicit.evaluate(row("- - - - -"), AlarmState.OK, dynamodb_always_ignore=True)
    assert forced.state == AlarmState.OK and not forced.changed


slot = st.sampled_from([0.0, 10.0, None])


@given(
    n=st.integers(1, 6),
    data=st.data(),
    start=st.sampled_from(list(AlarmState)),
)
def test_treat_missing_data_has_no_effect_with_n_real_points_in_newest_n_slots(
    n: int, data: st.DataObject, start: AlarmState
) -> None:
    m = data.draw(st.integers(1, n))
    older = data.draw(st.lists(slot, min_size=2, max_size=2))
    newest = data.draw(st.lists(st.sampled_from([0.0, 10.0]), min_size=n, max_size=n))
    results = {
        tmd: alarm(EvaluationPeriods=n, DatapointsToAlarm=m, TreatMissingData=tmd).evaluate(
            older + newest, start
        )
        for tmd in TMD
    }
    assert len({(r.state, r.reason, r.reason_data) for r in results.values()}) == 1


@given(
    values=st.lists(slot, min_size=5, max_size=5),
    tmd=st.sampled_from(TMD),
    start=st.sampled_from(list(AlarmState)),
)
def test_evaluation_is_deterministic(values: list, tmd: str, start: AlarmState) -> None:
    subject = alarm(TreatMissingData=tmd, DatapointsToAlarm=2)
    first = subject.evaluate(values, start, at_ms=1_700_000_000_000)
    second = subject.evaluate(list(values), start, at_ms=1_700_000_000_000)
    assert first == second
