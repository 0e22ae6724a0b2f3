"""What the suite measures inside a page: JavaScript run through Playwright, with the results in Python."""

from __future__ import annotations

from functools import cache
from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

# Everything a finger or the Tab key can act on. A box or a round button inside a <label> is acted
# on through the label, so the label is what is measured.
INTERACTIVE = """
const SELECTOR = 'a[href], button, input:not([type=hidden]), select, textarea, summary, audio[controls], [tabindex]:not([tabindex="-1"])';

function shown(element) {
  // Closed <details>, [hidden] and display: none all leave no box.
  return element.checkVisibility({visibilityProperty: true, opacityProperty: false}) && element.getClientRects().length > 0;
}

function target(element) {
  if (element.matches('input[type=checkbox], input[type=radio], input[type=file]')) {
    const label = element.closest('label') || (element.id && document.querySelector(`label[for="${CSS.escape(element.id)}"]`));
    if (label) return label;
  }
  return element;
}

function describe(element) {
  const text = (element.getAttribute('aria-label') || element.innerText || element.value || element.name || '').trim();
  const id = element.id ? '#' + element.id : '';
  const cls = element.classList.length ? '.' + [...element.classList].join('.') : '';
  return `${element.tagName.toLowerCase()}${id}${cls} "${text.slice(0, 40).replace(/\\s+/g, ' ')}"`;
}

function interactive() {
  return [...document.querySelectorAll(SELECTOR)].filter(element => {
    if (!shown(element)) return false;
    const box = element.getBoundingClientRect();
    // A visually hidden control (clipped to 1 px) counts if a label stands in for it.
    if (box.width <= 1 && box.height <= 1) return target(element) !== element;
    return true;
  });
}
"""

SMALL_TARGETS = (
    INTERACTIVE
    + """
() => {
  const small = [];
  let smallest = null;
  for (const element of interactive()) {
    const box = target(element).getBoundingClientRect();
    const size = Math.min(box.width, box.height);
    if (!smallest || size < smallest.size) smallest = {size, what: describe(element), width: box.width, height: box.height};
    if (box.width < 43.5 || box.height < 43.5) small.push(`${describe(element)} ${box.width.toFixed(0)}×${box.height.toFixed(0)}`);
  }
  return {small, smallest};
}
"""
)

PAGE_FACTS = """
() => {
  const header = document.querySelector('header.top');
  const brand = header && header.querySelector('.brand');
  const who = document.querySelector('header.top .who');
  const h1s = [...document.querySelectorAll('h1')].filter(h => h.getClientRects().length);
  return {
    h1: h1s.length,
    h1Text: h1s.map(h => h.innerText.trim()).join(' | '),
    title: document.title,
    lang: document.documentElement.lang,
    dir: document.documentElement.dir,
    scrollX: window.scrollX,
    scrollWidth: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
    headerStart: brand ? {left: brand.getBoundingClientRect().left, right: brand.getBoundingClientRect().right} : null,
    // A "·" inside someone's own words (dir=auto) follows their direction, not the page's: it dangles.
    danglingDots: [...document.querySelectorAll('[dir=auto]')].map(el => el.textContent.trim())
      .filter(text => text.startsWith('·') || text.endsWith('·')),
    // The page has one name: the tab of the menu that is current is named as in the heading or the title.
    currentTab: (document.querySelector('.subnav [aria-current=page]') || {}).innerText || null,
    nameCut: who ? [...who.querySelectorAll('bdi, span')].some(el => el.scrollWidth > el.clientWidth + 1) || who.scrollWidth > who.clientWidth + 1 : false,
  };
}
"""

# An icon and the word after it must stay on one line: the icon says what the word is, and one left
# at the end of a line reads as part of what came before it.
ICONS_APART = """
() => {
  const apart = [];
  for (const icon of document.querySelectorAll('svg.icon')) {
    if (!icon.getClientRects().length) continue;
    const parent = getComputedStyle(icon.parentElement);
    // A grid, or a column, puts the icon above its words on purpose (the faces).
    if (parent.display.includes('grid') || (parent.display.includes('flex') && parent.flexDirection.startsWith('column'))) continue;
    // An icon that begins its heading or label (after the label's own box or round button) may stand
    // above words too long to sit beside it; what confuses is an icon left at the end of a line, after
    // other words, with its own on the next.
    let before = icon.previousSibling;
    while (before && before.nodeType === Node.TEXT_NODE && !before.textContent.trim()) before = before.previousSibling;
    if (!before || (before.nodeType === Node.ELEMENT_NODE && before.matches('input'))) continue;
    let next = icon.nextSibling;
    while (next && next.nodeType === Node.TEXT_NODE && !next.textContent.trim()) next = next.nextSibling;
    if (!next) continue;
    const range = document.createRange();
    if (next.nodeType === Node.TEXT_NODE || (next.nodeType === Node.ELEMENT_NODE && next.getClientRects().length)) {
      range.selectNodeContents(next);
    } else continue;
    const whole = range.getBoundingClientRect();
    const first = [...range.getClientRects()].find(rect => rect.width > 0 && rect.height > 0);
    if (!first) continue;
    const box = icon.getBoundingClientRect();
    // Apart when the words begin on a line below the icon, or all lie above it. Words in several
    // lines beside an icon centred on them are together.
    if (first.top >= box.bottom - 1 || whole.bottom <= box.top + 1) {
      apart.push((icon.parentElement.innerText || '').trim().slice(0, 50));
    }
  }
  return apart;
}
"""

