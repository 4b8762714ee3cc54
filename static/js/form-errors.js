/* The error summary of a form (templates/includes/form_errors.html): it takes the focus when the page opens, so
   that a screen reader reads the errors first; its links move the focus to their field, its label in view.
   No inline script (CSP). */
(function () {
  "use strict";
  var summary = document.getElementById("resume-erreurs");
  if (!summary) { return; }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
    if (!link) { return; }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) { return; }
    event.preventDefault();
    var label = document.querySelector("label[for='" + field.id + "']");
    (label || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
