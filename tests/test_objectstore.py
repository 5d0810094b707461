"""The PDF store in an S3 bucket: atomic content-addressed writes, reuse, the personal merge, the download.

No real S3-compatible server installs here (no MinIO, SeaweedFS or Garage server in Debian's, PyPI's or
npm's packages), so these tests run against moto's S3 server (`moto_server`), a separate process on a
loopback port, spoken to over HTTP by the same boto3 code production uses.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import redis

from service.extensions import db
from service.objectstore import S3Store
from tests.conftest import csrf_token, make_app, run_jobs
from tests.services import free_port, wait_until

PERSONAL = {"role": "Data Scientist", "seniority": "senior", "salary": "90000", "currency": "EUR", "city": "lisbon"}
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """moto's S3 server on a free loopback port, with test credentials in the environment."""
    port = free_port()
    log = open(tmp_path_factory.mktemp("moto") / "moto.log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen([str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                               stdout=log, stderr=log)
    endpoint = f"http://127.0.0.1:{port}"
    with pytest.MonkeyPatch.context() as patch:
        for name, value in CREDENTIALS.items():
            patch.setenv(name, value)
        try:
            wait_until(lambda: _answers(endpoint), timeout=30, what="moto_server")
            yield endpoint
        finally:
            process.terminate()
            process.wait(timeout=10)
            log.close()


def _answers(endpoint: str) -> bool:
    try:
        urllib.request.urlopen(endpoint + "/moto-api/", timeout=2).close()
        return True
    except OSError:
        return False


@pytest.fixture
def bucket(s3_endpoint: str, request: pytest.FixtureRequest) -> str:
    """A fresh bucket of this test's own."""
    name = "pdfs-" + hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:12]
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket=name)
    return name


def _store(endpoint: str, bucket: str) -> S3Store:
    return S3Store.from_config({"PDF_STORE": f"s3://{bucket}/guides/2026", "S3_ENDPOINT_URL": endpoint,
                                "S3_REGION": "us-east-1"})


def test_a_write_is_content_addressed_reused_and_read_back(s3_endpoint, bucket):
    store = _store(s3_endpoint, bucket)
    data = b"%PDF-1.7 " + os.urandom(4096)
    sha256 = store.put(data)
    assert sha256 == hashlib.sha256(data).hexdigest()
    assert store.exists(sha256) and store.read(sha256) == data
    listed = store.client.list_objects_v2(Bucket=bucket)["Contents"]
    assert [o["Key"] for o in listed] == [f"guides/2026/{sha256[:2]}/{sha256}.pdf"]
    modified = listed[0]["LastModified"]
    assert store.put(data) == sha256  # stored already: not written again
    assert store.client.list_objects_v2(Bucket=bucket)["Contents"][0]["LastModified"] == modified
    assert not store.exists("0" * 64)
    assert _store(s3_endpoint, bucket).exists(sha256)  # a fresh store asks the bucket, not its memory
    with pytest.raises(ValueError):
        store.key_for("../etc/passwd")


def test_readiness_names_a_missing_bucket_and_a_dead_endpoint(s3_endpoint, bucket):
    assert _store(s3_endpoint, bucket).check() == "ok"
    assert _store(s3_endpoint, "no-such-bucket").check() == "bucket no-such-bucket: 404"
    assert _store(f"http://127.0.0.1:{free_port()}", bucket).check() == "unreachable: EndpointConnectionError"


def test_a_personal_guide_is_rendered_into_the_bucket_and_downloaded_by_presigned_url(
        s3_endpoint, bucket, sample_database_url, redis_server, tmp_path):
    redis.Redis.from_url(redis_server.url).flushall()  # job ids restart with each database
    app = make_app(sample_database_url, redis_server.url, tmp_path / "instance", PDF_STORE=f"s3://{bucket}/pdfs",
                   S3_ENDPOINT_URL=s3_endpoint, S3_REGION="us-east-1", PDF_URL_TTL=60)
    try:
        client = app.test_client()
        thanks = client.post("/guide", data={"csrf_token": csrf_token(client.get("/").text),
                                             "email": "ada@example.com", **PERSONAL}).headers["Location"]
        run_jobs(app)  # renders the personal base into the bucket, then reads it back to merge the insert
        assert client.get(thanks + "/status").get_json()["status"] == "ready"
        response = client.get(thanks + "/download")
        assert response.status_code == 302 and response.headers["Cache-Control"] == "private, no-store"
        location = response.headers["Location"]
        assert location.startswith(f"{s3_endpoint}/{bucket}/pdfs/") and "Expires=" in location
        with urllib.request.urlopen(location, timeout=10) as download:
            body = download.read()
            assert download.headers["Content-Disposition"] == "attachment; filename=Remote-Salary-Guide-2026.pdf"
        assert body.startswith(b"%PDF-")
        keys = [o["Key"] for o in boto3.client("s3", endpoint_url=s3_endpoint).list_objects_v2(
            Bucket=bucket)["Contents"]]
        assert len(keys) == 2  # the personal base and the personal guide, nothing on disk
        assert not (tmp_path / "instance" / "pdfs").exists()
        assert app.test_client().get("/readyz").get_json()["checks"]["pdf_store"] == "ok"
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
