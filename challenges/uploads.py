"""Submission attachments on disk: checked by their content, stored under UPLOAD_DIR with generated
names, and only ever sent back as downloads.

A file's type is decided by its first bytes (and, for text, by all of it), never by the name or the
browser's content type; a name whose extension disagrees with the content is refused, so nothing
that a browser would render as a page (HTML, SVG, XML) is ever accepted. Files are streamed to disk
in chunks and stop at the size limit, so a large upload is never held in memory.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import abort, current_app, send_file
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from app.errors_domain import ValidationFailed

MAX_FILES = 5
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
CHUNK = 64 * 1024
NAME_MAX = 120
FIELD = "files"
_STORED_NAME = re.compile(r"^[0-9]+/[0-9a-f]{32}$")


@dataclass(frozen=True)
class StoredFile:
    stored_name: str  # "<challenge id>/<random hex>", relative to UPLOAD_DIR
    filename: str  # the solver's name for it, made safe; for display and download only
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Kind:
    content_type: str
    extensions: tuple[str, ...]  # the first is added to names that have none


PDF = Kind("application/pdf", ("pdf",))
PNG = Kind("image/png", ("png",))
JPEG = Kind("image/jpeg", ("jpg", "jpeg"))
GIF = Kind("image/gif", ("gif",))
WEBP = Kind("image/webp", ("webp",))
ZIP = Kind("application/zip", ("zip", "docx", "xlsx", "pptx", "odt", "ods", "odp"))
TEXT = Kind("text/plain", ("txt", "md", "markdown", "csv"))

# Office documents are ZIP files inside; their names say which program opens them.
_ZIP_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
_TEXT_TYPES = {"md": "text/markdown", "markdown": "text/markdown", "csv": "text/csv"}

# Browsers sniff text as HTML on any tag opener ("<b", "<a ", "<!--", "</p"...), so none is
# accepted; "a < b" (no letter, "!", "?" or "/" right after "<") stays plain text.
_MARKUP = re.compile(r"<[a-z!?/]")
_MARKUP_OVERLAP = 1  # a "<" at the end of one chunk, its letter at the start of the next

ALLOWED_HINT = (
    "PDF, PNG, JPEG, GIF, WebP, ZIP (including Word, Excel, PowerPoint and OpenDocument files), "
    "plain text, Markdown or CSV"
)


class UploadRefused(ValidationFailed):
    """Raised with the message on the form's file field."""

    def __init__(self, message: str):
        super().__init__(message, {FIELD: [message]})


