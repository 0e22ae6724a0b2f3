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

SMALL_TARGETS = INTERACTIVE + """
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
    // An icon that begins its heading or label may stand above words too long to sit beside it;
    // what confuses is an icon left at the end of a line, after other words, with its own on the next.
    let before = icon.previousSibling;
    while (before && before.nodeType === Node.TEXT_NODE && !before.textContent.trim()) before = before.previousSibling;
    if (!before) continue;
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

# Words cut in two across lines where whole words would do: in Arabic and Dari the letters of a cut
# word lose their joined forms. A word longer than the whole line may break; those are not counted.
BROKEN_WORDS = """
() => {
  const broken = [];
  const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    // A line may end after a hyphen ("QR-kode") as well as at a space.
    const words = node.textContent.trim().split(/[\\s\\-\u2010]+/).filter(Boolean);
    if (!words.length || !node.parentElement.checkVisibility()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const lines = new Set([...range.getClientRects()].filter(r => r.width > 1).map(r => Math.round(r.top)));
    if (lines.size <= words.length) continue;
    const width = node.parentElement.getBoundingClientRect().width;
    const probe = document.createElement('span');
    probe.style.whiteSpace = 'nowrap';
    probe.style.position = 'absolute';  // out of any flex or grid layout: the word's own width
    node.parentElement.appendChild(probe);
    const fits = words.every(word => { probe.textContent = word; return probe.getBoundingClientRect().width <= width; });
    probe.remove();
    if (fits) broken.push(node.textContent.trim().slice(0, 40));
  }
  return broken;
}
"""

FOCUSED = INTERACTIVE + """
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

UNREACHED = INTERACTIVE + """
() => {
  const reached = new Set([...document.querySelectorAll('[data-tabbed]')].map(el => el.name && el.type === 'radio' ? 'radio:' + el.name : el));
  return interactive().filter(element => {
    if (element.disabled) return false;
    if (element.type === 'radio' && reached.has('radio:' + element.name)) return false;
    return !element.dataset.tabbed;
  }).map(describe);
}
"""

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
    result = page.evaluate("""async ([rules, ALSO]) => {
        const result = await axe.run(document, {resultTypes: ['violations'], rules});
        const counts = {};
        for (const v of result.violations) counts[v.impact] = (counts[v.impact] || 0) + v.nodes.length;
        const blocking = result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical' || ALSO.includes(v.id))
          .map(v => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`);
        return [blocking, counts];
    }""", [rules, ALSO_CHECKED])
    return result
