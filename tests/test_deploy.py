"""deploy/ stays valid: the checks `make deploy-check` runs (no container engine or systemd runs here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_deploy_check_passes_every_check() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "deploy_check.py")], capture_output=True,
                          text=True, timeout=120)
    verdicts = dict(line.split(": ", 1) for line in done.stdout.splitlines() if ": " in line)
    for check in ("systemd-analyze verify", "nginx -t", "compose.yaml schema", "hadolint Dockerfile"):
        assert verdicts.get(check, "").startswith("ok"), done.stdout + done.stderr
    assert done.returncode == 0, done.stdout


def test_bench_serves_the_shipped_nginx_site(tmp_path: Path) -> None:
    """bench/nginx.py derives its config from deploy/nginx/salaryguide.conf, so the two cannot drift."""
    from bench import nginx

    site = nginx.local_site("127.0.0.1:9", 9, tmp_path)
    assert f"alias {tmp_path}/;" in site and "location /_pdf/" in site and "internal;" in site
    assert "server 127.0.0.1:9;" in site and "ssl_certificate" not in site


def test_units_restart_on_failure_as_their_own_user_with_one_environment_file() -> None:
    for unit in (ROOT / "deploy" / "systemd").glob("*.service"):
        text = unit.read_text()
        assert "User=salaryguide" in text and "NoNewPrivileges=yes" in text and "ProtectSystem=strict" in text
        assert "EnvironmentFile=/etc/salaryguide/env" in text, unit.name
        if "Type=oneshot" not in text:
            assert "Restart=on-failure" in text, unit.name
