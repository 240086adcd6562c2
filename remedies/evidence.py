"""Check an uploaded evidence file by its content and its size.

A council completes an agreed action by sending the Ombudsman evidence: a PDF, a Word
document, a photograph or scan, or the e-mail it sent. The file's name and the browser's
content type are chosen by whoever uploads it, so neither is trusted; the first bytes
(and for a Word document, the archive's list of entries) decide what the file is. The
kind found gives the content type and extension to store and serve it with.

How each kind is recognised, and why:

- PDF, PNG, JPEG, GIF, WebP and TIFF by their signatures, using the ``filetype`` library
  (maintained, pure Python, no libmagic to install). Only its matchers for these kinds
  are consulted, so its order of guessing cannot pick some other type first. Its GIF
  matcher accepts any content starting ``GIF`` (a text file beginning "GIFT aid ..."), so
  the full ``GIF87a``/``GIF89a`` signature is also required.
- ``.docx`` is a ZIP archive. ``filetype`` only peeks at the first few entries near the
  start of the file, so the archive's central directory is read with ``zipfile``: it must
  list ``[Content_Types].xml`` and ``word/document.xml``. Nothing is decompressed here,
  but whoever opens the document later would be, so one whose declared sizes pass the
  limits of ``ombudsman.uploads`` (a compression bomb) is refused. A macro-enabled
  document (``word/vbaProject.bin``) is refused: Word will not open one named ``.docx``,
  and evidence needs no macros.
- ``.doc`` and Outlook ``.msg`` are both OLE2 Compound Files. ``filetype`` has no ``.msg``
  matcher, and its ``.doc`` matcher relies on where Word usually puts its own header, so
  the compound file's directory is read here: a ``.doc`` has a top-level ``WordDocument``
  stream and a ``.msg`` top-level ``__substg1.0_*`` property streams. The directory is
  followed through the allocation table rather than searched for in the first bytes:
  the format lets it lie anywhere in the file, so a search of the first 64 KB would
  miss it in larger documents. Other compound files (Excel, PowerPoint, installers,
  password-protected Office files) are refused.
- ``.eml`` is text, for which signatures do not exist: its header block is parsed with
  the standard library's ``email`` module and must be text holding at least two of
  From, To, Subject and Date.

The check identifies a file; it does not prove it undamaged (a PDF cut short after its
header is still a PDF). Reading the file may raise ``OSError`` if the storage fails; bad
content only ever raises ``EvidenceRejected``.
"""

import os
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import IO

import filetype

from ombudsman.uploads import DOCX_MAX_UNCOMPRESSED_BYTES, UploadRefused, archive_check

MAX_EVIDENCE_BYTES_DEFAULT = 20 * 1024 * 1024


@dataclass(frozen=True)
class EvidenceKind:
    """What an accepted file is: a label for people, and how to store and serve it."""

    label: str
    content_type: str
    extension: str


PDF = EvidenceKind("PDF", "application/pdf", ".pdf")
DOCX = EvidenceKind(
    "Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".docx",
)
DOC = EvidenceKind("Word document", "application/msword", ".doc")
PNG = EvidenceKind("Image", "image/png", ".png")
JPEG = EvidenceKind("Image", "image/jpeg", ".jpg")
GIF = EvidenceKind("Image", "image/gif", ".gif")
WEBP = EvidenceKind("Image", "image/webp", ".webp")
TIFF = EvidenceKind("Image", "image/tiff", ".tif")
EML = EvidenceKind("E-mail", "message/rfc822", ".eml")
MSG = EvidenceKind("E-mail", "application/vnd.ms-outlook", ".msg")

ACCEPTED_KINDS = (PDF, DOCX, DOC, PNG, JPEG, GIF, WEBP, TIFF, EML, MSG)

