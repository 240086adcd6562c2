"""The committee report as HTML (the browser preview) and as a tagged PDF (WeasyPrint).

Both come from the one template, ``templates/pdf/committee_report.html``, so the preview
shows what the PDF will hold. WeasyPrint reads the style sheet and the font from files
under the static folder and from ``data:`` URIs (the charts) only: a Celery worker has no
request to fetch from, and a report must never depend on the network.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.templatetags.static import static
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from ombudsman.control_characters import without_control_characters

from .content import ReportContent, number_sections
from .drafts import FrontMatter

STYLESHEET = "src/report.css"
# PDF/UA-1: tagged, with the title shown in the window and the document's language.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}


class LocalFilesOnly(URLFetcher):
    """Fetches ``data:`` URIs and files inside the static folder; refuses anything else.

    The scheme is read as WeasyPrint reads it, in any case (``FILE:`` opens a file too),
    and only the two named here pass: a file on this machine inside the static folder, or
    data carried in the address itself."""

    def __init__(self, root: Path):
        super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=True)
        self.root = root.resolve()

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "file":  # urlsplit gives the scheme in lower case
            if parts.netloc not in ("", "localhost"):
                raise ValueError(f"Refusing to read {url}: not a file on this machine")
            path = Path(unquote(parts.path)).resolve()
            if not path.is_relative_to(self.root):
                raise ValueError(f"Refusing to read {path}: outside the static folder")
        elif parts.scheme != "data":
            raise ValueError(f"URI uses disallowed protocol: {url}")
        return super().fetch(url, headers)


def _stylesheet_path() -> Path:
    found = finders.find(STYLESHEET)
    if not found:
        raise FileNotFoundError(f"The report style sheet {STYLESHEET} is missing.")
    return Path(found)


def report_context(
    *, front: FrontMatter, content: ReportContent, made_on: date, for_pdf: bool
) -> dict:
    """What the report's templates need; numbers the body's sections after the front
    matter's own."""
    numbered = front_sections(front)
    number_sections(content.sections, len(numbered) + 1)
    return {
        "front": front,
        "content": content,
        "sections": content.sections,
        "front_sections": numbered,
        "conclusion_number": len(numbered) + len(content.sections) + 1,
        "conclusion": _paragraphs(front.conclusion),
        "made_on": made_on,
        "for_pdf": for_pdf,
        "stylesheet": _stylesheet_path().as_uri() if for_pdf else static(STYLESHEET),
    }


def report_html(*, front: FrontMatter, content: ReportContent, made_on: date) -> str:
    """The whole report as one HTML document, for WeasyPrint. Control characters already
    stored in the records are left out: a font subset with one maps its text wrongly."""
    return without_control_characters(
        render_to_string(
            "pdf/committee_report.html",
            report_context(front=front, content=content, made_on=made_on, for_pdf=True),
        )
    )


def front_sections(front: FrontMatter) -> list[tuple[str, str, list[str]]]:
    """The numbered sections the front matter gives: (number, heading, paragraphs)."""
    parts = [("Requested by", front.requested_by)] if front.requested_by.strip() else []
    parts.append(("Purpose", front.purpose))
    if not front.for_information:
        parts.append(("Recommendations", front.recommendations))
    parts.append(("Background", front.background))
    return [
        (str(n), heading, _paragraphs(text)) for n, (heading, text) in enumerate(parts, start=1)
    ]


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n") if p.strip()]


@dataclass
class RenderedPdf:
    data: bytes
    page_count: int


def report_pdf(html: str) -> RenderedPdf:
    """Lay out and write the PDF: tagged (PDF/UA-1), with title and language."""
    static_root = _stylesheet_path().parent.parent
    document = HTML(
        string=html,
        base_url=static_root.as_uri() + "/",
        url_fetcher=LocalFilesOnly(static_root),
    ).render(font_config=FontConfiguration(), **PDF_OPTIONS)
    return RenderedPdf(data=document.write_pdf(**PDF_OPTIONS), page_count=len(document.pages))
