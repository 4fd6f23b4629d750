"""bandit finds no high-severity issue in the product's code (webapp, worker, workflows,
charts). A planted issue proves the scanner really runs and reports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BANDIT = Path(sys.executable).parent / "bandit"
PACKAGES = ["webapp", "worker", "workflows", "charts"]


def bandit(*targets: str, cwd: Path = ROOT) -> dict:
    """`bandit -q -r TARGETS -lll` (high severity only), its JSON report."""
    assert BANDIT.exists(), "bandit is not installed: pip install -r requirements-dev.txt"
    result = subprocess.run(
        [str(BANDIT), "-q", "-r", *targets, "-lll", "-f", "json"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode in (0, 1), result.stderr  # 1: something was found
    return json.loads(result.stdout)


def test_no_high_severity_findings_in_the_product():
    report = bandit(*PACKAGES)
    assert report["errors"] == [], report["errors"]
    scanned = report["metrics"]["_totals"]["loc"]
    assert scanned > 5000, f"only {scanned} lines scanned: are the packages there?"
    findings = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}" for r in report["results"]
    ]
    assert findings == [], "\n".join(findings)


def test_bandit_reports_a_planted_issue(tmp_path):
    (tmp_path / "bad.py").write_text(
        "import subprocess\n\n\ndef run(command):\n    return subprocess.call(command, shell=True)\n",
        encoding="utf-8",
    )
    report = bandit(".", cwd=tmp_path)
    assert [r["test_id"] for r in report["results"]] == ["B602"]
