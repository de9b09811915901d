"""``cwpattern sweep`` and ``simulator.analysis.threshold_sweep``: detection times and
false alarms computed by hand on the two-incident fixture, equality with a plain replay,
ranking and Pareto front,
grid validation, labels, and the JSON shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cwpattern.cli import main
from simulator.alarms.alarm import MetricAlarm
from simulator.analysis.threshold_sweep import (
    Grid,
    Outcome,
    SweepError,
    Variant,
    expand,
    pareto_front,
    put_metric_alarm_params,
    sweep,
)
from simulator.replay.driver import replay
from simulator.suite.loader import load_config
from simulator.synth.generator import synthesize
from simulator.synth.labels import (
    IncidentLabel,
    LabelsError,
    find_labels,
    parse_labels,
    read_labels,
)
from simulator.synth.scenario import load_scenario
from simulator.timestamps import parse_iso_ms

from conftest import FIXTURES

CONFIG = FIXTURES / "replay" / "seed.yaml"
SWEEP = FIXTURES / "sweep"
EVENTS = SWEEP / "events.jsonl.gz"
LABELS = SWEEP / "labels.jsonl"
MINUTE = 60_000


def at(clock: str) -> int:
    """Epoch ms of a time of day on the fixture's day."""
    return parse_iso_ms(f"2024-03-04T{clock}:00Z")


def seed() -> tuple[list, MetricAlarm]:
    definitions, _ = load_config(CONFIG)
    alarm = definitions.alarms["ServiceLinkedRoleAccessDenied"]
    assert isinstance(alarm, MetricAlarm)
    return list(definitions.filters.values()), alarm


@pytest.fixture(scope="module")
def swept():
    """One sweep of the fixture, as ``outcomes[(threshold, period, M/N, TMD)]``."""
    filters, alarm = seed()
    grid = Grid(thresholds=(1, 3), periods=(60, 300), evaluation_periods=(1, 3),
                treat_missing_data=("notBreaching", "breaching"))
    result = sweep(filters, alarm, grid, [str(EVENTS)], incidents=read_labels(LABELS))
    by_settings = {(o.variant.threshold, o.variant.period, o.variant.m_of_n,
                    o.variant.treat_missing_data): o for o in result.outcomes}
    return result, by_settings


# The seed alarm's filter counts AWS Config's service-linked role being denied.  In the
# fixture (fixtures/sweep/README.md) it matches, per minute:
#   outage   07:00 .. 07:19   3 each                (incident, labelled 07:00-07:20)
#   noise    08:19, 08:39     1 each                (not an incident)
#   trickle  09:01, 09:03 .. 09:29 (odd minutes)   1 each   (incident, labelled 09:00-09:30)
#   noise    10:30            2
# Events run from 06:00 (the alarm's creation) to 11:59.  A datapoint of minute t is seen
# from the evaluation at t+1 on; with N periods the range holds L = N + 2 periods, so a
# datapoint stays visible (rule 2's reach-back) until it leaves the range.


def test_hand_computed_sum_1_per_minute_1_of_1(swept) -> None:
    # Threshold 1, Period 60, 1 of 1, notBreaching.  Range = 3 minutes.
    # outage: ALARM at 07:01 (1 min after the start); the 07:19 datapoint stays in range
    #   through 07:22, so OK at 07:23.                           ALARM 07:01-07:23 (22 min)
    # 08:19 -> ALARM 08:20, OK 08:23; 08:39 -> ALARM 08:40, OK 08:43   (2 false, 3+3 min)
    # trickle: first datapoint 09:01 -> ALARM at 09:02 (2 min).  Gaps of one minute never
    #   empty the 3-minute range, so it stays in ALARM until 09:29 has left it: OK 09:33.
    # 10:30 -> ALARM 10:31, OK 10:34                                 (1 false, 3 min)
    _, outcomes = swept
    outcome = outcomes[(1.0, 60, "1/1", "notBreaching")]
    assert outcome.alarm_times == (at("07:01"), at("08:20"), at("08:40"), at("09:02"),
                                   at("10:31"))
    assert [d.delay_ms for d in outcome.detections] == [1 * MINUTE, 2 * MINUTE]
    assert outcome.false_alarm_times == (at("08:20"), at("08:40"), at("10:31"))
    assert outcome.ms_in_alarm == (22 + 3 + 3 + 31 + 3) * MINUTE


