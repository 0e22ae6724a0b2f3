#!/usr/bin/env bash
# Fetch htmx and the Lucide icons we use from the npm registry into webapp/static, and axe-core
# (accessibility rules, for the browser suite only) into browser_tests/vendor.
# Run by `make vendor`; the results are committed so neither `make run` nor CI needs npm.
set -euo pipefail
HTMX_VERSION=2.0.11
LUCIDE_VERSION=1.62.0
# The five check-in faces are our own (scripts/faces.svg), drawn to differ without colour.
AXE_VERSION=4.14.1
ICONS="log-out undo-2 send languages user-round users check check-check clock chevron-down lock-open user-plus smartphone circle-alert house arrow-right-left user-x key-round heart bus hand-helping baby thermometer heart-pulse brain book-open wallet users-round circle-help briefcase graduation-cap hard-hat clock-arrow-up star calendar calendar-plus calendar-clock map-pin list-checks square square-check circle-check circle-x circle-pause pencil message-square-text eye sprout plus stethoscope school phone building-2 circle-dot qr-code printer tablet-smartphone message-square shield-check scroll-text trash-2 history map timer hand mic volume-2 quote ear mail"

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "htmx.org@$HTMX_VERSION" "lucide-static@$LUCIDE_VERSION" "axe-core@$AXE_VERSION" >/dev/null
mkdir htmx lucide axe
tar xzf "htmx.org-$HTMX_VERSION.tgz" -C htmx
tar xzf "lucide-static-$LUCIDE_VERSION.tgz" -C lucide
tar xzf "axe-core-$AXE_VERSION.tgz" -C axe

axe_dest="$root/browser_tests/vendor/axe-core"
mkdir -p "$axe_dest"
cp axe/package/axe.min.js axe/package/LICENSE "$axe_dest/"
echo "axe-core $AXE_VERSION from the npm registry (MPL-2.0); never served by the app" > "$axe_dest/VERSION"

dest="$root/webapp/static/vendor"
mkdir -p "$dest/htmx" "$dest/lucide"
cp htmx/package/dist/htmx.min.js "$dest/htmx/htmx.min.js"
cp htmx/package/LICENSE "$dest/htmx/LICENSE"
echo "htmx.org $HTMX_VERSION from the npm registry" > "$dest/htmx/VERSION"
cp lucide/package/LICENSE "$dest/lucide/LICENSE"
echo "lucide-static $LUCIDE_VERSION from the npm registry: $ICONS; plus face-1 to face-5, our own (scripts/faces.svg)" > "$dest/lucide/VERSION"

# One sprite of <symbol>s, referenced as <use href="sprite.svg#name">.
{
  echo '<svg xmlns="http://www.w3.org/2000/svg">'
  for name in $ICONS; do
    body=$(tr -d '\n' < "lucide/package/icons/$name.svg" | sed -E 's/.*<svg[^>]*>(.*)<\/svg>.*/\1/' | sed -E 's/<!--[^>]*-->//g')
    echo "<symbol id=\"$name\" viewBox=\"0 0 24 24\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\" stroke-linecap=\"round\" stroke-linejoin=\"round\">$body</symbol>"
  done
  # Our own five check-in faces go in the same sprite: one request for every icon on a page.
  grep '<symbol' "$root/scripts/faces.svg"
  echo '</svg>'
} > "$dest/lucide/sprite.svg"
