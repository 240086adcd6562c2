"""The evidence check: pure, no database; every file is built in memory."""

import io
import random
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from remedies.evidence import (
    DOC,
    DOCX,
    EML,
    GIF,
    JPEG,
    MACROS_MESSAGE,
    MAX_EVIDENCE_BYTES_DEFAULT,
    MSG,
    NOT_ACCEPTED_MESSAGE,
    PDF,
    PNG,
    TIFF,
    WEBP,
    EvidenceKind,
    EvidenceRejected,
    check_evidence,
)

LIMIT = MAX_EVIDENCE_BYTES_DEFAULT

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
EML_BYTES = (
    b"From: a@example.org\r\nTo: b@example.org\r\nSubject: Evidence\r\n"
    b"Date: Mon, 3 Mar 2025 10:00:00 +0000\r\n\r\nBody"
)


def seeded_random(seed: int) -> random.Random:
    # Seeded so that every run builds the same test data; nothing here is secret.
    return random.Random(seed)  # noqa: S311


def check(data: bytes, *, max_bytes: int = LIMIT) -> EvidenceKind:
    return check_evidence(io.BytesIO(data), size=len(data), max_bytes=max_bytes)


def image(format_name: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, format_name)
    return buffer.getvalue()


def zip_archive(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx(extra: dict[str, bytes] | None = None) -> bytes:
    return zip_archive(
        {
            "[Content_Types].xml": b"<Types/>",
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document/>",
            **(extra or {}),
        }
    )


# An OLE2 Compound File laid out as [MS-CFB] describes, with 512-byte sectors: the
# header, the sectors of the allocation table (FAT), optional filler sectors standing for
# stream data, then the directory. Real Word files often put the directory last.
_FREE, _END_OF_CHAIN, _FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
_STORAGE, _STREAM, _ROOT = 1, 2, 5


def _directory_entry(name: str, object_type: int, *, right: int, child: int) -> bytes:
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBB", len(encoded), object_type, 1)
        + struct.pack("<III", _FREE, right, child)
        + bytes(128 - 80)
    )


def _directory(streams: list[str], storage: str | None, storage_streams: list[str]) -> bytes:
    """The root, then ``streams`` and ``storage`` as its children, then
    ``storage_streams`` as the storage's; siblings are chained by their right links."""
    top = [(name, _STREAM) for name in streams] + ([(storage, _STORAGE)] if storage else [])
    nested_first = 1 + len(top)
    entries = [_directory_entry("Root Entry", _ROOT, right=_FREE, child=1 if top else _FREE)]
    for index, (name, object_type) in enumerate(top, start=1):
        right = index + 1 if index < len(top) else _FREE
        child = nested_first if object_type == _STORAGE and storage_streams else _FREE
        entries.append(_directory_entry(name, object_type, right=right, child=child))
    for index, name in enumerate(storage_streams, start=nested_first):
        right = index + 1 if index < nested_first + len(storage_streams) - 1 else _FREE
        entries.append(_directory_entry(name, _STREAM, right=right, child=_FREE))
    entries += [bytes(128)] * (-len(entries) % 4)
    return b"".join(entries)


def compound_file(
    streams: list[str],
    *,
    storage: str | None = None,
    storage_streams: list[str] | None = None,
    filler_sectors: int = 0,
) -> bytes:
    directory = _directory(streams, storage, storage_streams or [])
    directory_sectors = len(directory) // 512
    fat_sectors = 1
    while fat_sectors * 128 < fat_sectors + filler_sectors + directory_sectors:
        fat_sectors += 1
    first_directory = fat_sectors + filler_sectors

    fat = [_FAT_SECTOR] * fat_sectors + [_END_OF_CHAIN] * filler_sectors
    fat += [first_directory + n + 1 for n in range(directory_sectors - 1)] + [_END_OF_CHAIN]
    fat += [_FREE] * (-len(fat) % 128)
    difat = list(range(fat_sectors)) + [_FREE] * (109 - fat_sectors)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<III", 0, fat_sectors, first_directory)
        + struct.pack("<IIIIII", 0, 4096, _END_OF_CHAIN, 0, _END_OF_CHAIN, 0)
        + struct.pack("<109I", *difat)
    )
    assert len(header) == 512
    return (
        header + struct.pack(f"<{len(fat)}I", *fat) + b"\x2a" * (512 * filler_sectors) + directory
    )


DOC_BYTES = compound_file(["1Table", "WordDocument", "\x05SummaryInformation"])
MSG_BYTES = compound_file(
    ["__substg1.0_0037001F", "__substg1.0_1000001F"], storage="__properties_version1.0"
)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF_BYTES, PDF),
        (image("PNG"), PNG),
        (image("JPEG"), JPEG),
        (image("GIF"), GIF),
        (image("WEBP"), WEBP),
        (image("TIFF"), TIFF),
        (docx(), DOCX),
        (DOC_BYTES, DOC),
        (MSG_BYTES, MSG),
        (EML_BYTES, EML),
    ],
    ids=["pdf", "png", "jpeg", "gif", "webp", "tiff", "docx", "doc", "msg", "eml"],
)
def test_accepted_evidence_is_identified_by_content(data, kind):
    assert check(data) == kind