def test_hand_computed_sum_3_per_5_minutes_1_of_1(swept) -> None:
    # Threshold 3, Period 300, 1 of 1, notBreaching.  Range = three 5-minute periods.
    # outage: [06:56, 07:01) holds 3 -> ALARM at 07:01.  The last real period keeps it in
    #   ALARM until 07:19 leaves the 15-minute range: OK at 07:35.          (34 min)
    # noise: one or two denials in any 5 minutes, below 3: never ALARM -> 0 false alarms.
    # trickle: 5 minutes starting on an odd minute hold 3 denials, starting on an even one
    #   hold 2; the first 3 is [09:01, 09:06) -> ALARM at 09:06 (6 min after the start),
    #   then OK/ALARM every minute up to the ALARM at 09:30 (13 ALARMs, 1 min each).  After
    #   the data stops, reach-back to [09:25, 09:30) (3 denials) raises ALARM again at
    #   09:35 and 09:40 (each for one minute): inside the grace (L x P = 15 min after
    #   09:30), so they belong to the incident, not false alarms.
    _, outcomes = swept
    outcome = outcomes[(3.0, 300, "1/1", "notBreaching")]
    trickle = tuple(at("09:06") + k * 2 * MINUTE for k in range(13))
    assert outcome.alarm_times == (at("07:01"), *trickle, at("09:35"), at("09:40"))
    assert [d.delay_ms for d in outcome.detections] == [1 * MINUTE, 6 * MINUTE]
    assert outcome.false_alarms == 0
    assert outcome.ms_in_alarm == (34 + 13 + 1 + 1) * MINUTE


def test_hand_computed_3_of_3_minutes(swept) -> None:
    # Threshold 1, Period 60, 3 of 3, notBreaching.  Range = 5 minutes.
    # outage: 07:00, 07:01, 07:02 breach -> ALARM at 07:03 (3 min).  At 07:23 only 07:18
    #   and 07:19 remain (2 < N real points, the fill is not breaching) -> OK.   (20 min)
    # noise: a lone datapoint is 1 real point + 2 good fills < 3 -> never ALARM.
    # trickle: 5 minutes from an odd minute hold 3 real points, all breaching -> ALARM
    #   (rule 2 reaches back past the missing minutes); from an even minute only 2 -> OK.
    #   ALARM at 09:06 (6 min), 09:08, ... 09:30: 13 ALARMs of one minute.
    _, outcomes = swept
    outcome = outcomes[(1.0, 60, "3/3", "notBreaching")]
    assert outcome.alarm_times == (at("07:03"),
                                   *(at("09:06") + k * 2 * MINUTE for k in range(13)))
    assert [d.delay_ms for d in outcome.detections] == [3 * MINUTE, 6 * MINUTE]
    assert outcome.false_alarms == 0
    assert outcome.ms_in_alarm == (20 + 13) * MINUTE


def test_hand_computed_breaching_alarms_at_creation_and_misses_both(swept) -> None:
    # Threshold 1, Period 60, 1 of 1, breaching: the first evaluation (06:00) has only
    # missing data, filled as breaching -> ALARM, a false alarm.  Every datapoint breaches
    # too, so it never leaves ALARM: no new notification when the incidents start, both
    # are missed, and the whole timeline is spent in ALARM.
    result, outcomes = swept
    outcome = outcomes[(1.0, 60, "1/1", "breaching")]
    assert outcome.alarm_times == (at("06:00"),)
    assert outcome.false_alarm_times == (at("06:00"),)
    assert [d.detected_ms for d in outcome.detections] == [None, None]
    assert outcome.ms_in_alarm == result.end_ms - at("06:00")