# Every word cut in two across lines, counted one by one: in Arabic and Dari the letters of a cut word
# lose their joined forms, and in any language half a word is hard to read. A line may end at a space
# or after a hyphen or dash ("QR-kode", "a–z"); only a word wider than the whole screen may be cut.
BROKEN_WORDS = """
() => {
  // The lines a range lies on: boxes that overlap by more than half their height are one line
  // (a line with words of both directions gives several boxes).
  function lines(rects) {
    const seen = [];
    for (const r of rects) {
      if (r.width < 0.5 || r.height < 0.5) continue;
      const middle = (r.top + r.bottom) / 2;
      if (!seen.some(s => Math.abs(s.middle - middle) < Math.min(s.height, r.height) / 2)) seen.push({middle, height: r.height});
    }
    return seen.length;
  }
  const broken = [];
  const screen = document.documentElement.clientWidth;
  const range = document.createRange();
  const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    // A web address is no word: it breaks where it must (the sign-in card's link).
    if (!node.textContent.trim() || /^https?:\\/\\//.test(node.textContent.trim()) || !parent.checkVisibility()) continue;
    range.selectNodeContents(node);
    if (lines(range.getClientRects()) < 2) continue;
    for (const word of node.textContent.matchAll(/[^\\s\\-\u2010\u2013\u2014]+/g)) {
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      if (lines(range.getClientRects()) < 2) continue;
      const probe = document.createElement('span');
      probe.style.cssText = 'white-space: nowrap; position: absolute; visibility: hidden';
      probe.textContent = word[0];
      parent.appendChild(probe);  // out of any flex or grid layout: the word's own width, in its own font
      const width = probe.getBoundingClientRect().width;
      probe.remove();
      if (width <= screen) broken.push(`${word[0]} (in “${node.textContent.trim().slice(0, 30)}”)`);
    }
  }
  return broken;
}
"""

# Words that stick out of the box they are written in (a tile, a button, a card): whole, but partly
# outside it, over its neighbour or off the screen. A field scrolls its own text, and a table its
# own box, so those are not counted.
OUTSIDE_THEIR_BOX = """
() => {
  const outside = [];
  for (const element of (document.querySelector('main') || document.body).querySelectorAll('*')) {
    if (element.matches('input, select, textarea, svg, svg *, audio, img, .table-scroll, .table-scroll *') || !element.checkVisibility()) continue;
    const style = getComputedStyle(element);
    if (style.overflowX !== 'visible' || style.display === 'inline' || element.scrollWidth <= element.clientWidth + 1) continue;
    outside.push(element);
  }
  // The innermost box only: what sticks out of it sticks out of every box around it too.
  return outside.filter(element => !outside.some(other => other !== element && element.contains(other)))
    .map(element => `${element.tagName.toLowerCase()}.${[...element.classList].join('.')} “${element.innerText.trim().replace(/\\s+/g, ' ').slice(0, 30)}” ${element.scrollWidth - element.clientWidth} px`);
}
"""

# A select shows only its chosen option, on one line, cut where the box ends: whichever option is
# chosen must show whole (or the choices must be round buttons or tiles, which wrap). Room is the box
# less its padding, which holds the arrow (app.css draws it there).
SELECTS_CUT = """
() => [...(document.querySelector('main') || document.body).querySelectorAll('select')].filter(select => select.checkVisibility()).flatMap(select => {
  const style = getComputedStyle(select);
  const room = select.clientWidth - parseFloat(style.paddingInlineStart) - parseFloat(style.paddingInlineEnd);
  const probe = document.createElement('span');
  probe.style.cssText = `position: absolute; visibility: hidden; white-space: pre; font: ${style.font}`;
  document.body.appendChild(probe);
  const cut = [...select.options].filter(option => { probe.textContent = option.text; return probe.getBoundingClientRect().width > room; });
  probe.remove();
  return cut.map(option => `#${select.id} “${option.text}”`);
})
"""