NOT_ACCEPTED_MESSAGE = (
    "This file is not a PDF, Word document, image or e-mail (.eml or .msg). "
    "Its content was checked, not its name."
)
MACROS_MESSAGE = (
    "This Word document contains macros, which are not accepted. Save it as a Word "
    "Document (.docx) or a PDF and upload that instead."
)


class EvidenceRejected(ValueError):
    """The file cannot be accepted as evidence; the message can be shown to the user."""


def check_evidence(fileobj: IO[bytes], *, size: int, max_bytes: int) -> EvidenceKind:
    """Return what kind of evidence the file is, or raise ``EvidenceRejected``.

    ``fileobj`` is a seekable binary file such as Django's ``UploadedFile``; ``size`` is
    its length in bytes (``UploadedFile.size``), so an oversized file is refused without
    reading it. The file is read from the start whatever its position, and left at
    position 0 so it can be saved afterwards.
    """
    if size <= 0:
        raise EvidenceRejected("The file is empty.")
    if size > max_bytes:
        raise EvidenceRejected(
            f"The file is {_describe_size(size, round_up=True)}; "
            f"the limit is {_describe_size(max_bytes, round_up=False)}."
        )
    try:
        fileobj.seek(0)
        kind = _identify(fileobj)
    finally:
        fileobj.seek(0)
    if kind is None:
        raise EvidenceRejected(NOT_ACCEPTED_MESSAGE)
    return kind


# Enough for any signature, and for the header block of an e-mail with a long
# Received: chain.
_HEAD_BYTES = 64 * 1024

_SIGNATURE_KINDS = {
    "application/pdf": PDF,
    "image/png": PNG,
    "image/jpeg": JPEG,
    "image/gif": GIF,
    "image/webp": WEBP,
    "image/tiff": TIFF,
}
_SIGNATURE_MATCHERS = tuple(filetype.get_type(mime=mime) for mime in _SIGNATURE_KINDS)
_ZIP_MATCHER = filetype.get_type(mime="application/zip")
if None in _SIGNATURE_MATCHERS or _ZIP_MATCHER is None:  # pragma: no cover
    raise ImportError("The installed filetype library lacks a matcher this module needs.")

_GIF_SIGNATURES = (b"GIF87a", b"GIF89a")


def _identify(fileobj: IO[bytes]) -> EvidenceKind | None:
    head = fileobj.read(_HEAD_BYTES)
    if not head:
        raise EvidenceRejected("The file is empty.")

    matcher = filetype.match(head, _SIGNATURE_MATCHERS)
    if matcher is not None:
        kind = _SIGNATURE_KINDS[matcher.mime]
        if kind == GIF and not head.startswith(_GIF_SIGNATURES):
            return None
        return kind
    if _ZIP_MATCHER.match(head):
        return _word_archive_kind(fileobj)
    if head.startswith(_OLE2_SIGNATURE):
        return _compound_file_kind(fileobj)
    if _looks_like_email(head):
        return EML
    return None


# --- .docx -------------------------------------------------------------------------


def _word_archive_kind(fileobj: IO[bytes]) -> EvidenceKind | None:
    """``DOCX`` if the ZIP archive lists a Word document's parts, else ``None``.

    Only the central directory is read. Besides ``BadZipFile``, a damaged archive can
    make ``zipfile`` raise ``NotImplementedError`` (an entry claiming a future ZIP
    version), ``ValueError`` (an entry name that is not valid UTF-8), ``EOFError``,
    ``struct.error`` or ``OverflowError`` (an offset too large to seek to).
    """
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
    except (
        zipfile.BadZipFile,
        NotImplementedError,
        ValueError,
        EOFError,
        struct.error,
        OverflowError,
    ):
        return None
    if not {"[Content_Types].xml", "word/document.xml"} <= names:
        return None
    if "word/vbaProject.bin" in names:
        raise EvidenceRejected(MACROS_MESSAGE)
    try:
        archive_check(entries, what="Word document", max_bytes=DOCX_MAX_UNCOMPRESSED_BYTES)
    except UploadRefused as exc:
        raise EvidenceRejected(str(exc)) from exc
    return DOCX


