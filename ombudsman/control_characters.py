"""Control characters in text: the one rule that forms, the import, the paste flow and the
downloads all apply.

The C0 control characters (U+0000 to U+001F) and DEL (U+007F) are not text anyone means
to type: they come with text copied from a PDF or Word (a vertical tab for a line break,
a form feed between pages) or from a hostile client. A workbook cannot hold most of them
(openpyxl refuses the whole file), PostgreSQL's text cannot hold NUL, and a calendar or
CSV reader may stop at one. So forms and the import refuse them, the paste flow turns the
line-breaking ones into line breaks, and every download leaves out any already stored.

Tab, line feed and carriage return are text in a multi-line field (a textarea) and
control characters in a single-line one, where no keyboard can type them.
"""

import re

# Every C0 control and DEL except tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# ... and those three too: what a single-line field refuses.
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f]")
# The ones a PDF or Word puts where a line or a page breaks.
_LINE_BREAKING = re.compile(r"[\x0b\x0c\x1c-\x1e]")


def has_control_characters(text: str, *, multiline: bool) -> bool:
    """Whether ``text`` holds a control character that a field of the kind refuses."""
    return bool((_CONTROL if multiline else _CONTROL_SINGLE_LINE).search(text))


def without_control_characters(text: str) -> str:
    """``text`` with its control characters left out; tab and line breaks are kept."""
    return _CONTROL.sub("", text)


def control_characters_as_text(text: str) -> str:
    """``text`` as a reader would take it: a vertical tab or form feed is a line break,
    other control characters are left out. For text to read, not to store as typed."""
    return without_control_characters(_LINE_BREAKING.sub("\n", text))


def control_characters_message(label: str) -> str:
    return (
        f"{label} must not contain control characters (hidden characters that come with "
        "text copied from some documents): type the text again"
    )
