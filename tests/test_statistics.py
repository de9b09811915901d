"""Statistics (alarm-semantics §4.2): worked values, bound rules, exact ranks, validation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.alarms.statistics import StatisticError, parse_statistic, statistic

TENS_AND_1000 = [10, 20, 30, 40, 50, 60, 70, 80, 90, 1000]


@pytest.mark.parametrize(
    ("name", "values", "expected"),
    [
        pytest.param("tm90", TENS_AND_1000, 50.0, id="§4.2 worked: tm90=50"),
        pytest.param("TM(10%:90%)", TENS_AND_1000, 55.0, id="§4.2 worked: TM(10%:90%)=55"),
        pytest.param("wm90", TENS_AND_1000, 54.0, id="§4.2 worked: wm90=54"),
        pytest.param("tc90", TENS_AND_1000, 9.0, id="§4.2 worked: tc90=9"),
        pytest.param("ts90", TENS_AND_1000, 450.0, id="§4.2 worked: ts90=450"),
        pytest.param("IQM", [1, 2, 3, 4, 5, 6, 7, 100], 4.5, id="§4.2 worked: IQM=4.5"),
        pytest.param("TS(80%:)", list(range(1, 11)), 19.0, id="§4.2 worked: TS(80%:)=19"),
        pytest.param("PR(:300)", [100, 200, 300, 400], 75.0, id="§4.2 worked: PR(:300)=75"),
        pytest.param(
            "TM(150:1000)",
            [100, 150, 151, 1000, 1001],
            575.5,
            id="§4.2 doc: TM(150:1000) drops <=150 and >1000",
        ),
        pytest.param("TC(80:500)", [80, 81, 500, 501], 2.0, id="§4.2 doc: TC(80:500) 80<x<=500"),
        pytest.param("TC(:0.5)", [0.25, 0.5, 0.75], 2.0, id="§4.2 doc: TC(:0.5) x<=0.5"),
        pytest.param("SampleCount", [3, 1, 2], 3.0, id="SampleCount"),
        pytest.param("Sum", [3, 1, 2], 6.0, id="Sum"),
        pytest.param("Average", [3, 1, 2], 2.0, id="Average"),
        pytest.param("Minimum", [3, 1, 2], 1.0, id="Minimum"),
        pytest.param("Maximum", [3, 1, 2], 3.0, id="Maximum"),
        pytest.param("p100", [5, 1, 9], 9.0, id="Rule P: p100 = max"),
        pytest.param("p0", [5, 1, 9], 1.0, id="Rule P: p0 = min"),
        pytest.param("p50", [1, 2, 3, 4], 2.0, id="Rule P: ceil(0.5*4)=2"),
        pytest.param("p90", list(range(1, 101)), 90.0, id="Rule P exact decimal: 0.9*100=90"),
        pytest.param("p99.5", list(range(1, 201)), 199.0, id="Rule P: decimals"),
        pytest.param("p99.9999999999", list(range(1, 11)), 10.0, id="Rule P: 10 decimals"),
        pytest.param("TM(0%:50%)", [1, 2, 3, 4], 1.5, id="0% lower bound drops nothing"),
        pytest.param(
            "WM(25%:75%)", [1, 2, 3, 4, 5, 6, 7, 100], 4.5, id="WM both bounds: 3,3,3,4,5,6,6,6"
        ),
    ],
)
def test_worked_values(name: str, values: list[float], expected: float) -> None:
    assert statistic(name, values) == expected


def test_sum_keeps_double_rounding_like_a_running_accumulator() -> None:
    # The reason string of spec §9.2 prints 38.839999999999996: doubles, not decimals.
    assert statistic("Sum", [0.1, 0.2]) == 0.30000000000000004


@pytest.mark.parametrize("name", ["p50", "tm90", "IQM", "WM(10%:90%)", "TC(1:5)", "PR(:3)"])
def test_percentile_family_gives_no_datapoint_with_a_negative_value(name: str) -> None:
    assert statistic(name, [1.0, -0.5, 3.0]) is None


@pytest.mark.parametrize("name", ["Sum", "Average", "Minimum", "Maximum", "SampleCount"])
def test_simple_statistics_accept_negative_values(name: str) -> None:
    assert statistic(name, [1.0, -0.5]) is not None


def test_no_samples_means_no_datapoint() -> None:
    assert statistic("Sum", []) is None
    assert statistic("p99", []) is None


def test_trimmed_mean_keeping_nothing_has_no_datapoint_but_counts_are_zero() -> None:
    assert statistic("TM(5:6)", [1, 2]) is None
    assert statistic("TC(5:6)", [1, 2]) == 0.0
    assert statistic("TS(5:6)", [1, 2]) == 0.0


def test_linear_percentile_method_interpolates() -> None:
    assert statistic("p50", [1, 2, 3, 4], percentile_method="linear") == 2.5


@pytest.mark.parametrize(
    ("name", "minimum"),
    [
        ("p99", 1000),
        ("p95", 200),
        ("p90", 100),
        ("p75", 40),
        ("p50", 20),
        ("p10", 100),
        ("p25", 40),
        ("p100", None),
        ("p0", None),
        ("tm90", None),
        ("Sum", None),
    ],
    ids=lambda v: str(v),
)
def test_low_sample_minimum_per_spec_section_8(name: str, minimum: int | None) -> None:
    assert parse_statistic(name).low_sample_minimum == minimum


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("tm99", ("TM", None, "99%")),
        ("TM(5%:95%)", ("TM", "5%", "95%")),
        ("PR(:300)", ("PR", None, "300")),
        ("TS(80%:)", ("TS", "80%", None)),
        ("IQM", ("TM", "25%", "75%")),
    ],
)
def test_parse_forms(name: str, canonical: tuple[str, str | None, str | None]) -> None:
    stat = parse_statistic(name)
    assert (stat.kind, stat.lower and str(stat.lower), stat.upper and str(stat.upper)) == canonical


@pytest.mark.parametrize(
    "name",
    [
        "",
        "sum",
        "P99",
        "p101",
        "p99.12345678901",
        "TM90",
        "tm(5%:95%)",
        "TM()",
        "TM(:)",
        "PR(10%:90%)",
        "TM(90%:10%)",
        "p",
        "p-1",
        "TM(a:b)",
        "Avg",
    ],
)
def test_invalid_names_are_rejected(name: str) -> None:
    with pytest.raises(StatisticError):
        parse_statistic(name)


samples = st.lists(st.integers(0, 10_000).map(float), min_size=1, max_size=60)


@given(samples, st.integers(0, 100))
def test_percentile_is_a_sample_and_monotone(values: list[float], pct: int) -> None:
    value = statistic(f"p{pct}", values)
    assert value in values
    if pct < 100:
        higher = statistic(f"p{pct + 1}", values)
        assert higher is not None and higher >= value


@given(samples, st.integers(1, 99))
def test_trimmed_sum_is_mean_times_count(values: list[float], pct: int) -> None:
    ts = statistic(f"ts{pct}", values)
    tc = statistic(f"tc{pct}", values)
    tm = statistic(f"tm{pct}", values)
    assert ts is not None and tc is not None
    if tc:
        assert tm == pytest.approx(ts / tc)
    else:
        assert tm is None
