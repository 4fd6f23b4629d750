// Poll the status of versions that are still being made and show progress, then a link.
"use strict";
(function () {
  const rows = document.querySelectorAll(".document-row");
  const statusLabels = document.getElementById("status-labels");
  const kilobytes = new Intl.NumberFormat(document.documentElement.lang || "pl", { maximumFractionDigits: 1 });
  rows.forEach(function (row) {
    const status = row.dataset.status;
    if (status !== "queued" && status !== "rendering") return;
    const cell = row.querySelector(".doc-status");
    const poll = function () {
      fetch(row.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (doc) {
          const bar = cell.querySelector("progress");
          if (bar) bar.value = doc.progress;
          const step = cell.querySelector(".doc-step");
          if (step && statusLabels && statusLabels.dataset[doc.status]) step.textContent = statusLabels.dataset[doc.status];
          if (doc.status === "done") {
            const link = document.getElementById("download-template").content.firstElementChild.cloneNode(true);
            link.href = window.location.pathname.replace(/\/$/, "") + "/" + doc.id + "/download";
            cell.replaceChildren(link);
            row.dataset.status = "done";
            const sha = row.querySelector(".sha");
            if (sha && doc.sha256) sha.textContent = doc.sha256.slice(0, 12);
            const size = row.querySelector(".doc-size");
            if (size && doc.size) size.textContent = kilobytes.format(Math.round(doc.size / 102.4) / 10) + " KB";
          } else if (doc.status === "failed") {
            const label = document.createElement("span");
            label.className = "text-danger";
            label.textContent = document.getElementById("failed-label").textContent + " " + (doc.error || "");
            cell.replaceChildren(label);
            row.dataset.status = "failed";
          } else {
            window.setTimeout(poll, 1000);
          }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    };
    poll();
  });
})();
