"""The README's commands on a fresh machine: `make test` brings its Debian packages itself."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "system-packages.sh"


def fake_tools(tmp_path: Path, installed: set[str], uid: int) -> dict[str, str]:
    """A PATH where dpkg-query knows only ``installed`` and id answers ``uid``; apt-get logs."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "dpkg-query").write_text(
        "#!/bin/sh\n"
        'for p in "$@"; do last="$p"; done\n'
        f'case " {" ".join(sorted(installed))} " in *" $last "*) printf "install ok installed";; '
        "*) exit 1;; esac\n"
    )
    (bin_dir / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    (bin_dir / "apt-get").write_text(f'#!/bin/sh\necho "$@" >> {tmp_path}/apt.log\n')
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}:/usr/bin:/bin"}


def packages() -> list[str]:
    match = re.search(r"^PACKAGES=\(([^)]*)\)", SCRIPT.read_text(), re.MULTILINE)
    assert match
    return match.group(1).split()


def test_without_root_it_names_exactly_what_to_install(tmp_path):
    env = fake_tools(tmp_path, installed={"postgresql", "python3-venv"}, uid=1000)
    result = subprocess.run([str(SCRIPT)], env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert "apt-get install --no-install-recommends redis-server chromium fonts-dejavu-core" in result.stderr
    assert not (tmp_path / "apt.log").exists()


def test_as_root_it_installs_what_is_missing(tmp_path):
    env = fake_tools(tmp_path, installed={"redis-server"}, uid=0)
    result = subprocess.run([str(SCRIPT)], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    calls = (tmp_path / "apt.log").read_text().splitlines()
    assert calls[0] == "update -qq"
    missing = [p for p in packages() if p != "redis-server"]  # every one but the installed
    assert missing[:4] == ["chromium", "postgresql", "python3-venv", "fonts-dejavu-core"]
    assert calls[1].split()[-len(missing) :] == missing


def test_with_everything_installed_it_does_nothing(tmp_path):
    env = fake_tools(tmp_path, installed=set(packages()), uid=0)
    assert subprocess.run([str(SCRIPT)], env=env).returncode == 0
    assert not (tmp_path / "apt.log").exists()


def test_ci_and_make_test_share_the_one_list():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "apt-get" not in ci and "make test" in ci
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test: system-packages\b", makefile, re.MULTILINE)
