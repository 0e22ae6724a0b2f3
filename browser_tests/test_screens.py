"""Every main screen, in every language, on every device its people use, looked at the way they would:
by touch, by keyboard, with text at twice the size, right to left, and through axe-core.

Screenshots of every render go to SCREENSHOTS (build/screenshots by default), to look through by eye.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import probes
import pytest
from screens import DEVICES, LANGUAGES, RTL, SCREENS

SCREENSHOTS = Path(os.environ.get("SCREENSHOTS", Path(__file__).resolve().parent.parent / "build" / "screenshots"))
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")
SMALLEST = {}  # the smallest touch target seen, for the closing figures
AXE_TALLY = {}  # per language: renders checked, and elements breaking an axe rule by impact

CASES = [
    pytest.param(screen, language, device, id=f"{screen.id}-{language}-{device}")
    for role, devices in DEVICES.items()
    for language in LANGUAGES
    for device in devices
    for screen in SCREENS
    if screen.role == role
]


def set_text_size(cdp, pixels: int) -> None:
    """Chromium's default font size, as a phone's "larger text" setting sets it (until the session ends)."""
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": pixels, "fixed": round(pixels * 13 / 16)}})


# What a reader must never meet on any screen, each found by a probe run in the page.
LAYOUT_PROBES = (
    (probes.BROKEN_WORDS, "words cut in two"),
    (probes.OUTSIDE_THEIR_BOX, "words outside their box"),
    (probes.ICONS_APART, "icons on another line than their words"),
    (probes.DOTS_STARTING_LINES, "a “·” begins a line"),
    (probes.SELECTS_CUT, "choices a list box cuts short"),
    (probes.DEFAULT_FRAMES, "groups in the browser's grey frame"),
)


def layout_problems(page, language: str, where: str) -> list[str]:
    """What a reader would see wrong in the layout, with every disclosure open (a form, the phrase
    book, "Are you sure?") and every face shown as chosen, as a person may have them."""
    page.evaluate(OPEN_EVERYTHING)
    try:
        return _layout_problems(page, language, where)
    finally:
        page.evaluate(CLOSE_AGAIN)


def _layout_problems(page, language: str, where: str) -> list[str]:
    facts = page.evaluate(probes.PAGE_FACTS)
    problems = []
    # Against the screen's own width: a phone browser zooms out to fit a wider page, which would hide it.
    overflow = facts["scrollWidth"] - page.viewport_size["width"]
    if overflow > 0:
        problems.append(f"{where}: scrolls sideways by {overflow} px")
    if language in RTL:
        if facts["scrollX"] != 0:
            problems.append(f"{where}: opens scrolled to x={facts['scrollX']}")
        start = facts["headerStart"]
        width = page.viewport_size["width"]
        if start and start["right"] < width - 24:
            problems.append(f"{where}: the header starts at the left ({start['right']:.0f} of {width} px)")
    if facts["nameCut"]:
        problems.append(f"{where}: the name in the header is cut off")
    for probe, what in LAYOUT_PROBES:
        found = page.evaluate(probe)
        if found:
            problems.append(f"{where}: {what} ({len(found)}): {found[:4]}")
    return problems


# A chosen face has bold words, which are wider: every face is shown as chosen while the layout is measured.
OPEN_EVERYTHING = """() => {
  for (const details of document.querySelectorAll('main details:not([open])')) {
    details.open = true;
    details.dataset.openedForCheck = '';
  }
  for (const face of document.querySelectorAll('.mood[aria-pressed=false]')) {
    face.setAttribute('aria-pressed', 'true');
    face.dataset.openedForCheck = '';
  }
}"""
CLOSE_AGAIN = """() => document.querySelectorAll('[data-opened-for-check]').forEach(element => {
  if (element.matches('details')) element.open = false;
  else element.setAttribute('aria-pressed', 'false');
  delete element.dataset.openedForCheck;
})"""


def keyboard_problems(page) -> list[str]:
    """Tab from the top to the end: every control is reached, and each shows where the focus is."""
    page.evaluate(
        "window.scrollTo(0, 0); document.activeElement && document.activeElement.blur();"
        "document.querySelectorAll('[data-tabbed]').forEach(el => delete el.dataset.tabbed)"
    )
    problems, seen = [], []
    count = page.evaluate(probes.INTERACTIVE + "() => interactive().length")
    for _ in range(count + 15):
        page.keyboard.press("Tab")
        focused = page.evaluate(probes.FOCUSED)
        if focused is None or (seen and focused["what"] == seen[0]):
            break
        seen.append(focused["what"])
        if not focused["visible"]:
            problems.append(f"no visible focus on {focused['what']}")
        if not focused["inView"]:
            problems.append(f"focus out of view on {focused['what']}")
    unreached = page.evaluate(probes.UNREACHED)
    if unreached:
        problems.append(f"not reached by Tab: {unreached[:5]}")
    return problems


@pytest.mark.parametrize(("screen", "language", "device"), CASES)
def test_screen_works_for_everyone(screen, language, device, signed_in, server):
    context = signed_in(screen.role, language, device)
    page = context.pages[0]
    screen.reach(page, server, language)
    problems = layout_problems(page, language, device)

    facts = page.evaluate(probes.PAGE_FACTS)
    if facts["lang"] != LANGUAGES[language]:
        problems.append(f"<html lang={facts['lang']}>")
    if facts["dir"] != ("rtl" if language in RTL else "ltr"):
        problems.append(f"<html dir={facts['dir']}>")
    if facts["h1"] != 1:
        problems.append(f"{facts['h1']} h1 headings: {facts['h1Text']}")
    if facts["danglingDots"]:
        problems.append(f"separators inside people's words: {facts['danglingDots'][:3]}")
    tab = (facts["currentTab"] or "").strip()
    if tab and tab.casefold() not in facts["h1Text"].casefold() and tab.casefold() not in facts["title"].casefold():
        problems.append(f"two names for one page: {tab!r} in the menu, {facts['h1Text']!r} as its heading")
    name = facts["title"].removesuffix(" · Sammen").strip()
    if not name or name == facts["title"]:
        problems.append(f"title {facts['title']!r} names no page")
    elif language in RTL and not ARABIC_SCRIPT.search(name):
        problems.append(f"title {name!r} is not in the page's language")

    blocking, counts = probes.run_axe(page, contrast=True)
    problems += [f"axe {line}" for line in blocking]
    tally = AXE_TALLY.setdefault(language, {"renders": 0})
    tally["renders"] += 1
    for impact, number in counts.items():
        tally[impact] = tally.get(impact, 0) + number

    targets = page.evaluate(probes.SMALL_TARGETS)
    problems += [f"target under 44 px: {what}" for what in targets["small"]]
    if targets["smallest"]:
        smallest = SMALLEST.setdefault("smallest", dict(targets["smallest"], where=screen.id))
        if targets["smallest"]["size"] < smallest["size"]:
            SMALLEST["smallest"] = dict(targets["smallest"], where=f"{screen.id}-{language}-{device}")

    folder = SCREENSHOTS / device / language
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{screen.id}.png"), full_page=True)

    if device == DEVICES[screen.role][0]:
        problems += keyboard_problems(page)

    if device == "phone":
        page.set_viewport_size({"width": 320, "height": 800})
        problems += layout_problems(page, language, "320 px")
        page.set_viewport_size({"width": 360, "height": 800})
        cdp = context.new_cdp_session(page)
        set_text_size(cdp, 32)
        try:
            page.goto(page.url)  # a fresh load, at the top: a reload would restore the scroll position
            problems += layout_problems(page, language, "360 px at 200 % text")
            # The first screenful: a full-page capture resizes the window, which loses the larger text.
            page.screenshot(path=str(folder / f"{screen.id}-200pct.png"))
        finally:
            set_text_size(cdp, 16)
            cdp.detach()

    # The browser notes the status of a "not found" page itself as an error: that one is meant.
    problems += [
        f"console: {error}"
        for error in context.console_errors
        if not (screen.status != 200 and f"status of {screen.status}" in error)
    ]
    context.console_errors.clear()
    assert not problems, "\n".join(problems)


def figures() -> list[str]:
    """The smallest target and axe's findings per language, for the end of the run (conftest.py)."""
    lines = []
    if SMALLEST:
        smallest = SMALLEST["smallest"]
        lines.append(
            f"smallest touch target: {smallest['width']:.0f}×{smallest['height']:.0f} px, "
            f"{smallest['what']} on {smallest['where']}"
        )
    for language, tally in AXE_TALLY.items():
        found = ", ".join(f"{impact} {tally.get(impact, 0)}" for impact in ("critical", "serious", "moderate", "minor"))
        lines.append(f"axe, {language}: {tally['renders']} screens; elements breaking a rule, by impact: {found}")
    if lines:
        lines.append(f"screenshots of every screen: {SCREENSHOTS}")
    return lines
