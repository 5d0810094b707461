"""nginx in the foreground with our own config: the PDF store served directly, and the app behind it."""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import time
from pathlib import Path

from bench.common import Process, free_port, wait_for_http

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SECRET = "bench-signing-secret"

# The production snippet (docs/operations.md) plus /direct/, the same files served with no app at all.
CONFIG = """
%(user)s
worker_processes auto;
daemon off;
pid %(dir)s/nginx.pid;
error_log %(dir)s/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    types { application/pdf pdf; text/html html; }
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path %(dir)s/client_body;
    proxy_temp_path %(dir)s/proxy;
    fastcgi_temp_path %(dir)s/fastcgi;
    uwsgi_temp_path %(dir)s/uwsgi;
    scgi_temp_path %(dir)s/scgi;
    upstream salaryguide { server %(app)s; keepalive 32; }
    server {
        listen 127.0.0.1:%(port)d;
        location /direct/ { alias %(store)s/; }
        location /_pdf/ { internal; alias %(store)s/; }
        # Not the service's setup: how a download could skip the app (docs/benchmarks.md, "download").
        location /signed/ {
            secure_link $arg_md5,$arg_expires;
            secure_link_md5 "$secure_link_expires$uri %(secret)s";
            if ($secure_link = "") { return 403; }
            if ($secure_link = "0") { return 410; }
            alias %(store)s/;
        }
        location / {
            proxy_pass http://salaryguide;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }
    }
}
"""


def available() -> bool:
    return Path(NGINX).is_file()


def start(folder: Path, store: Path, app_url: str) -> tuple[Process, str]:
    """nginx on a free port in front of `app_url`, serving `store`; returns it and its URL."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    # As root, nginx's workers would run as nobody, who cannot enter our private temporary folders.
    user = "user root;" if os.geteuid() == 0 else ""
    config = CONFIG % {"user": user, "dir": folder, "app": app_url.removeprefix("http://"), "port": port,
                       "store": store, "secret": SECRET}
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
