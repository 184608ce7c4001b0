"""A Report as JUnit XML: one testcase per check, so CI systems show each failed check with its hint."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from .results import Report


def to_junit(report: Report, name: str) -> bytes:
    failures = sum(not c.passed for c in report.checks)
    suite = ET.Element("testsuite", name=f"{report.assignment}:{name}", tests=str(len(report.checks)),
                       failures=str(failures), errors=str(len(report.errors)))
    ET.SubElement(ET.SubElement(suite, "properties"), "property", name="score",
                  value=f"{report.score:g}/{report.max_score:g}")
    for c in report.checks:
        case = ET.SubElement(suite, "testcase", classname=f"{report.assignment}.{c.function or 'outcome'}",
                             name=c.id)
        if not c.passed:
            ET.SubElement(case, "failure", message=c.message or "failed").text = c.message
    for i, error in enumerate(report.errors):
        case = ET.SubElement(suite, "testcase", classname=f"{report.assignment}.notebook", name=f"notebook.{i}")
        ET.SubElement(case, "error", message=error).text = error
    return ET.tostring(suite, encoding="utf-8", xml_declaration=True)
