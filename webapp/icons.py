"""Icons from the vendored sprite, turned to the reader's direction where they point along the text."""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup, escape

from .assets import static_url


def icon(name: str, label: str | None = None) -> Markup:
    href = _icon_href(static_url(SPRITE), name)
    classes = "icon icon--flip" if name in POINTING else "icon"
    if label:
        return Markup('<svg class="{}" role="img" aria-label="{}"><use href="{}"></use></svg>').format(
            classes, label, href
        )
    return _unlabelled_icon(href, classes)


SPRITE = "vendor/lucide/sprite.svg"  # Lucide's icons and our own check-in faces (scripts/vendor_frontend.sh)
# Icons that point along the line of text: right to left, they point the other way (app.css).
POINTING = frozenset({"log-out", "send", "undo-2"})


@lru_cache(maxsize=512)
def _icon_href(sprite: str, name: str) -> Markup:
    return escape(sprite) + "#" + escape(name)


@lru_cache(maxsize=512)
def _unlabelled_icon(href: Markup, classes: str) -> Markup:
    return Markup('<svg class="{}" aria-hidden="true" focusable="false"><use href="{}"></use></svg>').format(
        classes, href
    )
