// Initialise GOV.UK Frontend and MOJ Frontend components (no inline script: CSP-safe).
// Loaded by the base template as <script type="module" src="/static/src/app.js">.
// Both libraries are self-contained ES modules built into static/dist/ by
// scripts/build-static.sh. Only browsers with ES module support run this file, so
// adding "govuk-frontend-supported" here matches GOV.UK's own 'noModule' check.
import { createAll, initAll as initGovuk } from "/static/dist/govuk-frontend.min.js";
import { FilterToggleButton, initAll as initMoj } from "/static/dist/moj-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initGovuk();
initMoj();
// MOJ's initAll leaves out the filter's "Show filter" button (data-module="moj-filter",
// templates/list_page.html): on a phone the filter panel opens over the list from it.
createAll(FilterToggleButton);

// Sign-out warning. The session ends data-idle-seconds after this page was sent unless the
// server gets another request (the end the server keeps: up to a minute short of
// SESSION_IDLE_MINUTES, ombudsman/sessions.py); data-warn-seconds before that, a dialog
// says so and offers "Stay signed in", which makes a request (moving the end on to a whole
// data-session-seconds) and starts the count again. If nobody answers, the page goes to the
// sign-in page when the session has ended, so that personal data is not left on an
// unattended screen.
function sessionTimeout(dialog) {
  const left = Number(dialog.dataset.idleSeconds) * 1000;
  const idle = Number(dialog.dataset.sessionSeconds) * 1000;
  const warn = Math.min(Number(dialog.dataset.warnSeconds) * 1000, idle / 2);
  const token = dialog.querySelector("input[name=csrfmiddlewaretoken]").value;
  const stay = dialog.querySelector("[data-timeout-stay]");
  let warnTimer;
  let endTimer;

  function start(remaining) {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(() => {
      dialog.showModal();
      stay.focus();
    }, remaining - warn);
    endTimer = setTimeout(() => {
      window.location.assign(dialog.dataset.signedOutUrl);
    }, remaining);
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
      start(idle);
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
  start(left);
}

const timeoutDialog = document.getElementById("session-timeout");
if (timeoutDialog) {
  sessionTimeout(timeoutDialog);
}

// A committee report being made (templates/decisions/report_detail.html). Instead of a
// timed refresh of the whole page, which WCAG 2.2.1 rules out (it takes a screen reader
// back to the top every few seconds), ask for the page every two seconds and put the new
// status in place: #status is a polite live region, so the change is read out where the
// reader is. Without JavaScript the page's "Refresh now" link does the same by hand.
function reportProgress(status) {
  const stopAt = Date.now() + 30 * 60 * 1000;

  async function check() {
    let fresh = null;
    try {
      const response = await fetch(window.location.href, {
        credentials: "same-origin",
        cache: "no-store",
      });
      if (response.ok) {
        fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      }
    } catch {
      // A moment without the network: try again at the next tick.
    }
    const freshStatus = fresh && fresh.getElementById("status");
    if (freshStatus && freshStatus.textContent !== status.textContent) {
      status.replaceChildren(...freshStatus.childNodes);
    }
    if (freshStatus && !freshStatus.hasAttribute("data-report-pending")) {
      status.removeAttribute("data-report-pending");
      const reported = document.getElementById("reported-section");
      const freshReported = fresh.getElementById("reported-section");
      if (reported && freshReported) {
        reported.replaceWith(freshReported);
      }
    } else if (Date.now() < stopAt) {
      setTimeout(check, 2000);
    }
  }

  setTimeout(check, 2000);
}

const pendingReport = document.querySelector("#status[data-report-pending]");
if (pendingReport) {
  reportProgress(pendingReport);
}
