// The decision form (templates/monitoring/alert.html): with « Accepter » or « Refuser » chosen, only the reasons
// that go with it are offered (their group in « Motif »). Without this script every reason is listed, grouped, and
// the server refuses a reason that does not fit (monitoring.forms.DecisionForm).
(function () {
  "use strict";
  var form = document.querySelector(".monitoring-decision");
  if (!form) { return; }
  var select = form.querySelector("select[name=reason]");
  var radios = form.querySelectorAll("input[name=decision]");
  function update() {
    var checked = form.querySelector("input[name=decision]:checked");
    if (!checked) { return; }
    var wanted = checked.closest("label").textContent.trim();
    Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
      var fits = group.label === wanted;
      group.hidden = !fits;
      group.disabled = !fits;
      if (!fits && select.selectedOptions.length && select.selectedOptions[0].parentNode === group) {
        select.value = "";
      }
    });
  }
  Array.prototype.forEach.call(radios, function (radio) { radio.addEventListener("change", update); });
  update();
})();
