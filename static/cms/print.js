// The printable guide's "Imprimer" button (a file: the CSP forbids inline scripts).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-portail-print]")) {
    window.print();
  }
});