# --- .doc and .msg (OLE2 Compound File Binary, [MS-CFB]) -----------------------------

_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CFB_HEADER_BYTES = 512
_MAX_REGULAR_SECTOR = 0xFFFFFFFA  # higher numbers mark free sectors and chain ends
_NO_ENTRY = 0xFFFFFFFF
_ENTRY_BYTES = 128
_STORAGE, _STREAM, _ROOT = 1, 2, 5
# Bounds on what a hostile file can make us read: a 20 MB file with 512-byte sectors
# has about 41,000 sectors, needing a few DIFAT sectors; an e-mail with a hundred
# attachments has a few thousand directory entries of 128 bytes.
_MAX_DIFAT_SECTORS = 64
_MAX_DIRECTORY_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class _DirectoryEntry:
    name: str
    object_type: int
    left: int
    right: int
    child: int


def _compound_file_kind(fileobj: IO[bytes]) -> EvidenceKind | None:
    """``MSG`` or ``DOC`` from the names at the top level of the compound file."""
    entries = _read_directory(fileobj)
    if not entries or entries[0].object_type != _ROOT:
        return None
    streams = {entry.name for entry in _top_level_entries(entries) if entry.object_type == _STREAM}
    if any(name.startswith("__substg1.0_") for name in streams):
        return MSG
    if "WordDocument" in streams:
        return DOC
    return None


def _read_directory(fileobj: IO[bytes]) -> list[_DirectoryEntry]:
    """Every entry of the directory, in order, following its chain of sectors.

    A malformed file gives an empty or partial list, never an exception.
    """
    header = _read_at(fileobj, 0, _CFB_HEADER_BYTES)
    if len(header) < _CFB_HEADER_BYTES:
        return []
    (sector_shift,) = struct.unpack_from("<H", header, 30)
    if sector_shift not in (9, 12):
        return []
    sector_size = 1 << sector_shift
    ids_per_sector = sector_size // 4

    def read_sector(sector: int) -> bytes:
        data = _read_at(fileobj, (sector + 1) * sector_size, sector_size)
        return data if len(data) == sector_size else b""

    # The sectors holding the allocation table: 109 listed in the header, any others
    # in a chain of DIFAT sectors.
    (first_directory,) = struct.unpack_from("<I", header, 48)
    first_difat, difat_count = struct.unpack_from("<II", header, 68)
    fat_sectors = list(struct.unpack_from("<109I", header, 76))
    difat_sector = first_difat
    seen: set[int] = set()
    while (
        difat_sector <= _MAX_REGULAR_SECTOR
        and difat_sector not in seen
        and len(seen) < min(difat_count, _MAX_DIFAT_SECTORS)
    ):
        seen.add(difat_sector)
        data = read_sector(difat_sector)
        if not data:
            break
        *listed, difat_sector = struct.unpack(f"<{ids_per_sector}I", data)
        fat_sectors.extend(listed)

    def next_sector(sector: int) -> int:
        fat_index, position = divmod(sector, ids_per_sector)
        if fat_index >= len(fat_sectors) or fat_sectors[fat_index] > _MAX_REGULAR_SECTOR:
            return _NO_ENTRY
        data = _read_at(fileobj, (fat_sectors[fat_index] + 1) * sector_size + position * 4, 4)
        return struct.unpack("<I", data)[0] if len(data) == 4 else _NO_ENTRY

    entries: list[_DirectoryEntry] = []
    sector = first_directory
    visited: set[int] = set()
    while (
        sector <= _MAX_REGULAR_SECTOR
        and sector not in visited
        and len(visited) * sector_size < _MAX_DIRECTORY_BYTES
    ):
        visited.add(sector)
        data = read_sector(sector)
        if not data:
            break
        entries.extend(_parse_entries(data))
        sector = next_sector(sector)
    return entries


