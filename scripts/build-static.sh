#!/usr/bin/env bash
# Build the front-end static files into static/dist/ (gitignored) from the npm packages
# pinned in package.json / package-lock.json:
#   static/dist/app.css                 static/src/app.scss compiled with Dart Sass
#   static/dist/assets/                 GOV.UK Frontend assets (no fonts) + MOJ images
#   static/dist/govuk-frontend.min.js   ES module (exports initAll)
#   static/dist/moj-frontend.min.js     ES module (exports initAll)
#   static/dist/fonts/                  Source Sans 3 (SIL Open Font License), for the PDF
#                                       reports: WeasyPrint loads it from this folder
# Works on a fresh clone; repeat runs skip `npm ci` while node_modules is up to date.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ ! -f node_modules/.package-lock.json ]] \
    || [[ package-lock.json -nt node_modules/.package-lock.json ]] \
    || [[ package.json -nt node_modules/.package-lock.json ]]; then
    npm ci --no-audit --no-fund
fi

GOVUK=node_modules/govuk-frontend/dist/govuk
MOJ=node_modules/@ministryofjustice/frontend/moj
DIST=static/dist

rm -rf "$DIST"
mkdir -p "$DIST/assets/images"

# GOV.UK Frontend assets (images, manifest.json); its fonts are GDS Transport, unused here.
for item in "$GOVUK"/assets/*; do
    [[ "$(basename "$item")" == fonts ]] || cp -R "$item" "$DIST/assets/"
done
cp -R "$MOJ"/assets/images/. "$DIST/assets/images/"

# JavaScript: both files are self-contained ES modules; copy their source maps too.
cp "$GOVUK"/govuk-frontend.min.js "$GOVUK"/govuk-frontend.min.js.map "$DIST/"
cp "$MOJ"/moj-frontend.min.js "$MOJ"/moj-frontend.min.js.map "$DIST/"

# The PDF reports' font, from files (a Celery worker must not fetch anything over HTTP).
mkdir -p "$DIST/fonts"
for face in Regular It Semibold Bold BoldIt; do
    cp node_modules/source-sans/TTF/SourceSans3-$face.ttf "$DIST/fonts/"
done
cp node_modules/source-sans/LICENSE.md "$DIST/fonts/LICENSE.md"

# CSS: MOJ Frontend (which configures GOV.UK Frontend) + project styles, system fonts.
node_modules/.bin/sass --pkg-importer=node --load-path=. --quiet-deps --style=compressed \
    static/src/app.scss "$DIST/app.css"

echo "static build: $DIST/app.css ($(( $(wc -c < "$DIST/app.css") / 1024 )) KB)"
