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

// Sign-out warning. The session ends after data-idle-seconds without a request to the
// server (SESSION_IDLE_MINUTES); data-warn-seconds before that, a dialog says so and offers
// "Stay signed in", which makes a request (moving the expiry on) and starts the count
// again. If nobody answers, the page goes to the sign-in page when the session has ended,
// so that personal data is not left on an unattended screen.
function sessionTimeout(dialog) {
  const idle = Number(dialog.dataset.idleSeconds) * 1000;
  const warn = Math.min(Number(dialog.dataset.warnSeconds) * 1000, idle / 2);
  const token = dialog.querySelector("input[name=csrfmiddlewaretoken]").value;
  const stay = dialog.querySelector("[data-timeout-stay]");
  let warnTimer;
  let endTimer;

  function start() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(() => {
      dialog.showModal();
      stay.focus();
    }, idle - warn);
    endTimer = setTimeout(() => {
      window.location.assign(dialog.dataset.signedOutUrl);
    }, idle);
  }

  stay.addEventListener("click", async () => {
    const response = await fetch(dialog.dataset.extendUrl, {
      method: "POST",
      headers: { "X-CSRFToken": token },
      credentials: "same-origin",
      redirect: "manual",
    });
    dialog.close();
    if (response.status === 204) {
      start();
    } else {
      window.location.assign(dialog.dataset.signedOutUrl);
    }
  });
  // Escape closes a modal dialog: treat it as "Stay signed in" rather than leaving the
  // warning dismissed with the count still running.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    stay.click();
  });
  start();
}

const timeoutDialog = document.getElementById("session-timeout");
if (timeoutDialog) {
  sessionTimeout(timeoutDialog);
}
