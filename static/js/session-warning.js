/* RGAA 13.1: "Votre session va bientôt prendre fin". The server gives the seconds left before the session
   ends for inactivity (data-session-seconds-left, accounts.selectors.session_seconds_left) and how long before
   the end to warn (data-session-warning-seconds). The dialog (a modal <dialog>, role="alertdialog") takes
   the focus and keeps it; "Prolonger ma session", Escape or closing it extends the session by a POST
   (CSRF token of the dialog's form) without reloading the page, so what was typed stays; "Me déconnecter"
   is the dialog's logout form. Other tabs of the same site share the end time through localStorage: a page
   kept open does not warn when another one extended the session. At the end, the page is loaded again: the
   server then says that the session ended. No inline script (CSP). */
(function () {
  "use strict";
  var dialog = document.getElementById("session-warning");
  if (!dialog || typeof dialog.showModal !== "function") { return; }
  var STORE_KEY = "portail-session-fin";
  var SAME_END_MS = 15000;
  var secondsLeft = parseInt(dialog.dataset.sessionSecondsLeft, 10);
  var warningSeconds = parseInt(dialog.dataset.sessionWarningSeconds, 10);
  var extendUrl = dialog.dataset.sessionExtendUrl;
  var timeField = dialog.querySelector("[data-session-end-time]");
  var errorField = dialog.querySelector("[data-session-error]");
  var extendButton = dialog.querySelector("[data-session-extend]");
  var form = dialog.querySelector("form");
  var token = form ? form.querySelector("input[name=csrfmiddlewaretoken]") : null;
  if (isNaN(secondsLeft) || isNaN(warningSeconds) || !extendUrl || !extendButton || !token) { return; }

  var endsAt = 0;  // this page's end of session (ms, the browser's clock)
  var warnTimer = null;
  var endTimer = null;
  var returnFocus = null;
  var closingOurselves = false;
  var extending = false;

  function storedEnd() {
    try { return parseInt(window.localStorage.getItem(STORE_KEY), 10) || 0; } catch (e) { return 0; }
  }

  function store(end) {
    try { window.localStorage.setItem(STORE_KEY, String(end)); } catch (e) { /* private browsing: this tab only */ }
  }

  function hhmm(date) {
    return String(date.getHours()).padStart(2, "0") + ":" + String(date.getMinutes()).padStart(2, "0");
  }

  function schedule(seconds, share, afterExtension) {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    endsAt = Date.now() + seconds * 1000;
    if (share) { store(endsAt); }
    // A session that cannot be extended any more (a staff session near its maximum) is not warned again.
    if (!afterExtension || seconds > warningSeconds) {
      warnTimer = window.setTimeout(warn, Math.max(0, seconds - warningSeconds) * 1000);
    }
    endTimer = window.setTimeout(end, seconds * 1000 + 1000);
  }

  function laterElsewhere() {
    // Another tab extended the session (by minutes: pages opened a second apart differ by a second): follow it.
    var other = storedEnd();
    if (other > endsAt + SAME_END_MS) {
      schedule((other - Date.now()) / 1000, false);
      return true;
    }
    return false;
  }

  function warn() {
    if (laterElsewhere() || dialog.open) { return; }
    timeField.textContent = hhmm(new Date(endsAt));
    errorField.hidden = true;
    returnFocus = document.activeElement;
    dialog.showModal();
    extendButton.focus();
  }

  function close() {
    if (!dialog.open) { return; }
    closingOurselves = true;  // reset by the "close" event, which the browser fires later, not during close()
    dialog.close();
    if (returnFocus && typeof returnFocus.focus === "function" && document.contains(returnFocus)) {
      returnFocus.focus();
    }
  }

  function end() {
    if (laterElsewhere()) { close(); return; }
    window.location.reload();
  }

  function extend() {
    if (extending) { return; }
    extending = true;
    var body = new FormData();
    body.append("csrfmiddlewaretoken", token.value);
    window.fetch(extendUrl, {
      method: "POST", body: body, credentials: "same-origin", redirect: "manual",
      headers: {"X-CSRFToken": token.value, "Accept": "application/json"}
    }).then(function (response) {
      if (response.status !== 200) {
        // The session is over already (or the request was refused): the page, loaded again, says so.
        window.location.reload();
        return null;
      }
      return response.json().then(function (data) {
        schedule(data.seconds_left, true, true);
        close();
      });
    }).catch(function () {
      if (!dialog.open) { dialog.showModal(); }
      errorField.hidden = false;
      extendButton.focus();
    }).then(function () { extending = false; });
  }

  // The focus stays in the dialog: Tab after its last control goes back to the first, Shift+Tab the other way
  // (a modal <dialog> alone would let it leave for the browser's own controls).
  dialog.addEventListener("keydown", function (event) {
    if (event.key !== "Tab") { return; }
    var controls = Array.prototype.filter.call(
      dialog.querySelectorAll("button, [href], input:not([type=hidden]), select, textarea, [tabindex]"),
      function (element) { return !element.disabled && element.tabIndex >= 0 && element.getClientRects().length; }
    );
    if (!controls.length) { return; }
    var first = controls[0];
    var last = controls[controls.length - 1];
    if (event.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !dialog.contains(document.activeElement))) {
      event.preventDefault();
      first.focus();
    }
  });

  extendButton.addEventListener("click", extend);
  // Escape (the dialog's "cancel") keeps the session, as does any other way of closing it but the logout.
  dialog.addEventListener("cancel", function (event) { event.preventDefault(); extend(); });
  dialog.addEventListener("close", function () {
    if (closingOurselves) { closingOurselves = false; return; }
    extend();
  });
  form.addEventListener("submit", function () { closingOurselves = true; });
  window.addEventListener("storage", function (event) {
    if (event.key === STORE_KEY && dialog.open && laterElsewhere()) { close(); }
  });

  schedule(secondsLeft, true);
}());