def max_bytes() -> int:
    return int(current_app.config.get("UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def upload_root() -> Path:
    return Path(current_app.config.get("UPLOAD_DIR") or Path(current_app.instance_path) / "uploads")


def sniff(head: bytes) -> Kind:
    """The binary kind the first bytes announce; TEXT when none does (checked as text later)."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return ZIP
    return TEXT


class _TextCheck:
    """Fed chunk by chunk: valid UTF-8, no NUL, no markup, even across chunk boundaries."""

    def __init__(self):
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._tail = ""

    def feed(self, chunk: bytes, final: bool = False) -> str | None:
        """An error message, or None while the text is acceptable."""
        try:
            text = self._decoder.decode(chunk, final)
        except UnicodeDecodeError:
            return "is neither plain text (UTF-8) nor one of the accepted file types"
        if "\x00" in text:
            return "is neither plain text (UTF-8) nor one of the accepted file types"
        window = (self._tail + text).lower()
        if _MARKUP.search(window):
            return "looks like a web page, SVG or XML, which cannot be accepted (it could run scripts)"
        self._tail = window[-_MARKUP_OVERLAP:]
        return None


def _safe_parts(original: str | None) -> tuple[str, str]:
    """The solver's name made safe, split into stem and lower-case extension. Directory parts are
    dropped (`../../etc/passwd` is `etc_passwd`): the name never chooses a path."""
    base = (original or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    stem, dot, extension = base.rpartition(".")
    if not dot or not stem.strip("."):
        stem, extension = base, ""
    stem = secure_filename(stem).strip("._") or "attachment"
    return stem[:NAME_MAX], secure_filename(extension).lower()[:10]


def display_name(original: str | None, kind: Kind) -> str:
    """For showing and for Content-Disposition: the safe name, with the kind's extension when it
    had none."""
    stem, extension = _safe_parts(original)
    return f"{stem}.{extension or kind.extensions[0]}"


def _content_type(kind: Kind, extension: str) -> str:
    if kind is ZIP:
        return _ZIP_TYPES.get(extension, kind.content_type)
    if kind is TEXT:
        return _TEXT_TYPES.get(extension, kind.content_type)
    return kind.content_type


def _path(stored_name: str) -> Path:
    if not _STORED_NAME.match(stored_name):  # never follow a name that could leave the folder
        raise ValueError(f"not a stored attachment name: {stored_name!r}")
    return upload_root() / stored_name


def _read_head(stream, size: int) -> bytes:
    head = b""
    while len(head) < size:
        chunk = stream.read(size - len(head))
        if not chunk:
            break
        head += chunk
    return head


def store(upload: FileStorage, challenge_id: int) -> StoredFile:
    """Check one upload and write it under UPLOAD_DIR/<challenge id>/ with a generated name.
    Raises UploadRefused (nothing stays on disk)."""
    original = upload.filename or ""
    stem, extension = _safe_parts(original)
    label = f"“{stem}{'.' + extension if extension else ''}”"
    limit = max_bytes()
    head = _read_head(upload.stream, CHUNK)
    if not head:
        raise UploadRefused(f"{label} is empty.")
    kind = sniff(head)
    filename = display_name(original, kind)
    if extension and extension not in kind.extensions:
        found = "text" if kind is TEXT else kind.extensions[0].upper()
        raise UploadRefused(
            f"{label} is named .{extension} but its content is {found}: "
            f"the name and the content must agree. Accepted: {ALLOWED_HINT}."
        )
    text_check = _TextCheck() if kind is TEXT else None
    folder = upload_root() / str(challenge_id)
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = f"{challenge_id}/{secrets.token_hex(16)}"
    path = _path(stored_name)
    digest, size = hashlib.sha256(), 0
    try:
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            chunk = head
            while chunk:
                size += len(chunk)
                if size > limit:
                    raise UploadRefused(f"{label} is larger than the limit of {_megabytes(limit)} per file.")
                if text_check and (problem := text_check.feed(chunk)):
                    raise UploadRefused(f"{label} {problem}. Accepted: {ALLOWED_HINT}.")
                digest.update(chunk)
                out.write(chunk)
                chunk = upload.stream.read(CHUNK)
            if text_check and (problem := text_check.feed(b"", final=True)):
                raise UploadRefused(f"{label} {problem}. Accepted: {ALLOWED_HINT}.")
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return StoredFile(stored_name, filename, _content_type(kind, extension), size, digest.hexdigest())


def _megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB" if limit >= 1024 * 1024 else f"{limit / 1024:g} KB"


def chosen(files: Iterable[FileStorage | None]) -> list[FileStorage]:
    """The file inputs the solver actually filled (browsers send empty parts for the others)."""
    return [f for f in files if isinstance(f, FileStorage) and f.filename]


def store_all(files: list[FileStorage], challenge_id: int, already: int = 0) -> list[StoredFile]:
    """Store every upload or none: `already` is how many attachments the submission keeps.
    Raises UploadRefused."""
    if already + len(files) > MAX_FILES:
        raise UploadRefused(
            f"A submission can have at most {MAX_FILES} files; it would have {already + len(files)}. Remove some first."
        )
    stored: list[StoredFile] = []
    try:
        for upload in files:
            stored.append(store(upload, challenge_id))
    except BaseException:
        discard(stored)
        raise
    return stored


def discard(stored: Iterable[StoredFile]) -> None:
    for item in stored:
        _path(item.stored_name).unlink(missing_ok=True)


@contextmanager
def staged(files: list[FileStorage], challenge_id: int, already: int = 0) -> Iterator[list[StoredFile]]:
    """Store the uploads for the block that records them; if the block raises, they are deleted."""
    stored = store_all(files, challenge_id, already)
    try:
        yield stored
    except BaseException:
        discard(stored)
        raise


def send(attachment):
    """A download, never an inline page: attachment disposition, no sniffing, and a sandbox CSP
    so that even a browser that ignored both would run no script in the site's origin."""
    try:
        path = _path(attachment.stored_name)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=attachment.content_type,  # text/* gets its one "; charset=utf-8" from Werkzeug
        as_attachment=True,
        download_name=attachment.filename,
        max_age=0,
        etag=False,
        conditional=False,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response