def test_kinds_carry_label_content_type_and_extension():
    assert (PDF.label, PDF.content_type, PDF.extension) == ("PDF", "application/pdf", ".pdf")
    assert (DOC.label, DOC.extension) == ("Word document", ".doc")
    assert (MSG.label, MSG.content_type, MSG.extension) == (
        "E-mail",
        "application/vnd.ms-outlook",
        ".msg",
    )


def test_django_upload_is_checked_by_content_not_by_its_name_or_claimed_type():
    upload = SimpleUploadedFile("report.pdf", b"<!DOCTYPE html><html>", "application/pdf")

    with pytest.raises(EvidenceRejected) as rejected:
        check_evidence(upload, size=upload.size, max_bytes=LIMIT)

    assert str(rejected.value) == NOT_ACCEPTED_MESSAGE
    assert "content was checked, not its name" in NOT_ACCEPTED_MESSAGE


def test_django_upload_of_a_word_document_is_accepted():
    upload = SimpleUploadedFile("letter.bin", docx(), "application/octet-stream")

    assert check_evidence(upload, size=upload.size, max_bytes=LIMIT) == DOCX


def test_empty_file_is_rejected():
    with pytest.raises(EvidenceRejected, match=r"^The file is empty\.$"):
        check_evidence(io.BytesIO(b""), size=0, max_bytes=LIMIT)


def test_file_over_the_limit_is_rejected_with_both_sizes_before_reading_it():
    fileobj = io.BytesIO(PDF_BYTES)

    with pytest.raises(EvidenceRejected) as rejected:
        check_evidence(fileobj, size=int(25.3 * 1024 * 1024), max_bytes=LIMIT)

    assert str(rejected.value) == "The file is 25.3 MB; the limit is 20 MB."


def test_file_one_byte_over_the_limit_does_not_read_as_the_limit():
    with pytest.raises(EvidenceRejected, match=r"^The file is 20\.1 MB; the limit is 20 MB\.$"):
        check_evidence(io.BytesIO(PDF_BYTES), size=LIMIT + 1, max_bytes=LIMIT)


def test_small_limits_are_described_in_kilobytes():
    with pytest.raises(EvidenceRejected, match=r"^The file is 1\.5 KB; the limit is 1 KB\.$"):
        check_evidence(io.BytesIO(PDF_BYTES), size=1536, max_bytes=1024)


def test_file_exactly_at_the_limit_is_accepted():
    assert check(PDF_BYTES, max_bytes=len(PDF_BYTES)) == PDF


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"<!DOCTYPE html>\n<html><script>alert(1)</script></html>", id="html"),
        pytest.param(b"MZ\x90\x00\x03\x00\x00\x00" + bytes(56) + b"PE\x00\x00", id="exe"),
        pytest.param(b"\x7fELF\x02\x01\x01" + bytes(57), id="elf"),
        pytest.param(seeded_random(20250303).randbytes(4096), id="random-bytes"),
        pytest.param(b"Minutes of the meeting.\nFrom: the chair\nTo: everyone\n", id="text"),
        pytest.param(b"GIFT aid declaration\n", id="text-starting-gif"),
        pytest.param(b"From: a@example.org\r\n\r\nOnly one header", id="one-header"),
        pytest.param(b"From: a@example.org\r\nTo: b@\x00\x01example.org\r\n\r\n", id="binary"),
        pytest.param("From: a\nTo: b\n\n".encode("utf-16"), id="utf-16-text"),
    ],
)
def test_content_that_is_not_accepted_evidence_is_rejected(data):
    with pytest.raises(EvidenceRejected) as rejected:
        check(data)

    assert str(rejected.value) == NOT_ACCEPTED_MESSAGE


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(zip_archive({"notes.txt": b"hello"}), id="plain-zip"),
        pytest.param(zip_archive({"word/document.xml": b"<w/>"}), id="no-content-types"),
        pytest.param(
            zip_archive({"[Content_Types].xml": b"<T/>", "xl/workbook.xml": b"<x/>"}),
            id="excel-workbook",
        ),
        pytest.param(zip_archive({}), id="empty-zip"),
        pytest.param(docx()[: len(docx()) // 2], id="truncated-docx"),
        pytest.param(docx()[:-10] + b"\xff" * 10, id="corrupt-end-of-archive"),
        pytest.param(b"PK\x03\x04" + bytes(26), id="zip-signature-only"),
    ],
)
def test_zip_that_is_not_a_word_document_is_rejected(data):
    with pytest.raises(EvidenceRejected, match=NOT_ACCEPTED_MESSAGE[:30]):
        check(data)


