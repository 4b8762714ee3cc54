/* "Sélectionnez votre banque": filters the bank list as the user types (no inline script: CSP).
   Without this script the search is the page's GET form; the list, the data-search keys and the
   messages all come from the server (transfers.selectors.bank_choices, search_key). */
(function () {
  "use strict";
  var form = document.getElementById("bank-search-form");
  var input = document.getElementById("id_q");
  var status = document.getElementById("bank-count");
  var choice = document.getElementById("bank-choice");
  var list = document.getElementById("bank-list");
  if (!form || !input || !status || !choice || !list) { return; }
  var items = Array.prototype.slice.call(list.querySelectorAll("li[data-search]"));
  var ANNOUNCE_DELAY_MS = 400;  // one announcement when typing pauses, not one per key
  var timer = null;

  // Same as search_key() on the server (permits.registration.normalize_name): lower case, no accents,
  // spaces, hyphens, dashes and commas as single spaces.
  function searchKey(text) {
    return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()
      .replace(/[\s\-\u2010\u2011\u2012\u2013\u2014,]+/g, " ").trim();
  }

  function message(query, shown) {
    if (!query) {
      return (shown === 1 ? status.dataset.allOne : status.dataset.allMany).replace("{n}", shown);
    }
    if (shown === 0) { return status.dataset.none; }
    return (shown === 1 ? status.dataset.one : status.dataset.many).replace("{n}", shown);
  }

  function filter() {
    var query = searchKey(input.value);
    var shown = 0;
    items.forEach(function (item) {
      var match = item.getAttribute("data-search").indexOf(query) !== -1;
      item.hidden = !match;
      if (match) { shown += 1; }
    });
    choice.hidden = shown === 0;
    return { query: query, shown: shown };
  }

  function keepInAddress() {
    // A reload or the back button shows the same list, filtered by the server.
    if (!window.history || !window.history.replaceState) { return; }
    var url = new URL(window.location.href);
    if (input.value.trim()) { url.searchParams.set("q", input.value.trim()); } else { url.searchParams.delete("q"); }
    window.history.replaceState(window.history.state, "", url.toString());
  }

  function update(now) {
    var result = filter();
    window.clearTimeout(timer);
    var announce = function () { status.textContent = message(result.query, result.shown); };
    if (now) { announce(); } else { timer = window.setTimeout(announce, ANNOUNCE_DELAY_MS); }
    keepInAddress();
  }

  input.addEventListener("input", function () { update(false); });
  form.addEventListener("submit", function (event) {
    // Already filtered in place: Enter or "Rechercher" only announces the count at once.
    event.preventDefault();
    update(true);
  });
  // Filter what the server rendered for the current value (a bank list shown after a search).
  filter();
})();
