"""Evidence files: a file is what its first bytes say and parses as that; it is stored under a
random name and served only as an attachment that no browser renders or runs."""

import hashlib
import re
import struct
import zlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import SourceFactory, image_bytes, pdf_bytes
from tracker.models import Source

pytestmark = pytest.mark.django_db

STORED_NAME = re.compile(r"^sources/[0-9a-f]{32}\.(pdf|png|jpg|gif|webp)$")
PREFIXES = {
    "pdf": b"%PDF-1.7\n",
    "gif": b"GIF89a",
    "png": b"\x89PNG\r\n\x1a\n",
    "jpeg": b"\xff\xd8\xff\xe0",
}
PAYLOADS = {
    "html": b"<html><body><script>alert(document.cookie)</script></body></html>",
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
    "js": b"=1;alert(document.domain);//",
}


def upload(client, user, content: bytes, name: str = "autopsy report.pdf", title: str = "Report"):
    client.force_login(user)
    return client.post(
        reverse("workspace:source_create"),
        {
            "title": title,
            "kind": "report",
            "language": "en",
            "published_precision": "day",
            "file": SimpleUploadedFile(name, content),
        },
    )


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def refused(response, title: str = "Report") -> bool:
    return response.status_code == 200 and not Source.objects.filter(title=title).exists()


def test_evidence_real_pdf_is_stored_under_a_random_name(client, contributor):
    content = pdf_bytes()
    response = upload(client, contributor, content, name="autopsy report.pdf")
    assert response.status_code == 302
    source = Source.objects.get(title="Report")
    assert STORED_NAME.match(source.file.name)
    assert source.file.name.endswith(".pdf")
    assert "autopsy" not in source.file.name
    assert source.original_name == "autopsy report.pdf"
    assert source.sha256 == hashlib.sha256(content).hexdigest()
    assert source.file.read() == content


@pytest.mark.parametrize(
    ("image_format", "extension"),
    [("PNG", ".png"), ("JPEG", ".jpg"), ("GIF", ".gif"), ("WEBP", ".webp")],
)
def test_evidence_real_image_is_stored_with_its_type_extension(
    client, contributor, image_format, extension
):
    response = upload(client, contributor, image_bytes(image_format), name="photo.PDF")
    assert response.status_code == 302
    name = Source.objects.get(title="Report").file.name
    assert STORED_NAME.match(name)
    assert name.endswith(extension)


def test_evidence_two_uploads_of_one_name_get_two_names(client, contributor):
    upload(client, contributor, pdf_bytes(), name="same.pdf", title="First")
    upload(client, contributor, pdf_bytes(2), name="same.pdf", title="Second")
    first, second = (Source.objects.get(title=title).file.name for title in ("First", "Second"))
    assert first != second


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
@pytest.mark.parametrize("prefix", PREFIXES.values(), ids=PREFIXES.keys())
def test_evidence_polyglot_is_refused(client, contributor, prefix, payload):
    response = upload(client, contributor, prefix + payload, name="scan.pdf")
    assert refused(response)
    assert not any(Source.objects.values_list("file", flat=True))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("page.pdf", b"<html><script>alert(1)</script></html>%PDF-1.4"),
        ("drawing.svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("drawing.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ],
)
def test_evidence_html_and_svg_are_refused_whatever_their_name(client, contributor, name, content):
    assert refused(upload(client, contributor, content, name=name))


@pytest.mark.parametrize("tag", [b"<html>", b"<svg onload=alert(1)>", b"<script>"])
def test_evidence_real_pdf_carrying_markup_is_refused(client, contributor, tag):
    response = upload(client, contributor, pdf_bytes() + tag + b"alert(1)")
    assert refused(response)
    assert "web page" in response.content.decode()


