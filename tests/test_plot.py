"""``replay --plot`` and ``sweep --plot``: valid PNGs made by matplotlib, the same bytes for
the same data, and a clear install hint (exit 2) when matplotlib is missing."""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from cwpattern.cli import main

from conftest import FIXTURES

CONFIG = FIXTURES / "replay" / "seed.yaml"
EVENTS = FIXTURES / "sweep" / "events.jsonl.gz"
TRAIL = FIXTURES / "synth" / "config-slr-access-denied" / "trail"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, payload) of every chunk; fails on a bad signature, length or CRC."""
    assert data[:8] == PNG_SIGNATURE
    chunks, offset = [], 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        payload = data[offset + 8:offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length:offset + 12 + length])
        assert zlib.crc32(kind + payload) == crc, f"bad CRC in {kind!r}"
        chunks.append((kind, payload))
        offset += 12 + length
    return chunks


def separate_streams_runner() -> CliRunner:
    """A runner keeping stderr apart (click 8.1 needs mix_stderr=False, 8.2 always does)."""
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()


def assert_matplotlib_png(path: Path) -> tuple[int, int]:
    chunks = png_chunks(path.read_bytes())
    kinds = [kind for kind, _ in chunks]
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND" and b"IDAT" in kinds
    text = dict(payload.split(b"\0", 1) for kind, payload in chunks if kind == b"tEXt")
    assert b"matplotlib" in text[b"Software"].lower()
    width, height = struct.unpack(">II", chunks[0][1][:8])
    return width, height


def test_replay_plot_is_a_matplotlib_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "replay.png"
    result = CliRunner().invoke(main, ["replay", "--config", str(CONFIG), str(EVENTS),
                                       "--plot", str(target)])
    assert result.exit_code == 0, result.output
    assert f"Plot written to {target}" in result.output
    width, height = assert_matplotlib_png(target)
    assert width == 1000 and height > 300


def test_sweep_plot_is_a_matplotlib_png_and_json_stays_clean(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "sweep.png"
    result = separate_streams_runner().invoke(
        main, ["sweep", "--config", str(CONFIG), str(EVENTS), "--threshold", "1,3",
               "--period", "60,300", "--json", "--plot", str(target)])
    assert result.exit_code == 0, result.output
    assert result.stdout.lstrip().startswith("{")  # the note went to stderr
    assert f"Plot written to {target}" in result.stderr
    assert assert_matplotlib_png(target) == (1000, 550)


def test_same_data_same_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    first, second = tmp_path / "a.png", tmp_path / "b.png"
    for target in (first, second):
        result = CliRunner().invoke(main, ["replay", "--config", str(CONFIG), str(TRAIL),
                                           "--plot", str(target)])
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize("command", ["replay", "sweep"])
def test_without_matplotlib_the_command_says_how_to_install_it(
        command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    target = tmp_path / "plot.png"
    result = CliRunner().invoke(main, [command, "--config", str(CONFIG), str(EVENTS),
                                       "--plot", str(target)])
    assert result.exit_code == 2
    assert result.output.strip() == "cwpattern: plots need matplotlib: pip install " \
                                    "'cwpattern[plot]'"
    assert not target.exists()


def test_sweep_plot_needs_labels(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    copy = tmp_path / "events.jsonl.gz"
    copy.write_bytes(EVENTS.read_bytes())
    result = CliRunner().invoke(main, ["sweep", "--config", str(CONFIG), str(copy), "--plot",
                                       str(tmp_path / "sweep.png")])
    assert result.exit_code == 2
    assert "sweep --plot needs incident labels (--labels FILE)" in result.output


def test_replay_labels_without_plot_is_refused() -> None:
    result = CliRunner().invoke(main, ["replay", "--config", str(CONFIG), str(EVENTS),
                                       "--labels", str(FIXTURES / "sweep" / "labels.jsonl")])
    assert result.exit_code == 2
    assert "--labels shades incidents on the plot; add --plot FILE.png" in result.output


def test_replay_plot_without_alarms_draws_the_datapoints(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    config = tmp_path / "filters.yaml"
    config.write_text("metric_filters:\n"
                      "  - filterName: Denied\n"
                      "    filterPattern: '{ $.errorCode = AccessDenied }'\n"
                      "    metricTransformations:\n"
                      "      - {metricName: Denied, metricNamespace: Local, metricValue: '1'}\n")
    target = tmp_path / "replay.png"
    result = CliRunner().invoke(main, ["replay", "--config", str(config), str(EVENTS),
                                       "--plot", str(target)])
    assert result.exit_code == 0, result.output
    assert_matplotlib_png(target)
