"""Evidence files: what staff may keep as a source's file, and how it is named and served.

A file is accepted only if it is what its first bytes say and parses as that: a PDF that pypdf
reads, or an image that Pillow opens and verifies within a pixel limit. Nothing that holds web
page markup (HTML, SVG, script) is accepted, whatever its first bytes, since a browser that
sniffed it could run it. Files are stored under a random name with the detected type's extension
and served only as attachments with that type, ``nosniff`` and a sandboxing policy.
"""

from __future__ import annotations

import logging
import posixpath
import re
import secrets
import warnings
from dataclasses import dataclass

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Pillow's own default decompression-bomb limit (0.25 GiB of pixels at 4 bytes each), kept
# here so that a change to Pillow's global does not change what we accept.
MAX_IMAGE_PIXELS = 89_478_485
# Where markup is looked for: the whole file, read in blocks that overlap by a tag's length.
SCAN_BLOCK = 1024 * 1024
MARKUP = re.compile(
    rb"<(?:!doctype|html|head|body|script|svg|iframe|frame|object|embed)[\s/>]", re.IGNORECASE
)
MARKUP_OVERLAP = 16

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EvidenceType:
    """One accepted kind of file: its content type, its extension and Pillow's format name."""

    content_type: str
    extension: str
    label: str
    image_format: str = ""  # empty for PDF


PDF = EvidenceType("application/pdf", ".pdf", "PDF")
PNG = EvidenceType("image/png", ".png", "PNG", "PNG")
JPEG = EvidenceType("image/jpeg", ".jpg", "JPEG", "JPEG")
GIF = EvidenceType("image/gif", ".gif", "GIF", "GIF")
WEBP = EvidenceType("image/webp", ".webp", "WebP", "WEBP")
EVIDENCE_TYPES = (PDF, PNG, JPEG, GIF, WEBP)
STORED_EXTENSIONS = frozenset(kind.extension for kind in EVIDENCE_TYPES)

SIGNATURES = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
)

NOT_ACCEPTED = gettext_lazy(
    "This kind of file is not accepted: upload a PDF, PNG, JPEG, GIF or WebP file."
)


class EvidenceRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def sniff_evidence_type(file) -> EvidenceType | None:
    """Name the accepted type that a file's first bytes announce, or None."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            return kind
    return None


def check_evidence(file) -> EvidenceType:
    """Return the file's type if it is acceptable evidence; raise ``EvidenceRefused`` if not."""
    kind = sniff_evidence_type(file)
    if kind is None:
        raise EvidenceRefused(str(NOT_ACCEPTED))
    if holds_markup(file):
        raise EvidenceRefused(
            _(
                "This file holds web page code (HTML, SVG or script), which is never accepted "
                "as evidence, whatever the file starts with."
            )
        )
    try:
        if kind is PDF:
            _check_pdf(file)
        else:
            _check_image(file, kind)
    finally:
        file.seek(0)
    return kind


def holds_markup(file) -> bool:
    """Whether the file holds an HTML or SVG tag anywhere, which a sniffing browser would run."""
    file.seek(0)
    tail = b""
    try:
        while block := file.read(SCAN_BLOCK):
            if MARKUP.search(tail + block):
                return True
            tail = block[-MARKUP_OVERLAP:]
        return False
    finally:
        file.seek(0)


def _unreadable(kind: EvidenceType) -> EvidenceRefused:
    return EvidenceRefused(
        _(
            "This file starts like a %(kind)s file but cannot be read as one: it may be damaged "
            "or incomplete. Upload the original file."
        )
        % {"kind": kind.label}
    )


def _check_pdf(file) -> None:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    try:
        # Lenient (strict=False): real-world PDFs often carry small errors that readers repair.
        reader = PdfReader(file, strict=False)
        pages = len(reader.pages)
    except (FileNotDecryptedError, DependencyError):
        # Encrypted with a password (or a cipher pypdf needs another package for): its header,
        # cross-reference table and trailer have been read; its pages open for nobody without
        # the password, neither for us nor for a browser.
        return
    except Exception as error:  # noqa: BLE001 - any failure to parse means "not a PDF"
        logger.info("Refused a PDF that does not parse: %s", error)
        raise _unreadable(PDF) from error
    if pages < 1:
        raise _unreadable(PDF)


def _check_image(file, kind: EvidenceType) -> None:
    from PIL import Image

    too_large = EvidenceRefused(
        _("This image is too large: at most %(limit)s million pixels.")
        % {"limit": MAX_IMAGE_PIXELS // 1_000_000}
    )
    with warnings.catch_warnings():
        # Pillow warns above its pixel limit and refuses above twice it: refuse both.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(file, formats=[kind.image_format]) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise too_large
                image.verify()
        except EvidenceRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise too_large from error
        except Exception as error:  # noqa: BLE001 - any failure to decode means "not an image"
            logger.info("Refused an image that does not decode: %s", error)
            raise _unreadable(kind) from error


def stored_file_name(filename: str) -> str:
    """A random storage name keeping only an accepted type's extension from ``filename``."""
    extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in STORED_EXTENSIONS:
        extension = ""
    return f"sources/{secrets.token_hex(16)}{extension}"


# A browser that opened a served file anyway runs nothing from it and loads nothing for it.
SERVED_FILE_POLICY = "default-src 'none'; sandbox"


def download_name(name: str, kind: EvidenceType | None) -> str:
    """The name to download a stored file as: ``name``'s words, the detected type's extension."""
    stem = posixpath.basename(name)
    if "." in stem:
        stem = stem.rsplit(".", 1)[0]
    return (slugify(stem)[:100] or "source") + (kind.extension if kind else "")