def test_evidence_truncated_pdf_is_refused(client, contributor):
    content = pdf_bytes()
    response = upload(client, contributor, content[: len(content) // 2])
    assert refused(response)
    assert "cannot be read as one" in response.content.decode()


def test_evidence_truncated_image_is_refused(client, contributor):
    content = image_bytes("PNG", size=(64, 64))
    assert refused(upload(client, contributor, content[: len(content) - 20], name="a.png"))


def test_evidence_image_of_one_type_with_the_signature_of_another_is_refused(client, contributor):
    content = b"GIF89a" + image_bytes("PNG")[6:]
    assert refused(upload(client, contributor, content, name="a.gif"))


@pytest.mark.parametrize("side", [10_000, 40_000], ids=["over-the-limit", "twice-over"])
def test_evidence_decompression_bomb_is_refused(client, contributor, side):
    response = upload(client, contributor, png_claiming(side, side), name="bomb.png")
    assert refused(response)
    assert "too large" in response.content.decode()


def test_evidence_password_protected_pdf_is_accepted(client, contributor):
    response = upload(client, contributor, pdf_bytes(user_password="secret"))
    assert response.status_code == 302


def test_evidence_original_name_is_kept_to_its_last_part(client, contributor):
    upload(client, contributor, pdf_bytes(), name="../../etc/Informe final.pdf")
    assert Source.objects.get(title="Report").original_name == "Informe final.pdf"


def stored_source(content: bytes, name: str = "sources/ab/abc/report.pdf") -> Source:
    """A source whose file was stored as it was before these checks: under the given name."""
    stored = default_storage.save(name, ContentFile(content))
    return SourceFactory(file=stored, sha256=hashlib.sha256(content).hexdigest())


def download(client, user, source):
    client.force_login(user)
    response = client.get(reverse("workspace:source_file", args=[source.pk]))
    return response, b"".join(response.streaming_content)


def test_evidence_is_served_as_an_attachment_of_its_detected_type(client, contributor):
    upload(client, contributor, image_bytes("PNG"), name="Photo of cell <3>.pdf")
    source = Source.objects.get(title="Report")
    response, content = download(client, contributor, source)
    assert content == image_bytes("PNG")
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="photo-of-cell-3.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"].split(";")[-1]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))


def test_evidence_stored_before_these_checks_is_served_by_its_content(client, contributor):
    """A file kept under its uploaded name is still served, by what its bytes are."""
    source = stored_source(b"%PDF-1.4\n<html><script>alert(1)</script>", "sources/ab/c/x.html")
    assert source.file.name.startswith("sources/")
    response, _content = download(client, contributor, source)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="x.pdf"'
    assert "sandbox" in response["Content-Security-Policy"]


def test_evidence_of_no_known_type_is_served_as_bytes(client, contributor):
    source = stored_source(b"Plain text of an article.", "seed-article.txt")
    response, content = download(client, contributor, source)
    assert content == b"Plain text of an article."
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="seed-article"'


def test_evidence_missing_from_storage_is_not_found(client, contributor):
    source = stored_source(pdf_bytes())
    source.file.storage.delete(source.file.name)
    client.force_login(contributor)
    response = client.get(reverse("workspace:source_file", args=[source.pk]))
    assert response.status_code == 404


def test_evidence_edit_page_names_the_original_file_not_the_stored_one(client, contributor):
    upload(client, contributor, pdf_bytes(), name="Autopsia Izalco.pdf")
    source = Source.objects.get(title="Report")
    page = client.get(reverse("workspace:source_edit", args=[source.pk])).content.decode()
    assert "Autopsia Izalco.pdf" in page
    assert source.file.name not in page
    assert reverse("workspace:source_file", args=[source.pk]) in page


def test_evidence_cleared_file_clears_its_hash_and_name(client, contributor):
    upload(client, contributor, pdf_bytes())
    source = Source.objects.get(title="Report")
    client.post(
        reverse("workspace:source_edit", args=[source.pk]),
        {
            "title": "Report",
            "kind": "report",
            "language": "en",
            "published_precision": "day",
            "file-clear": "on",
            "version": source.version,
        },
    )
    source.refresh_from_db()
    assert (source.file.name, source.sha256, source.original_name) == ("", "", "")


def test_evidence_cannot_be_uploaded_through_the_admin(client, admin_user):
    """Sources are changed in the workspace only, where every upload is checked."""
    client.force_login(admin_user)
    upload = SimpleUploadedFile("a.gif", PREFIXES["gif"] + PAYLOADS["html"])
    response = client.post(
        reverse("admin:tracker_source_add"),
        {"title": "Admin report", "kind": "report", "language": "en", "file": upload},
    )
    assert response.status_code == 403
    assert not Source.objects.exists()