@pytest.mark.parametrize("settings", [
    (1.0, 60, "1/1", "notBreaching"),
    (3.0, 300, "1/1", "notBreaching"),
    (1.0, 60, "3/3", "notBreaching"),
    (3.0, 300, "3/3", "breaching"),
    (1.0, 300, "3/3", "breaching"),
])
def test_a_grid_point_equals_a_plain_replay(swept, settings) -> None:
    # What ``cwpattern replay`` reports for the same alarm, change for change.
    _, outcomes = swept
    outcome = outcomes[settings]
    filters, alarm = seed()
    params = put_metric_alarm_params(alarm)
    variant = outcome.variant
    params.update(Threshold=variant.threshold, Period=variant.period,
                  EvaluationPeriods=variant.evaluation_periods,
                  DatapointsToAlarm=variant.datapoints_to_alarm,
                  TreatMissingData=variant.treat_missing_data)
    plain = replay(filters, [MetricAlarm.from_aws(params)], [str(EVENTS)])
    assert plain.simulation is not None
    expected = [(t.time_ms, t.old_state, t.new_state) for t in plain.simulation.transitions]
    assert [(c.time_ms, c.old_state, c.new_state) for c in outcome.changes] == expected
    assert expected  # the comparison is not vacuous


def test_other_statistics_and_m_of_n_equal_a_plain_replay() -> None:
    filters, alarm = seed()
    grid = Grid(thresholds=(1, 2), periods=(120, 600), evaluation_periods=(3,),
                datapoints_to_alarm=(2,), statistics=("SampleCount", "Maximum", "p90"),
                treat_missing_data=("missing", "ignore"))
    result = sweep(filters, alarm, grid, [str(EVENTS)])
    assert len(result.outcomes) == 24
    for outcome in result.outcomes[::5]:
        params = put_metric_alarm_params(alarm)
        stat = outcome.variant.statistic
        params.pop("Statistic")
        params["ExtendedStatistic" if stat == "p90" else "Statistic"] = stat
        params.update(Threshold=outcome.variant.threshold, Period=outcome.variant.period,
                      EvaluationPeriods=3, DatapointsToAlarm=2,
                      TreatMissingData=outcome.variant.treat_missing_data)
        plain = replay(filters, [MetricAlarm.from_aws(params)], [str(EVENTS)])
        assert plain.simulation is not None
        assert [(c.time_ms, c.new_state) for c in outcome.changes] == \
            [(t.time_ms, t.new_state) for t in plain.simulation.transitions]


def test_ranking_rule_and_front(swept) -> None:
    result, _ = swept
    keys = [(o.missed, o.false_alarms, o.mean_delay_ms, o.ms_in_alarm)
            for o in result.outcomes]
    assert keys == sorted(keys, key=lambda k: (k[0], k[1], float("inf") if k[2] is None
                                               else k[2], k[3]))
    front = [o for o in result.outcomes if o.pareto]
    assert front, "the front is never empty when there are incidents"
    for outcome in result.outcomes:
        if outcome.pareto:
            continue  # every other outcome is beaten by a front member on both axes
        assert any(_dominates(f, outcome) for f in front)


def _detection(outcome: Outcome) -> tuple[int, float]:
    mean = outcome.mean_delay_ms
    return outcome.missed, float("inf") if mean is None else mean


def _dominates(a: Outcome, b: Outcome) -> bool:
    return (_detection(a) <= _detection(b) and a.false_alarms <= b.false_alarms
            and (_detection(a), a.false_alarms) != (_detection(b), b.false_alarms))


def test_pareto_front_keeps_ties_and_drops_dominated() -> None:
    incident = IncidentLabel("i", 0, MINUTE)

    def outcome(delay: int | None, false_alarms: int) -> Outcome:
        from simulator.analysis.threshold_sweep import Detection

        variant = Variant(1.0, 60, 1, 1, "Sum", "missing")
        detected = None if delay is None else delay
        return Outcome(variant, 0, (), 0, (Detection(incident, detected),),
                       tuple(range(false_alarms)), MINUTE)

    outcomes = [outcome(60_000, 2), outcome(60_000, 2), outcome(120_000, 0),
                outcome(120_000, 1), outcome(180_000, 0), outcome(None, 0), outcome(30_000, 5)]
    assert pareto_front(outcomes) == {0, 1, 2, 6}