def test_zip_entry_name_that_is_not_valid_utf8_is_rejected():
    data = zip_archive({"[Content_Types].xml": b"", "word/document.xml": b"", "é.xml": b""})
    broken = data.replace("é".encode(), b"\xff\xfe")  # still flagged as UTF-8
    with pytest.raises(EvidenceRejected):
        check(broken)


def test_docx_whose_word_part_comes_late_in_the_archive_is_accepted():
    # filetype's own .docx matcher only looks at the first few entries.
    entries = {f"customXml/item{n}.xml": bytes(2000) for n in range(10)}
    data = zip_archive(
        {**entries, "[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}
    )
    assert check(data) == DOCX


def test_macro_enabled_word_document_is_rejected_with_its_own_message():
    data = docx({"word/vbaProject.bin": b"\x00VBA"})

    with pytest.raises(EvidenceRejected) as rejected:
        check(data)

    assert str(rejected.value) == MACROS_MESSAGE


def test_doc_whose_directory_is_beyond_the_first_64_kb_is_accepted():
    data = compound_file(["1Table", "WordDocument"], filler_sectors=200)

    assert len(data) > 100 * 1024
    assert check(data) == DOC


def test_doc_whose_directory_spans_several_sectors_is_accepted():
    # Eleven entries and the root need three sectors, linked through the FAT.
    streams = [f"Data{n}" for n in range(10)] + ["WordDocument"]

    assert check(compound_file(streams)) == DOC


def test_outlook_message_with_an_attached_word_document_is_an_email():
    data = compound_file(
        ["__substg1.0_0037001F"],
        storage="__attach_version1.0_#00000000",
        storage_streams=["WordDocument"],
    )
    assert check(data) == MSG


def test_word_document_nested_inside_another_compound_file_is_not_a_doc():
    data = compound_file(["Workbook"], storage="MBD0001", storage_streams=["WordDocument"])

    with pytest.raises(EvidenceRejected):
        check(data)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(compound_file(["Workbook"]), id="excel-97"),
        pytest.param(compound_file(["EncryptionInfo", "EncryptedPackage"]), id="encrypted"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), id="header-cut-short"),
        pytest.param(DOC_BYTES[:1024], id="doc-without-directory"),
        pytest.param(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + seeded_random(7).randbytes(8192),
            id="signature-then-garbage",
        ),
    ],
)
def test_compound_file_that_is_not_word_or_outlook_is_rejected(data):
    with pytest.raises(EvidenceRejected, match=NOT_ACCEPTED_MESSAGE[:30]):
        check(data)


def test_compound_file_whose_directory_chain_loops_is_rejected_without_hanging():
    data = bytearray(compound_file(["Workbook"]))
    struct.pack_into("<I", data, 512 + 4 * 1, 1)  # directory sector 1 -> sector 1

    with pytest.raises(EvidenceRejected):
        check(bytes(data))


def test_eml_saved_with_an_mbox_from_line_is_accepted():
    data = b"From - Mon Mar 03 10:00:00 2025\r\n" + EML_BYTES

    assert check(data) == EML


def test_eml_with_two_of_the_four_headers_is_accepted():
    assert check(b"Subject: Refund\nDate: Mon, 3 Mar 2025 10:00:00 +0000\n\nPaid.") == EML


@pytest.mark.parametrize(
    ("data", "kind"), [(PDF_BYTES, PDF), (docx(), DOCX), (DOC_BYTES, DOC), (EML_BYTES, EML)]
)
def test_file_is_read_from_the_start_and_left_at_position_zero(data, kind):
    fileobj = io.BytesIO(data)
    fileobj.seek(3)

    assert check_evidence(fileobj, size=len(data), max_bytes=LIMIT) == kind
    assert fileobj.tell() == 0


def test_rejected_file_is_left_at_position_zero():
    fileobj = io.BytesIO(b"MZ\x90\x00" + bytes(60))

    with pytest.raises(EvidenceRejected):
        check_evidence(fileobj, size=64, max_bytes=LIMIT)

    assert fileobj.tell() == 0


@pytest.mark.parametrize(
    "sample",
    [PDF_BYTES, image("PNG"), image("GIF"), docx(), DOC_BYTES, MSG_BYTES, EML_BYTES],
    ids=["pdf", "png", "gif", "docx", "doc", "msg", "eml"],
)
def test_truncated_or_damaged_files_only_ever_raise_evidence_rejected(sample):
    rng = seeded_random(len(sample))
    variants = [sample[:cut] for cut in range(0, len(sample), max(1, len(sample) // 60))]
    for _ in range(150):
        damaged = bytearray(sample)
        for _ in range(rng.randint(1, 8)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        variants.append(bytes(damaged))

    for data in variants:
        try:
            kind = check_evidence(io.BytesIO(data), size=len(data), max_bytes=LIMIT)
        except EvidenceRejected:
            continue
        assert isinstance(kind, EvidenceKind)
