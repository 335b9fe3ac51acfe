// Follows an import run while it works: polls its progress and reloads the page when it ends.
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
      text.textContent = "Lost touch with the server; retrying…";
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
    const verb = progress.stage === "writing" ? "Writing" : "Checking";
    const total = progress.rows_total ? ` of about ${progress.rows_total.toLocaleString()}` : "";
    text.textContent = `${verb}: ${progress.rows_done.toLocaleString()}${total} rows`;
    setTimeout(poll, 1500);
  };
  setTimeout(poll, 700);
}