# What of a form lies under its Send button, where the reader sees it now: boxes that overlap the
# button (as far as a scrolling box around them shows them), and whatever is on top at its middle.
UNDER_SEND = (
    INTERACTIVE
    + """
(form) => {
  const send = form.querySelector(':scope > button[type=submit]');
  function seen(element) {
    let {left, right, top, bottom} = element.getBoundingClientRect();
    for (let box = element.parentElement; box; box = box.parentElement) {
      if (getComputedStyle(box).overflowY === 'visible') continue;
      const clip = box.getBoundingClientRect();
      left = Math.max(left, clip.left); right = Math.min(right, clip.right);
      top = Math.max(top, clip.top); bottom = Math.min(bottom, clip.bottom);
    }
    return {left, right, top, bottom};
  }
  const button = send.getBoundingClientRect();
  if (button.bottom <= 0 || button.top >= innerHeight) return [];
  const under = [];
  for (const element of form.querySelectorAll('*')) {
    if (send.contains(element) || element.contains(send) || !shown(element)) continue;
    const box = seen(element);
    if (box.left < button.right - 0.5 && box.right > button.left + 0.5 && box.top < button.bottom - 0.5 && box.bottom > button.top + 0.5) {
      under.push(describe(element));
    }
  }
  const middle = document.elementFromPoint((button.left + button.right) / 2, (button.top + button.bottom) / 2);
  if (middle && !send.contains(middle)) under.push(`${describe(middle)} over Send`);
  return under;
}
"""
)

# Groups of choices framed by the browser's own grey groove, unlike every other group in the app.
DEFAULT_FRAMES = """
() => [...document.querySelectorAll('fieldset')].filter(set => set.checkVisibility() && getComputedStyle(set).borderTopStyle === 'groove')
  .map(set => (set.querySelector('legend') || set).innerText.trim().slice(0, 40))
"""

# A "·" between two things belongs to the one before it: at the start of a line it reads as a stray
# mark (right to left it hangs at the line's right end). Each dot is compared with the letter before it.
DOTS_STARTING_LINES = """
() => {
  const starting = [];
  const range = document.createRange();
  const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
  const boxOf = (node, i) => { range.setStart(node, i); range.setEnd(node, i + 1); return range.getBoundingClientRect(); };
  let before = null;  // where the last letter seen is: [node, index]
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement.checkVisibility()) continue;
    const text = node.textContent;
    for (let i = 0; i < text.length; i++) {
      if (!text[i].trim()) continue;
      if (text[i] === '·' && before) {
        const dot = boxOf(node, i), letter = boxOf(...before);
        if (dot.height && Math.abs((dot.top + dot.bottom) / 2 - (letter.top + letter.bottom) / 2) > dot.height / 2) {
          starting.push((node.parentElement.closest('p, li, div') || node.parentElement).innerText.trim().slice(0, 50));
        }
      }
      before = [node, i];
    }
  }
  return starting;
}
"""

FOCUSED = (
    INTERACTIVE
    + """
() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  const box = element.getBoundingClientRect();
  const inView = box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth;
  element.dataset.tabbed = '1';
  return {what: describe(element), visible: outline || shadow, inView};
}
"""
)

UNREACHED = (
    INTERACTIVE
    + """
() => {
  const reached = new Set([...document.querySelectorAll('[data-tabbed]')].map(el => el.name && el.type === 'radio' ? 'radio:' + el.name : el));
  return interactive().filter(element => {
    if (element.disabled) return false;
    if (element.type === 'radio' && reached.has('radio:' + element.name)) return false;
    return !element.dataset.tabbed;
  }).map(describe);
}
"""
)

FIRST_ERROR = """
() => {
  const element = document.activeElement;
  const invalid = [...document.querySelectorAll('[aria-invalid=true]')];
  const described = (element && element.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean)
    .map(id => document.getElementById(id)).filter(Boolean);
  return {
    focused: element ? (element.id || element.name || element.tagName) : null,
    firstInvalid: invalid.length ? (invalid[0].id || invalid[0].name) : null,
    focusedIsInvalid: !!element && element.getAttribute('aria-invalid') === 'true',
    errorText: described.filter(el => el.classList.contains('field-error')).map(el => el.innerText.trim()).join(' '),
  };
}
"""

IN_VIEW = """
(element) => {
  const box = element.getBoundingClientRect();
  return box.bottom > 0 && box.top < innerHeight && box.height > 0;
}
"""


# Moderate in axe's scale, but the walk found them: two landmarks of one name leave a screen reader
# user unable to tell them apart.
ALSO_CHECKED = ["landmark-unique", "landmark-no-duplicate-main", "page-has-heading-one"]


@cache
def _axe_source() -> str:
    return AXE.read_text() + "\n;0"


def run_axe(page, *, contrast: bool) -> tuple[list[str], dict[str, int]]:
    """axe-core's serious and critical violations (and ALSO_CHECKED), one line each; and how many
    elements break a rule at each impact, for the figures."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(_axe_source())  # through the DevTools protocol, which the page's CSP does not govern
    rules = {} if contrast else {"color-contrast": {"enabled": False}}
    result = page.evaluate(
        """async ([rules, ALSO]) => {
        const result = await axe.run(document, {resultTypes: ['violations'], rules});
        const counts = {};
        for (const v of result.violations) counts[v.impact] = (counts[v.impact] || 0) + v.nodes.length;
        const blocking = result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical' || ALSO.includes(v.id))
          .map(v => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`);
        return [blocking, counts];
    }""",
        [rules, ALSO_CHECKED],
    )
    return result
