// A "Print" button that appears only when JavaScript runs (it is hidden in the HTML): used for recovery codes.
for (const button of document.querySelectorAll("button[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