def test_m_follows_n_unless_the_alarm_sets_m() -> None:
    _, alarm = seed()
    valid, invalid = expand(alarm, Grid(evaluation_periods=(1, 3, 5)))
    assert [v.m_of_n for v, _ in valid] == ["1/1", "3/3", "5/5"] and not invalid
    params = put_metric_alarm_params(alarm)
    params.update(EvaluationPeriods=3, DatapointsToAlarm=2)
    two_of_three = MetricAlarm.from_aws(params)
    valid, invalid = expand(two_of_three, Grid(evaluation_periods=(1, 3, 5)))
    assert [v.m_of_n for v, _ in valid] == ["2/3", "2/5"]
    assert [(bad.variant.m_of_n, bad.error) for bad in invalid] == [
        ("2/1", "DatapointsToAlarm must be less than or equal to EvaluationPeriods")]


def test_invalid_combinations_are_reported_not_fatal() -> None:
    _, alarm = seed()
    valid, invalid = expand(alarm, Grid(periods=(600,), evaluation_periods=(100, 200),
                                        datapoints_to_alarm=(1, 150)))
    assert [v.m_of_n for v, _ in valid] == ["1/100"]
    errors = sorted({bad.error for bad in invalid})
    assert errors == [
        "DatapointsToAlarm must be less than or equal to EvaluationPeriods",
        "Metrics cannot be checked across more than a day (EvaluationPeriods * Period must "
        "be <= 86400)"]


def test_a_grid_with_no_valid_combination_is_one_error() -> None:
    filters, alarm = seed()
    with pytest.raises(SweepError, match="no combination of the grid is a valid alarm"):
        sweep(filters, alarm, Grid(evaluation_periods=(1,), datapoints_to_alarm=(2,)),
              [str(EVENTS)])


def test_composite_and_math_alarms_are_refused() -> None:
    from simulator.alarms.composite import CompositeAlarm

    composite = CompositeAlarm.from_aws({"AlarmName": "c", "AlarmRule": "ALARM(a)"})
    with pytest.raises(SweepError, match="composite alarm"):
        expand(composite, Grid())  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ labels


def test_labels_format_and_errors(tmp_path: Path) -> None:
    lines = ['{"id": "a", "start": "2024-03-04T07:00:00Z", "end": "2024-03-04T07:20:00Z",'
             ' "note": "ignored"}', "", '{"id": "b", "start": "2024-03-04T09:00:00+01:00",'
             ' "end": "2024-03-04T08:30:00Z"}']
    assert parse_labels(lines) == (IncidentLabel("a", at("07:00"), at("07:20")),
                                   IncidentLabel("b", at("08:00"), at("08:30")))
    bad = {
        "not json": "<labels>:1: not a JSON object",
        "[1]": "<labels>:1: expected a JSON object",
        '{"start": "2024-03-04T07:00:00Z", "end": "2024-03-04T07:20:00Z"}':
            "'id' must be a non-empty string",
        '{"id": "a", "start": 5, "end": "2024-03-04T07:20:00Z"}': "'start' must be an ISO",
        '{"id": "a", "start": "yesterday", "end": "2024-03-04T07:20:00Z"}':
            "'start' is not an ISO-8601 timestamp: 'yesterday'",
        '{"id": "a", "start": "2024-03-04T07:20:00Z", "end": "2024-03-04T07:20:00Z"}':
            "'end' must be after 'start'",
    }
    for line, message in bad.items():
        with pytest.raises(LabelsError, match=message.replace("[", r"\[")):
            parse_labels([line])
    with pytest.raises(LabelsError, match=r"<labels>:2: incident id 'a' is already used on "
                                          r"line 1"):
        parse_labels([lines[0], lines[0]])
    with pytest.raises(LabelsError, match="no such labels file"):
        read_labels(tmp_path / "absent.jsonl")


def test_labels_are_found_beside_a_file_or_above_a_trail_directory() -> None:
    trail = FIXTURES / "synth" / "config-slr-access-denied" / "trail"
    assert find_labels([str(trail)]) == trail.parent.resolve() / "labels.jsonl"
    assert find_labels([str(EVENTS), "-"]) == LABELS.resolve()
    assert find_labels(["-"]) is None
    with pytest.raises(LabelsError, match="several labels files"):
        find_labels([str(trail), str(EVENTS)])


