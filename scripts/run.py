"""`make run`: the web server and a real Celery worker; Ctrl-C stops both.

The embedded default needs no server: SQLite for data, kombu's SQLAlchemy transport on
SQLite for the broker. DATABASE_URL and REDIS_URL switch to PostgreSQL and Redis.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webapp.demo.organisations import AGENCY as DEMO_AGENCY  # noqa: E402

BIN = Path(sys.executable).parent


def main() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "5000")
    env = dict(os.environ)
    # The demo is the Mazovian agency's: its documents' title pages name it unless told otherwise.
    env.setdefault("AGENCY_NAME", DEMO_AGENCY[0])
    env.setdefault("AGENCY_CITY", DEMO_AGENCY[2])
    accounts = json.loads(
        subprocess.check_output(
            [str(BIN / "flask"), "--app", "webapp", "demo", "accounts", "--json"], env=env, cwd=ROOT
        )
    )
    password = subprocess.check_output(
        [
            str(BIN / "python"),
            "-c",
            "from webapp import create_app\n"
            "from webapp.demo.load import demo_password\n"
            "with create_app().app_context(): print(demo_password())",
        ],
        env=env,
        cwd=ROOT,
        text=True,
    ).strip()
    worker = subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "worker.celery_app",
            "worker",
            "--loglevel=INFO",
            "--concurrency=2",
            "--beat",
            "--schedule",
            str(Path(env["DATA_DIR"]) / "celerybeat-schedule"),
        ],
        env=env,
        cwd=ROOT,
    )
    web = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--bind",
            f"{host}:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--access-logfile",
            "-",
            "webapp.wsgi:app",
        ],
        env=env,
        cwd=ROOT,
    )
    time.sleep(1.5)
    print_banner(host, port, accounts, password)
    stop = False

    def _stop(*_args: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    while not stop and worker.poll() is None and web.poll() is None:
        time.sleep(0.5)
    for process in (web, worker):
        if process.poll() is None:
            process.terminate()
    for process in (web, worker):
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
    print("Stopped the web server and the worker.")
    return 0


def print_banner(host: str, port: str, accounts: list[dict], password: str) -> None:
    print("\n" + "=" * 72)
    print(f"  Strategy studio: http://{host}:{port}/")
    print(f"  Password of every demo account: {password}")
    print("  Demo accounts:")
    for account in accounts:
        cluster = account["cluster"] or "(all)"
        print(f"    {account['role']:<10} {cluster:<18} {account['email']}")
    print("  Ctrl-C stops the web server and the worker.")
    print("=" * 72 + "\n", flush=True)


if __name__ == "__main__":
    sys.exit(main())
