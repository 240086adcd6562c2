// Initialise GOV.UK Frontend and MOJ Frontend components (no inline script: CSP-safe).
// Loaded by the base template as <script type="module" src="/static/src/app.js">.
// Both libraries are self-contained ES modules built into static/dist/ by
// scripts/build-static.sh. Only browsers with ES module support run this file, so
// adding "govuk-frontend-supported" here matches GOV.UK's own 'noModule' check.
import { initAll as initGovuk } from "/static/dist/govuk-frontend.min.js";
import { initAll as initMoj } from "/static/dist/moj-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initGovuk();
initMoj();