def test_cli_finds_labels_next_to_the_sources_and_reports_bad_ones(tmp_path: Path) -> None:
    found = CliRunner().invoke(main, ["sweep", "--config", str(CONFIG), str(EVENTS)])
    assert found.exit_code == 0, found.output
    assert f"Incidents ({LABELS.resolve()})" in found.output or \
        "Incidents (fixtures/sweep/labels.jsonl)" in found.output
    assert "outage: 2024-03-04T07:00:00Z to 2024-03-04T07:20:00Z" in found.output
    copy = tmp_path / "events.jsonl.gz"
    copy.write_bytes(EVENTS.read_bytes())
    unlabelled = CliRunner().invoke(main, ["sweep", "--config", str(CONFIG), str(copy)])
    assert unlabelled.exit_code == 0
    assert "No incident labels" in unlabelled.output
    header = next(line for line in unlabelled.output.splitlines() if "threshold" in line)
    assert header.split()[-3:] == ["ALARMs", "in", "ALARM"]  # nothing to score against
    document = json.loads(CliRunner().invoke(main, ["sweep", "--config", str(CONFIG), str(copy),
                                                    "--json"]).output)
    assert document["ranking"] == "grid order"
    assert {c["false_alarms"] for c in document["configurations"]} == {None}
    (tmp_path / "labels.jsonl").write_text('{"id": "x", "start": "soon"}\n')
    broken = CliRunner().invoke(main, ["sweep", "--config", str(CONFIG), str(copy)])
    assert broken.exit_code == 2
    assert broken.output.strip() == (f"cwpattern: {tmp_path / 'labels.jsonl'}:1: 'start' is "
                                     "not an ISO-8601 timestamp: 'soon'")


# ------------------------------------------------------------------------------ the CLI


def run(*args: str):
    return CliRunner().invoke(main, ["sweep", "--config", str(CONFIG), str(EVENTS), *args])


def test_cli_table_is_ranked_with_the_front_marked() -> None:
    result = run("--threshold", "1,3", "--period", "60,300", "--evaluation-periods", "1,3")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    header = next(i for i, line in enumerate(lines) if line.lstrip().startswith("threshold"))
    assert lines[header].split() == ["threshold", "period", "M/N", "statistic", "missing",
                                     "data", "ALARMs", "in", "ALARM", "outage", "trickle",
                                     "false"]
    assert lines[header + 1].split() == ["*", "3", "300", "1/1", "Sum", "notBreaching", "16",
                                         "49m", "1m", "6m", "0"]
    rows = [line.split() for line in lines[header + 1:header + 9]]
    assert sum(1 for row in rows if row[0] == "*") >= 1
    assert "Ranked by fewest missed incidents, then fewest false alarms" in result.output


def test_cli_top_and_invalid_combinations() -> None:
    result = run("--evaluation-periods", "1,3", "--datapoints-to-alarm", "1,2", "--top", "1")
    assert result.exit_code == 0, result.output
    assert "... 2 more row(s) (--top 1); --json lists all" in result.output
    assert "Skipped 1 combination(s) CloudWatch would reject:" in result.output
    assert "1 x DatapointsToAlarm must be less than or equal to EvaluationPeriods" \
        in result.output


