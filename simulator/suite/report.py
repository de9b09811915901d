"""Test results as people and CI systems read them: text, JUnit XML, and JSON.

The text form follows pytest: one progress character per case, then a section per
failing case (file and case name, the statement, the diff), then the closing line
``N passed, M failed``.  The JUnit XML follows the schema that Jenkins, GitLab and
GitHub Actions read; the JSON form carries the same information for scripts.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

from simulator.suite.model import TestFile
from simulator.suite.runner import CaseResult


def summary_line(results: Sequence[CaseResult], errors: int = 0) -> str:
    passed = sum(result.passed for result in results)
    failed = len(results) - passed
    line = f"{passed} passed, {failed} failed"
    return line + (f", {errors} error{'s' if errors != 1 else ''}" if errors else "")


def progress(results: Sequence[CaseResult]) -> str:
    return "".join("." if r.passed else ("E" if r.error else "F") for r in results)


def failure_sections(results: Sequence[CaseResult]) -> list[str]:
    sections = []
    for result in results:
        if result.passed:
            continue
        title = f"{'ERROR' if result.error else 'FAILED'} {result.id} ({result.where})"
        body = [result.error] if result.error else list(result.failures)
        sections.append("\n".join([title, *("  " + line for text in body
                                            for line in text.splitlines())]))
    return sections


def to_json(results: Sequence[CaseResult], file_errors: Sequence[str]) -> dict[str, Any]:
    passed = sum(result.passed for result in results)
    return {
        "passed": passed,
        "failed": len(results) - passed,
        "errors": list(file_errors),
        "cases": [{"file": r.file, "kind": r.kind, "name": r.name, "where": str(r.where),
                   "passed": r.passed, "failures": list(r.failures), "error": r.error,
                   "seconds": round(r.seconds, 6)} for r in results],
    }


def to_junit(results: Sequence[CaseResult], file_errors: Sequence[str]) -> bytes:
    """JUnit XML: one <testsuite> per test file, one <testcase> per case."""
    root = ET.Element("testsuites", name="cwpattern")
    by_file: dict[str, list[CaseResult]] = {}
    for result in results:
        by_file.setdefault(result.file, []).append(result)
    for file, cases in by_file.items():
        suite = ET.SubElement(root, "testsuite", {
            "name": file,
            "tests": str(len(cases)),
            "failures": str(sum(bool(c.failures) and c.error is None for c in cases)),
            "errors": str(sum(c.error is not None for c in cases)),
            "skipped": "0",
            "time": f"{sum(c.seconds for c in cases):.6f}",
        })
        for case in cases:
            element = ET.SubElement(suite, "testcase", {
                "classname": f"{file}.{case.kind}", "name": case.name,
                "time": f"{case.seconds:.6f}"})
            if case.error is not None:
                ET.SubElement(element, "error", message=case.error.splitlines()[0],
                              type="error").text = case.error
            elif case.failures:
                ET.SubElement(element, "failure", message=case.failures[0].splitlines()[0],
                              type="failure").text = "\n\n".join(case.failures)
    for number, error in enumerate(file_errors, 1):
        suite = ET.SubElement(root, "testsuite", name=f"file error {number}", tests="1",
                              failures="0", errors="1", skipped="0", time="0")
        case = ET.SubElement(suite, "testcase", classname="cwpattern", name="load",
                             time="0")
        ET.SubElement(case, "error", message=error.splitlines()[0], type="error").text = error
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


class SuiteRun:
    """The outcome of running some test files: what loaded, every case's result, and
    the files that could not be loaded (as messages with file, line and column)."""

    def __init__(self, loaded: Sequence[TestFile], results: Sequence[CaseResult],
                 errors: Sequence[str]) -> None:
        self.loaded = list(loaded)
        self.results = list(results)
        self.errors = list(errors)

    @property
    def exit_code(self) -> int:
        """2 when a test file is broken, 1 when a case fails, else 0."""
        return 2 if self.errors else 0 if all(r.passed for r in self.results) else 1

    def text_lines(self) -> list[str]:
        """The pytest-like report (file errors are printed separately, to stderr)."""
        lines = []
        for test_file in self.loaded:
            mine = [r for r in self.results if r.file == test_file.path]
            lines.append(f"{test_file.path} {progress(mine)}")
        sections = failure_sections(self.results)
        if sections:
            lines += ["", "\n\n".join(sections)]
        lines.append(summary_line(self.results, len(self.errors)))
        return lines

    def to_json(self) -> dict[str, Any]:
        return to_json(self.results, self.errors)

    def to_junit(self) -> bytes:
        return to_junit(self.results, self.errors)
