"""Hostile files, built in memory and small: a workbook whose rows compress to almost
nothing, Word documents that inflate a thousand times, PDFs with a huge content stream or
thousands of pages. Used by tests/test_upload_limits.py and the hostile-input tests."""

import io
import zipfile
import zlib

from decisions.imports import NAMES

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/></Types>'
)
_ROOT_RELS = (
    f'<?xml version="1.0"?><Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
    f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    f'<?xml version="1.0"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
    '<sheet name="Decisions" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'<?xml version="1.0"?><Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
    f'Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def cell(text: str, ref: str = "") -> bytes:
    at = f' r="{ref}"' if ref else ""
    return f'<c{at} t="inlineStr"><is><t>{text}</t></is></c>'.encode()


HEADER_ROW = b"<row>" + b"".join(cell(name) for name in NAMES) + b"</row>"


def workbook(
    rows: bytes,
    *,
    extra: dict[str, bytes] | None = None,
    size: bytes = b'<dimension ref="A1"/>',
    after: bytes = b"",
    header: bytes = HEADER_ROW,
) -> bytes:
    """An .xlsx written by hand: the heading row of the template, then ``rows`` (sheet XML,
    written as compactly as the format allows). The sheet declares its ``size`` as Excel
    does, but too small, as a file may."""
    sheet = (
        f'<?xml version="1.0"?><worksheet xmlns="{_MAIN}">'.encode()
        + size
        + b"<sheetData>"
        + header
        + rows
        + b"</sheetData>"
        + after
        + b"</worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


ROW = b"<row>" + cell("24 100 001") + b"</row>"


def pdf(pages: list[bytes], *, compress: bool = True) -> bytes:
    """A PDF written byte by byte: one page for each content stream in ``pages``, all in
    Helvetica, with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the pages' numbers are known
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for content in pages:
        data = zlib.compress(content, 9) if compress else content
        flate = b" /Filter /FlateDecode" if compress else b""
        objects.append(b"<< /Length %d%s >>\nstream\n" % (len(data), flate) + data + b"\nendstream")
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << "
            b"/F1 3 0 R >> >> /Contents %d 0 R >>" % len(objects)
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def text_op(words: str) -> bytes:
    return b"BT /F1 12 Tf 72 720 Td (%s) Tj ET\n" % words.encode()


def word_document(document: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def zeros_document(size: int) -> bytes:
    """A Word document whose one part is ``size`` zero bytes: it compresses a thousand times."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = bytes(16 * 1024 * 1024)
            for _ in range(size // len(chunk)):
                part.write(chunk)
            part.write(bytes(size % len(chunk)))
    return buffer.getvalue()


# Each a few kilobytes; each would once have held a worker or raised a server error.
BOMBS = {
    "rows.xlsx": workbook(b"<row><c><v>1</v></c></row>" * 1_200_000),
    "unsized.xlsx": workbook(ROW * 100, size=b""),
    "content.pdf": pdf([text_op("Mr X complained") * 500_000]),
    "pages.pdf": pdf([text_op("page")] * 101),
    "inflates.docx": zeros_document(2 * 1024 * 1024),
}
