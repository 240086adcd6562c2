"""Small, real one-page PDFs for the demo's evidence files, made in code.

Each says plainly that it is demonstration data. The file is a complete PDF 1.4 document
(catalogue, page, font, content stream and a cross-reference table with true offsets),
so it opens in a PDF reader and passes the evidence content check.
"""

DEMO_LINE = "Demonstration evidence made by manage.py load_demo: not a real document."


def _text(value: str) -> bytes:
    escaped = value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return escaped.encode("latin-1", "replace")


def demo_pdf(title: str, lines: list[str] | tuple[str, ...] = ()) -> bytes:
    """A one-page A4 PDF with ``title`` in large type and ``lines`` below it."""
    content = [b"BT", b"/F1 16 Tf", b"72 770 Td", b"(" + _text(title) + b") Tj", b"/F1 10 Tf"]
    for line in (*lines, "", DEMO_LINE):
        content += [b"0 -20 Td", b"(" + _text(line) + b") Tj"]
    content.append(b"ET")
    stream = b"\n".join(content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
