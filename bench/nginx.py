"""nginx in the foreground with the production site (deploy/nginx/salaryguide.conf) on loopback, the app behind it."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import time
from pathlib import Path

from bench.common import Process, free_port, wait_for_http

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SECRET = "bench-signing-secret"

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "deploy" / "nginx" / "salaryguide.conf"  # the production site, read as it ships

CONFIG = """
%(user)s
worker_processes auto;
daemon off;
pid %(dir)s/nginx.pid;
error_log %(dir)s/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    types { application/pdf pdf; text/html html; text/css css; application/javascript js; }
    default_type application/octet-stream;
    keepalive_requests 100000;
    client_body_temp_path %(dir)s/client_body;
    proxy_temp_path %(dir)s/proxy;
    fastcgi_temp_path %(dir)s/fastcgi;
    uwsgi_temp_path %(dir)s/uwsgi;
    scgi_temp_path %(dir)s/scgi;
%(site)s
}
"""

# Not the service's setup: /direct/ serves the same files with no app at all, and /signed/ shows how a
# download could skip the app (docs/benchmarks.md, "download").
BENCH_LOCATIONS = """
    location /direct/ { alias %(store)s/; }
    location /signed/ {
        secure_link $arg_md5,$arg_expires;
        secure_link_md5 "$secure_link_expires$uri %(secret)s";
        if ($secure_link = "") { return 403; }
        if ($secure_link = "0") { return 410; }
        alias %(store)s/;
    }
"""


def _swap(text: str, old: str, new: str) -> str:
    """Replace the one occurrence of `old`; fail loudly when the site file no longer has it."""
    if text.count(old) != 1:
        raise ValueError(f"{SITE} should contain {old!r} exactly once")
    return text.replace(old, new)


def local_site(app: str | list[str], port: int, store: Path, extra: str = "") -> str:
    """The production site on loopback: plain HTTP on `port`, the app at `app` (one or more host:port), the
    store at `store`."""
    app = "; server ".join([app] if isinstance(app, str) else app)
    text = re.sub(r"server \{\s*listen 80;.*?\}\n", "", SITE.read_text(), count=1, flags=re.S)  # the redirect
    text = re.sub(r"^\s*ssl_certificate(_key)? .*\n", "", text, flags=re.M)
    text = _swap(text, "server 127.0.0.1:8000;", f"server {app};")
    text = _swap(text, "listen 443 ssl http2;", f"listen 127.0.0.1:{port};")
    text = _swap(text, "/srv/salaryguide/instance/pdfs/", f"{store}/")
    text = _swap(text, "/srv/salaryguide/static/", f"{ROOT / 'static'}/")
    return _swap(text, "    location / {", extra + "\n    location / {")


def available() -> bool:
    return Path(NGINX).is_file()


def start(folder: Path, store: Path, app_url: str | list[str]) -> tuple[Process, str]:
    """nginx on a free port in front of `app_url` (one or several nodes), serving `store`; returns it and its URL."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    # As root, nginx's workers would run as nobody, who cannot enter our private temporary folders.
    user = "user root;" if os.geteuid() == 0 else ""
    extra = BENCH_LOCATIONS % {"store": store, "secret": SECRET}
    apps = [url.removeprefix("http://") for url in ([app_url] if isinstance(app_url, str) else app_url)]
    site = local_site(apps, port, store, extra)
    config = CONFIG % {"user": user, "dir": folder, "site": site}
    (folder / "nginx.conf").write_text(config)
    server = Process("nginx", [NGINX, "-c", str(folder / "nginx.conf"), "-p", str(folder)], dict(os.environ), folder)
    server.start()
    url = f"http://127.0.0.1:{port}"
    wait_for_http(url + "/direct/", server)
    return server, url


def signed_path(sha256: str, seconds: int = 3600) -> str:
    """A link nginx's secure_link checks by itself: the stored file, an expiry, and an MD5 over both."""
    uri, expires = f"/signed/{sha256[:2]}/{sha256}.pdf", int(time.time()) + seconds
    digest = hashlib.md5(f"{expires}{uri} {SECRET}".encode()).digest()  # noqa: S324 (what secure_link speaks)
    return f"{uri}?md5={base64.urlsafe_b64encode(digest).decode().rstrip('=')}&expires={expires}"
