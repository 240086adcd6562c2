"""From pasted or extracted text to clean paragraphs and the sections they belong to.

A decision reaches the parser in three shapes: text copied from the Ombudsman's web page
(with "Back to top" lines, the cookie banner and the page furniture), text extracted from a
report PDF (lines wrapped at the page width, page-break artefacts) and HTML. All three are
brought to one list of paragraphs, each knowing whether it is a heading or a list item, so
the readers of the header, the findings and the actions work on the same structure.
"""

import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

# --- Characters ---------------------------------------------------------------------------

_PUNCTUATION = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u2032": "'", "\u201c": '"',
        "\u201d": '"', "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u00ad": None,
        "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None,
        "\t": " ",
    }
)  # fmt: skip


def normalise_characters(text: str) -> str:
    """Straight quotes, plain spaces and plain hyphens; non-breaking spaces become spaces
    (NFKC), so patterns need not know every way a browser or PDF writes them."""
    text = unicodedata.normalize("NFKC", text).translate(_PUNCTUATION)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def squash(text: str) -> str:
    """One space between words, no space at either end."""
    return " ".join(text.split())


def fold(text: str | None) -> str:
    """Case and spacing folded, for comparisons."""
    return squash(normalise_characters(text or "")).casefold()


# --- HTML ---------------------------------------------------------------------------------

