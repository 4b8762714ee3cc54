/* Progress of a reconciliation job: polls its JSON status until it is finished (no inline script: CSP). */
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.getAttribute("data-finished") === "1") { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("job-progress");
  var label = document.getElementById("job-status");
  var list = document.getElementById("job-messages");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.value = data.percent;
        bar.textContent = data.percent + " %";
        label.textContent = data.status_label;
        var heading = document.querySelector("#content h1");
        if (heading && data.title && heading.textContent !== data.title) {
          // The page is titled by the job's state ("Traitement en attente" → "Traitement en cours").
          document.title = document.title.replace(heading.textContent, data.title);
          heading.textContent = data.title;
        }
        if (data.finished) {
          list.textContent = "";
          data.messages.forEach(function (message) {
            var item = document.createElement("li");
            item.textContent = message;
            list.appendChild(item);
          });
          window.location.reload();
          return;
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