def _parse_entries(sector: bytes) -> Iterator[_DirectoryEntry]:
    for offset in range(0, len(sector), _ENTRY_BYTES):
        raw = sector[offset : offset + _ENTRY_BYTES]
        (name_bytes,) = struct.unpack_from("<H", raw, 64)
        # The length counts the terminating NUL; an unused slot has 0. Keep the slot
        # either way, so that sibling and child numbers still index the list.
        name_bytes = name_bytes if 2 <= name_bytes <= 64 and name_bytes % 2 == 0 else 2
        left, right, child = struct.unpack_from("<III", raw, 68)
        yield _DirectoryEntry(
            name=raw[: name_bytes - 2].decode("utf-16-le", errors="replace"),
            object_type=raw[66],
            left=left,
            right=right,
            child=child,
        )


def _top_level_entries(entries: list[_DirectoryEntry]) -> Iterator[_DirectoryEntry]:
    """The root storage's children: a tree of left and right siblings under its child."""
    pending, seen = [entries[0].child], set()
    while pending:
        index = pending.pop()
        if index >= len(entries) or index in seen:
            continue
        seen.add(index)
        entry = entries[index]
        if entry.object_type in (_STORAGE, _STREAM):
            yield entry
        pending.extend((entry.left, entry.right))


def _read_at(fileobj: IO[bytes], offset: int, length: int) -> bytes:
    fileobj.seek(offset)
    return fileobj.read(length)


# --- .eml ----------------------------------------------------------------------------

_END_OF_HEADERS = re.compile(rb"\r?\n\r?\n")
# Bytes that do not occur in a text header block: controls other than tab, CR and LF.
_NOT_TEXT = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EMAIL_HEADERS = ("From", "To", "Subject", "Date")


def _looks_like_email(head: bytes) -> bool:
    """Whether ``head`` starts with an RFC 5322 header block naming at least two of
    From, To, Subject and Date.

    The ``compat32`` policy returns header values as strings without parsing addresses
    or dates, so malformed values cannot raise. Lines that are not headers end the
    header block, so a text file whose first line is not a header has none.
    """
    end = _END_OF_HEADERS.search(head)
    block = head[: end.start()] if end else head
    if not block.strip() or _NOT_TEXT.search(block):
        return False
    headers = BytesHeaderParser(policy=compat32).parsebytes(block)
    present = sum(1 for name in _EMAIL_HEADERS if str(headers.get(name, "")).strip())
    return present >= 2


# --- messages ------------------------------------------------------------------------


def _describe_size(size: int, *, round_up: bool) -> str:
    """``size`` in MB or KB to one decimal place ("25.3 MB", "20 MB").

    A file's size is rounded up and a limit down, so a file just over the limit never
    reads as being the same size as it.
    """
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            tenths = -(-size * 10 // factor) if round_up else size * 10 // factor
            whole, tenth = divmod(tenths, 10)
            return f"{whole} {unit}" if tenth == 0 else f"{whole}.{tenth} {unit}"
    return "1 byte" if size == 1 else f"{size} bytes"


# Other extensions people give files of a kind; an upload named with one keeps it.
_ALSO_NAMED = {".jpg": (".jpeg", ".jpe", ".jfif"), ".tif": (".tiff",)}


def evidence_file_name(uploaded_name: str, extension: str) -> str:
    """The name a file is kept and downloaded under: the uploader's name with the
    extension of what its content was found to be (``EvidenceKind.extension``).

    A file can be two kinds at once (a PDF that is also a web page). Downloaded under the
    uploader's ``.html`` it would open as a web page from the downloads folder and run its
    script; under ``.pdf`` it opens as the PDF it was accepted as."""
    stem, current = os.path.splitext(uploaded_name or "")
    if current.lower() not in (extension, *_ALSO_NAMED.get(extension, ())):
        current = extension
    return (stem or "evidence")[: 255 - len(current)] + current.lower()