_SKIPPED_TAGS = frozenset(
    {"script", "style", "nav", "noscript", "template", "head", "svg", "button", "form"}
)
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
        "main", "ol", "p", "pre", "section", "table", "tr", "ul", "caption", "tbody", "thead",
    }
)  # fmt: skip
_VOID_TAGS = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "area", "col"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []
        self.lists: list[list] = []  # [tag, counter] per open list

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _VOID_TAGS:
            if not self.skipping and tag in ("br", "hr"):
                self.parts.append("\n")
            return
        if self.skipping or tag in _SKIPPED_TAGS:
            self.skipping.append(tag)
            return
        if tag in ("ul", "ol"):
            self.lists.append([tag, 0])
        if tag == "li":
            marker = "- "
            if self.lists and self.lists[-1][0] == "ol":
                self.lists[-1][1] += 1
                marker = f"{self.lists[-1][1]}. "
            self.parts.append("\n" + "  " * max(len(self.lists) - 1, 0) + marker)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n" if tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6") else "\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID_TAGS:
            return
        if self.skipping:
            # Close back to the matching opening tag; HTML in the wild does not always nest.
            if tag in self.skipping:
                while self.skipping and self.skipping.pop() != tag:
                    pass
            return
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        if tag in _BLOCK_TAGS or tag == "li":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """The readable text of an HTML page: one line per paragraph or list item (items keep
    a "- " or "1. " marker), without scripts, styles, navigation or forms."""
    extractor = _TextExtractor()
    extractor.feed(html or "")
    extractor.close()
    lines = [line.rstrip() for line in "".join(extractor.parts).split("\n")]
    text = "\n".join(line if line.strip() else "" for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return bool(re.search(r"<(html|body|div|p|h1|h2|article|main|!doctype)[\s>]", head))


# --- Page furniture -----------------------------------------------------------------------

_NOISE_LINE = re.compile(
    r"^(?:back to top|print this page|skip to (?:main )?content|lgo logogram|menu|search|"
    r"home|close|share|share this page|on|off|hide|show|accept|reject|accept all|reject all|"
    r"save|save and close|save preferences|privacy settings|review your privacy settings|"
    r"required cookies|analytical cookies|view (?:required|analytical) cookies|"
    r"we recommend you set these '?on'?\.?|cookie settings|cookies|"
    r"you are here:?.*|home\s*>.*|[-*_=|>#.\u2013\u2014\u2022]+|\d{1,3}|page \d+(?: of \d+)?)$",
    re.IGNORECASE,
)
_BANNER_WORDS = re.compile(r"cookies?\b|google analytics|privacy settings", re.IGNORECASE)


def _is_noise(line: str) -> bool:
    if _NOISE_LINE.match(line):
        return True
    # The cookie banner's own sentences; no decision talks about cookies at this length.
    return len(line) < 400 and bool(_BANNER_WORDS.search(line))


_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def _strip_markup(line: str) -> str:
    line = _MARKDOWN_LINK.sub(r"\1", line)
    line = line.replace("**", "").replace("__", "")
    return re.sub(r"^#{1,6}\s+", "", line)


# --- Paragraphs ---------------------------------------------------------------------------

# A list marker: bullets of every kind, "1.", "1)", "(a)", "a)", "(iv)"; "- >" is how one
# PDF converter writes a nested bullet.
_MARKER = re.compile(
    r"^(?:[-\u2022\u2023\u25aa\u25e6\u00b7*\u2013\u2014>o]\s+"
    r"|\(?\d{1,3}[.)](?=\s)\s*|\([a-z]\)\s+|[a-z]\)\s+|\((?:i|ii|iii|iv|v|vi|vii|viii|ix|x)\)\s+)"
)
_TERMINAL = re.compile(r"[.!?:;]['\")\]]*$")


@dataclass
class Para:
    """One paragraph or list item. ``marker`` is "bullet", "number" or "" (plain)."""

    text: str
    marker: str = ""
    index: int = 0

    @property
    def is_item(self) -> bool:
        return bool(self.marker)


def _split_marker(line: str) -> tuple[str, str]:
    marker = ""
    while True:
        match = _MARKER.match(line)
        if not match:
            return marker, line
        bullet = match.group(0).strip()
        kind = "number" if bullet[:1].isdigit() or bullet.startswith("(") else "bullet"
        marker = marker or kind
        line = line[match.end() :].lstrip()


def _line_width(lines: list[str]) -> tuple[int, bool]:
    """The width a PDF wrapped its lines at, and whether the text looks wrapped at all
    (most lines near one width, well short of a web paragraph)."""
    lengths = sorted(len(line) for line in lines if line)
    if not lengths:
        return 0, False
    width = lengths[int(0.9 * (len(lengths) - 1))]
    body = [length for length in lengths if length > 25]
    near = sum(1 for length in body if length >= 0.7 * width)
    return width, width < 160 and near >= 0.5 * max(len(body), 1)


def _is_known_heading(line: str) -> bool:
    key = heading_key(line)
    return any(pattern.match(key) for pattern in HEADING_KINDS.values())


def paragraphs(text: str) -> list[Para]:
    """Clean paragraphs: furniture dropped, lines wrapped by a PDF joined back together."""
    lines = [squash(_strip_markup(raw)) for raw in normalise_characters(text).split("\n")]
    width, wrapped_text = _line_width(lines)
    long_line = 0.7 * width if wrapped_text else 70
    result: list[Para] = []
    after_blank = True
    last_length = 0
    for line in lines:
        if not line:
            after_blank = True
            continue
        if _is_noise(line):
            continue
        marker, body = _split_marker(line)
        if not body:
            continue
        previous = result[-1] if result else None
        if previous is not None and not marker and not after_blank:
            starts_low = body[:1].islower()
            starts_part = _is_known_heading(body) or bool(_LABEL_LINE.match(body))
            if starts_part:
                join = False
            elif not _TERMINAL.search(previous.text):
                join = starts_low or last_length >= long_line
            else:
                # A full line that happens to end a sentence: the paragraph goes on.
                join = wrapped_text and last_length >= 0.85 * width
            if join:
                previous.text = f"{previous.text} {body}"
                last_length = len(line)
                continue
        if previous is not None and not marker and after_blank:
            # Across a page break the sentence goes on in lower case.
            if (
                body[:1].islower()
                and not _TERMINAL.search(previous.text)
                and len(previous.text) >= 40
            ):
                previous.text = f"{previous.text} {body}"
                after_blank = False
                last_length = len(line)
                continue
        result.append(Para(text=body, marker=marker, index=len(result)))
        after_blank = False
        last_length = len(line)
    return result


_LABEL_LINE = re.compile(
    r"^(?:category|decision date|decision|complaint reference|complaint against|summary)\s*:",
    re.IGNORECASE,
)


# --- Headings -----------------------------------------------------------------------------

# The Ombudsman's regular headings, by the part of the decision they open.
HEADING_KINDS: dict[str, re.Pattern] = {
    "intro": re.compile(r"^the ombudsm[ae]n'?s'? final decision$"),
    "summary": re.compile(r"^(?:summary|report summary)$"),
    "complaint": re.compile(r"^(?:the )?complaints?$"),
    "role": re.compile(
        r"^(?:the ombudsm[ae]n'?s'? role(?: and powers)?|our role|what we can(?:not| not)?"
        r" (?:and cannot )?investigate|legal and administrative background)$"
    ),
    "method": re.compile(r"^how (?:i|we) considered (?:this|the) complaints?$"),
    "facts": re.compile(
        r"^(?:what (?:i|we) found|what happened|background|key facts|(?:relevant )?law and "
        r"guidance|relevant law|the law|chronology|investigation|relevant legislation)$"
    ),
    "analysis": re.compile(
        r"^(?:analysis(?: and findings)?|my analysis|our analysis|(?:my |our )?assessment|"
        r"conclusions?|(?:my |our )?findings|consideration|was there fault.*)$"
    ),
    "action": re.compile(
        r"^(?:agr?e+d actions?|actions?|agreed remed(?:y|ies)|recommendations?|"
        r"recommended actions?|remed(?:y|ies)|agreed actions? and recommendations?|"
        r"what (?:the council|it) (?:has agreed|will|should) do)$"
    ),
    "final": re.compile(r"^(?:(?:my |our |the )?final decision|decision|finding)$"),
    "excluded": re.compile(
        r"^parts? of the complaint (?:that )?(?:i|we) (?:did|have) not investigate.*$"
    ),
    "end": re.compile(
        r"^(?:investigator'?s decision on behalf of the ombudsm[ae]n|decision of the ombudsm"
        r"[ae]n|ombudsman satisfied with (?:the )?council'?s response.*)$"
    ),
}


def heading_key(text: str) -> str:
    key = fold(text).rstrip(":").strip()
    return re.sub(r"\s+", " ", key)


def heading_kind(para: Para) -> str | None:
    """The kind of a known heading, "other" for a heading-like line of no known kind, or
    None for an ordinary paragraph."""
    if para.is_item and para.marker == "number":
        return None
    key = heading_key(para.text)
    for kind, pattern in HEADING_KINDS.items():
        if pattern.match(key):
            return kind
    text = para.text
    if (
        len(text) <= 90
        and len(text.split()) <= 12
        and not para.is_item
        and text[:1].isupper()
        and not re.search(r"[.;,!?]$|£|:\s*\S", text)
    ):
        return "other"
    return None


@dataclass
class Section:
    kind: str  # a HEADING_KINDS key, "other", or "head" (before the first heading)
    title: str
    paras: list[Para]


def sections(paras: list[Para]) -> list[Section]:
    """Paragraphs grouped under the known headings. Headings of no known kind (sub-headings
    such as "Stage two investigation") stay inside the section they appear in."""
    result = [Section("head", "", [])]
    for para in paras:
        kind = heading_kind(para)
        if kind is not None and kind != "other":
            result.append(Section(kind, para.text, []))
        else:
            result[-1].paras.append(para)
    return result