def test_cli_json_shape() -> None:
    result = run("--threshold", "1,3", "--period", "60", "--evaluation-periods", "1,3",
                 "--datapoints-to-alarm", "1,2", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert set(document) == {"alarm", "metric", "start", "data_end", "end", "files", "input",
                             "accounting", "labels", "incidents", "grace", "ranking",
                             "configurations", "invalid", "warnings"}
    assert document["incidents"] == [
        {"id": "outage", "start": "2024-03-04T07:00:00.000Z", "end": "2024-03-04T07:20:00.000Z"},
        {"id": "trickle", "start": "2024-03-04T09:00:00.000Z",
         "end": "2024-03-04T09:30:00.000Z"}]
    assert len(document["configurations"]) == 6 and len(document["invalid"]) == 2
    first = document["configurations"][0]
    assert set(first) == {"threshold", "period", "evaluation_periods", "datapoints_to_alarm",
                          "statistic", "treat_missing_data", "alarms", "seconds_in_alarm",
                          "detected", "missed", "mean_seconds_to_detect",
                          "worst_seconds_to_detect", "false_alarms", "pareto", "grace_seconds",
                          "detections", "alarm_times", "false_alarm_times"}
    by_settings = {(c["threshold"], c["evaluation_periods"], c["datapoints_to_alarm"]): c
                   for c in document["configurations"]}
    one_per_minute = by_settings[(1.0, 1, 1)]
    assert one_per_minute["detections"] == [
        {"incident": "outage", "detected_at": "2024-03-04T07:01:00.000Z",
         "seconds_to_detect": 60.0},
        {"incident": "trickle", "detected_at": "2024-03-04T09:02:00.000Z",
         "seconds_to_detect": 120.0}]
    assert one_per_minute["false_alarm_times"] == [
        "2024-03-04T08:20:00.000Z", "2024-03-04T08:40:00.000Z", "2024-03-04T10:31:00.000Z"]
    assert one_per_minute["grace_seconds"] == 180.0
    assert document["invalid"][0]["error"] == \
        "DatapointsToAlarm must be less than or equal to EvaluationPeriods"
    assert document["accounting"]["ServiceLinkedRoleAccessDenied"]["matched"] == 79


@pytest.mark.parametrize(("args", "message"), [
    (["--threshold", "1,abc"], "Invalid value for '--threshold': 'abc': could not convert"),
    (["--threshold", "1,,2"], "Invalid value for '--threshold': '1,,2' has an empty item"),
    (["--threshold", "inf"], "'inf': a threshold must be a finite number"),
    (["--threshold", "2,2.0"], "'2.0' is listed twice"),
    (["--period", "90"], "'90': Period must be 10, 20, 30 or a multiple of 60"),
    (["--period", "-60"], "'-60': expected a whole number, at least 1"),
    (["--evaluation-periods", "0"], "'0': expected a whole number, at least 1"),
    (["--datapoints-to-alarm", "two"], "'two': expected a whole number, at least 1"),
    (["--statistic", "Sum,Median"], "'Median': "),
    (["--treat-missing-data", "sometimes"],
     "'sometimes': TreatMissingData must be one of missing, ignore, breaching, notBreaching"),
])
def test_bad_grid_values_are_one_clear_error(args, message) -> None:
    result = run(*args)
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and message in errors[0], result.output


def test_all_invalid_grid_exits_2_with_the_reason() -> None:
    result = run("--evaluation-periods", "1", "--datapoints-to-alarm", "3")
    assert result.exit_code == 2
    assert result.output.strip() == (
        "cwpattern: no combination of the grid is a valid alarm: DatapointsToAlarm must be "
        "less than or equal to EvaluationPeriods")


def test_alarm_choice_errors(tmp_path: Path) -> None:
    result = run("--alarm", "Nope")
    assert result.exit_code == 2
    assert "no alarm named 'Nope' (alarms: 'ServiceLinkedRoleAccessDenied')" in result.output
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    nothing = CliRunner().invoke(main, ["sweep", "--config", str(CONFIG), str(empty)])
    assert nothing.exit_code == 2
    assert "the sources hold no events" in nothing.output


def test_incident_outside_the_events_is_warned_about(tmp_path: Path) -> None:
    labels = tmp_path / "labels.jsonl"
    labels.write_text('{"id": "later", "start": "2024-03-05T00:00:00Z", '
                      '"end": "2024-03-05T01:00:00Z"}\n')
    result = run("--labels", str(labels))
    assert result.exit_code == 0
    assert "warning: incident 'later' lies outside the replayed events" in result.output
    assert result.output.count("missed") >= 1


def test_fixture_regenerates_byte_for_byte(tmp_path: Path) -> None:
    scenario = load_scenario(SWEEP / "two-incidents.yaml")
    synthesize(scenario, tmp_path / "events.jsonl.gz", layout="jsonl",
               labels_path=tmp_path / "labels.jsonl")
    assert (tmp_path / "events.jsonl.gz").read_bytes() == EVENTS.read_bytes()
    real = [line for line in (tmp_path / "labels.jsonl").read_text().splitlines()
            if '"id":"noise-' not in line]
    assert real == LABELS.read_text().splitlines()
