// Follows an import run while it works: polls its progress and reloads the page when it ends.
import { format, gettext, intlLocale } from "../web/i18n.js";

const box = document.querySelector(".progress[data-url]");
if (box) {
  const bar = document.getElementById("run-progress");
  const text = document.getElementById("run-progress-text");
  const status = document.getElementById("run-status");

  const poll = async () => {
    let progress;
    try {
      const response = await fetch(box.dataset.url, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(response.statusText);
      progress = await response.json();
    } catch {
      text.textContent = gettext("Lost touch with the server; retrying…");
      setTimeout(poll, 5000);
      return;
    }
    // The column plan is known from the file's first rows: the page shows it while the rest is checked.
    if (progress.finished || (progress.column_plan && !document.querySelector(".column-plan"))) {
      window.location.replace(progress.url);
      return;
    }
    status.textContent = progress.status_label;
    if (progress.rows_total) bar.max = progress.rows_total;
    bar.value = progress.rows_done;
    const values = {
      done: progress.rows_done.toLocaleString(intlLocale()),
      total: (progress.rows_total || 0).toLocaleString(intlLocale()),
    };
    const writing = progress.stage === "writing";
    let words;
    if (progress.unit === "features") {
      // A map layer (boundaries, roads) counts its features; its total is exact, read from the file.
      if (progress.rows_total) {
        words = writing
          ? gettext("Writing: %(done)s of %(total)s features")
          : gettext("Checking: %(done)s of %(total)s features");
      } else {
        words = writing ? gettext("Writing: %(done)s features") : gettext("Checking: %(done)s features");
      }
    } else if (progress.rows_total) {
      words = writing
        ? gettext("Writing: %(done)s of about %(total)s rows")
        : gettext("Checking: %(done)s of about %(total)s rows");
    } else {
      words = writing ? gettext("Writing: %(done)s rows") : gettext("Checking: %(done)s rows");
    }
    text.textContent = format(words, values);
    setTimeout(poll, 1500);
  };
  setTimeout(poll, 700);
}
