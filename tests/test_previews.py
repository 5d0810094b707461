"""The edition's preview images: made from the stored PDF when the edition renders, kept in the PDF store
(folder or bucket), served under their digest with a year-long cache, and shown and shared by the landing page."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from pypdf import PdfReader, PdfWriter
from sqlalchemy import select

import pdf
from service import storage
from service.extensions import db
from service.guide import editions, previews, rendering
from service.models import Edition
from tests.conftest import make_app
from tests.test_editions import invoke
from tests.test_objectstore import _store, bucket, s3_endpoint  # noqa: F401 (fixtures)

PNG = b"\x89PNG\r\n\x1a\n"
pytestmark = pytest.mark.slow


def _get(client, path: str, **headers: str) -> tuple[int, dict[str, str], str, bytes]:
    """Status, headers, media type and body of a GET, its file closed (send_file streams from an open file)."""
    response = client.get(path, headers=headers)
    try:
        return response.status_code, dict(response.headers), response.mimetype, response.data
    finally:
        response.close()


def _size(png: bytes) -> tuple[int, int]:
    """A PNG's width and height, from its IHDR chunk."""
    assert png.startswith(PNG)
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def test_rendering_an_edition_makes_previews_that_are_served_for_good(sample_app):
    invoke(sample_app, "guide", "render", "--year", "2026")
    with sample_app.app_context():
        edition = db.session.scalars(select(Edition)).one()
        assert edition.previews_of == edition.pdf_sha256
        shown = edition.previews
        base = editions.ready_pdf(2026, rendering.PERSONAL_BASE)
        assert edition.personal_page == pdf.placeholder_index(storage.store().read(base.sha256)) + 1 == 2
        reader = PdfReader(io.BytesIO(storage.store().read(edition.pdf_sha256)))
        sections = {label: reader.get_destination_page_number(reader.named_destinations[anchor]) + 1
                    for anchor, label in previews.PAGES}
    assert [p["kind"] for p in shown] == ["cover", "page", "page", "page", "share"]
    assert {p["label"]: p["page"] for p in shown if p["kind"] == "page"} == sections
    client = sample_app.test_client()
    for preview in shown:
        status, headers, mimetype, body = _get(client, f"/previews/{preview['sha256']}.png")
        assert status == 200 and mimetype == "image/png"
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert hashlib.sha256(body).hexdigest() == preview["sha256"] and len(body) == preview["size"]
        assert _size(body) == (preview["width"], preview["height"])
        again = _get(client, f"/previews/{preview['sha256']}.png", **{"If-None-Match": f'"{preview["sha256"]}"'})
        assert again[0] == 304
    assert _size(_get(client, f"/previews/{shown[-1]['sha256']}.png")[3]) == previews.SHARE
    assert shown[0]["width"] == previews.PAGE_WIDTH and shown[0]["height"] > shown[0]["width"]  # a portrait page
    assert client.get("/previews/" + "0" * 64 + ".png").status_code == 404
    assert client.get("/previews/..%2Fsecret.png").status_code == 404
    assert client.get(f"/previews/{edition.pdf_sha256}.png").status_code == 404  # a PDF is not a preview

    page = client.get("/").text
    images = re.findall(r'<img src="(/previews/[0-9a-f]{64}\.png)"', page)
    assert images == [f"/previews/{p['sha256']}.png" for p in shown if p["kind"] != "share"]
    share = f"{sample_app.config['PUBLIC_URL']}/previews/{shown[-1]['sha256']}.png"
    assert f'<meta property="og:image" content="{share}">' in page
    assert f'<meta name="twitter:image" content="{share}">' in page
    assert f'<meta property="og:url" content="{sample_app.config["PUBLIC_URL"]}/">' in page


def test_an_edition_rendered_before_previews_shows_none_until_the_prerender_makes_them(sample_app):
    invoke(sample_app, "guide", "render", "--year", "2026")
    with sample_app.app_context():
        edition = db.session.scalars(select(Edition)).one()
        edition.previews = edition.previews_of = edition.personal_page = None  # as an older release left it
        db.session.commit()
    page = sample_app.test_client().get("/").text
    assert "<img" not in page and "og:image" not in page and 'content="summary"' in page
    with sample_app.app_context():
        assert editions.prerender_current() == "edition 2026 already rendered, previews made"
        assert editions.prerender_current() == "edition 2026 already rendered"
    assert len(re.findall(r"<img ", sample_app.test_client().get("/").text)) == 4


def _blank_pdf() -> bytes:
    """A one-page PDF with no sections: only a cover preview and a share image can come of it."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_previews_live_in_the_bucket_beside_the_pdfs(s3_endpoint, bucket, sample_database_url,  # noqa: F811
                                                      redis_server, tmp_path):
    app = make_app(sample_database_url, redis_server.url, tmp_path / "instance", PDF_STORE=f"s3://{bucket}/pdfs",
                   S3_ENDPOINT_URL=s3_endpoint, S3_REGION="us-east-1")
    try:
        with app.app_context():
            sha256 = storage.store().put(_blank_pdf())
            made = previews.store(sha256)
        assert [(p["kind"], p["page"]) for p in made] == [("cover", 1), ("share", 1)]
        keys = {o["Key"] for o in _store(s3_endpoint, bucket).client.list_objects_v2(Bucket=bucket)["Contents"]}
        assert keys == {f"pdfs/{sha256[:2]}/{sha256}.pdf", *(f"pdfs/{p['sha256'][:2]}/{p['sha256']}.png" for p in made)}
        response = app.test_client().get(f"/previews/{made[0]['sha256']}.png")
        assert response.status_code == 200 and response.headers["Cache-Control"].endswith("immutable")
        assert _size(response.data) == (made[0]["width"], made[0]["height"])
        assert app.test_client().get("/previews/" + "1" * 64 + ".png").status_code == 404
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
