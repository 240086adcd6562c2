"""What the browser tests share: the axe-core audit and the keyboard checks."""

from functools import cache
from pathlib import Path

from playwright.sync_api import Locator, Page

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# GOV.UK Frontend's focus colour ($govuk-focus-colour, #ffdd00) as computed styles give it.
FOCUS_COLOUR = "rgb(255, 221, 0)"


@cache
def _axe_source() -> str:
    if not AXE.exists():
        raise AssertionError(f"axe-core is missing at {AXE}: run `npm ci` in the project.")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict]:
    """Runs axe-core on the page as it stands and returns its WCAG 2.2 A/AA violations.

    The script goes in through the DevTools protocol (``page.evaluate``), which the page's
    Content-Security-Policy does not govern: no inline <script>, no ``bypass_csp``."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return _without_govuk_conditional_reveal(result["violations"])


def _is_govuk_conditional_radio(node: dict) -> bool:
    """A GOV.UK radio that reveals its conditional content, flagged only for its
    aria-expanded attribute (nothing else wrong with it)."""
    failures = [m for group in ("all", "any", "none") for c in node.get(group, [])
                for m in [c.get("message", "")]]  # fmt: skip
    return (
        'class="govuk-radios__input"' in node["html"]
        and "aria-controls=" in node["html"]
        and bool(failures)
        and all("aria-expanded" in m for m in failures)
    )


def _without_govuk_conditional_reveal(violations: list[dict]) -> list[dict]:
    """GOV.UK Frontend's radios with conditional reveal carry aria-expanded, which ARIA
    does not list for a radio: the Design System keeps it on purpose, since screen readers
    announce it (its known issue, alphagov/govuk-frontend#979). That one finding, on those
    radios only, is left out; every other finding on them still fails."""
    kept = []
    for v in violations:
        if v["id"] == "aria-allowed-attr":
            nodes = [n for n in v["nodes"] if not _is_govuk_conditional_radio(n)]
            if not nodes:
                continue
            v = {**v, "nodes": nodes}
        kept.append(v)
    return kept


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{v['helpUrl']}]")
        for node in v["nodes"]:
            lines.append(f"    at {node['target']}: {node['html'][:300]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


def assert_accessible(page: Page, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, (
        f"axe-core found {len(violations)} WCAG violation(s) on {what} ({page.url}):\n"
        + describe(violations)
    )


# Whether the focused element shows GOV.UK's focus style: the yellow outline, background
# or box shadow, on the element itself or, for GOV.UK's radios and checkboxes (whose real
# input is transparent), on the ::before of its label that draws the control.
_FOCUS_VISIBLE = """
(el, yellow) => {
  const styles = [getComputedStyle(el)];
  if (el.matches('.govuk-radios__input, .govuk-checkboxes__input') && el.labels.length) {
    styles.push(getComputedStyle(el.labels[0], '::before'));
  }
  return styles.some(s =>
    (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 && s.outlineColor === yellow)
    || s.backgroundColor === yellow
    || s.boxShadow.includes(yellow));
}
"""


def focused_shows_focus_style(page: Page) -> bool:
    """Whether the element with the focus shows GOV.UK's focus style."""
    return page.evaluate(
        f"colour => ({_FOCUS_VISIBLE})(document.activeElement, colour)", FOCUS_COLOUR
    )


def focused_description(page: Page) -> str:
    return page.evaluate(
        """() => { const el = document.activeElement;
        if (!el || el === document.body) return '(nothing)';
        return el.tagName.toLowerCase() + (el.name ? `[name=${el.name}]` : '')
          + (el.id ? `#${el.id}` : '') + ' ' + (el.innerText || el.value || '').slice(0, 40); }"""
    )


def tab_to(page: Page, target: Locator, *, max_presses: int = 200, backwards=False) -> None:
    """Presses Tab (or Shift+Tab) until ``target`` has the focus, then checks that it shows
    GOV.UK's focus style. Fails if Tab never reaches it: a mouse-only control."""
    handle = target.element_handle()
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(max_presses):
        page.keyboard.press(key)
        if handle.evaluate("el => el === document.activeElement"):
            break
    else:
        raise AssertionError(
            f"{target} was not reached with {max_presses} presses of {key} on {page.url}; "
            f"focus ended on {focused_description(page)}"
        )
    assert handle.evaluate(_FOCUS_VISIBLE, FOCUS_COLOUR), (
        f"{target} has the focus but no visible GOV.UK focus indicator on {page.url}"
    )


def day_box(page: Page, legend: str) -> Locator:
    """The Day box of the GOV.UK date input whose legend is ``legend``."""
    return page.get_by_role("group", name=legend).get_by_label("Day")


def date_shown(page: Page, legend: str) -> str:
    """What the date input with ``legend`` holds, as "day/month/year"."""
    group = page.get_by_role("group", name=legend)
    return "/".join(group.get_by_label(part).input_value() for part in ("Day", "Month", "Year"))


class JourneyMeter:
    """What a journey costs its user: the forms submitted (navigations by POST), the
    pages it goes through (every navigation, a GET form or a link included), the tallest
    page seen (its scroll height at the context's 1280-pixel width) and the time
    taken. ``look`` is called on each page; ``report`` prints the figures and writes them
    to artefacts/journeys/<name>.json."""

    def __init__(self, page: Page, name: str):
        import time

        self.name, self.page = name, page
        self.submissions, self.pages, self.tallest, self.tallest_url = 0, 0, 0, ""
        self.heights = []  # (path, pixels) of each page looked at
        self._clock = time.perf_counter
        self._started = self._clock()
        page.on("request", self._on_request)

    def _on_request(self, request) -> None:
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self.pages += 1  # each page the journey goes through after the first
            if request.method == "POST":
                self.submissions += 1

    def look(self) -> None:
        height = self.page.evaluate("() => document.documentElement.scrollHeight")
        path = self.page.url.split("//", 1)[-1].split("/", 1)[-1]
        self.heights.append((path, height))
        if height > self.tallest:
            self.tallest, self.tallest_url = height, self.page.url

    def report(self) -> dict:
        import json

        figures = {
            "journey": self.name,
            "page submissions": self.submissions,
            "pages loaded after the first": self.pages,
            "tallest page (px at 1280 wide)": self.tallest,
            "tallest page": self.tallest_url.split("//", 1)[-1].split("/", 1)[-1],
            "seconds": round(self._clock() - self._started, 1),
            "page heights": self.heights,
        }
        folder = ROOT / "artefacts" / "journeys"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{self.name}.json").write_text(json.dumps(figures, indent=2))
        print(f"\njourney figures: {figures}")
        return figures
