// Poll the status (GET /api/v1/documents/ID, JSON) of versions that are still being made: the bar and
// the worker's current step, then the downloads; then their PDF (made after the DOCX): a link, or why
// there is none. The newest-version panel (#latest) follows its row, so nothing on the page goes stale.
"use strict";
(function () {
  const rows = document.querySelectorAll(".document-row");
  const statusLabels = document.getElementById("status-labels");
  const stepLabels = document.getElementById("step-labels");
  const pdfLabels = document.getElementById("pdf-labels");
  const latest = document.getElementById("latest");
  const latestLabels = document.getElementById("latest-labels");
  const kilobytes = new Intl.NumberFormat(document.documentElement.lang || "pl", { maximumFractionDigits: 1 });
  const base = window.location.pathname.replace(/\/$/, "");
  const stepText = function (doc) {
    const key = String(doc.step || "").replace(/_/g, "-").replace(/-([a-z])/g, function (_m, c) { return c.toUpperCase(); });
    if (doc.status === "rendering" && stepLabels && stepLabels.dataset[key]) return stepLabels.dataset[key];
    return (statusLabels && statusLabels.dataset[doc.status]) || "";
  };
  const sizeText = function (doc) { return kilobytes.format(Math.round(doc.size / 102.4) / 10) + " KB"; };
  // Show the PDF's state in its span; true while it is still being made.
  const showPdf = function (span, doc) {
    if (!span || !pdfLabels) return false;
    span.dataset.pdfStatus = doc.pdf_status;
    if (doc.pdf_status === "ready") {
      const link = document.getElementById("pdf-ready-template").content.firstElementChild.cloneNode(true);
      link.href = base + "/" + doc.id + "/pdf";
      span.replaceChildren(link);
      return false;
    }
    const making = doc.pdf_status === "none" && doc.step === "pdf";
    const text = making ? pdfLabels.dataset.making : pdfLabels.dataset[doc.pdf_status];
    if (text) {
      const note = document.createElement("span");
      note.className = "small pdf-note " + (doc.pdf_status === "failed" ? "text-danger" : "text-secondary");
      note.textContent = text;
      span.replaceChildren(note);
    }
    return making;
  };
  // The newest-version panel, when this is its version.
  const showLatest = function (doc) {
    if (!latest || String(doc.id) !== latest.dataset.documentId) return;
    latest.dataset.status = doc.status;
    const bar = latest.querySelector(".doc-progress");
    if (bar) bar.value = doc.progress;
    const percent = latest.querySelector(".doc-percent");
    if (percent) percent.textContent = doc.progress;
    const step = latest.querySelector(".doc-step-label");
    if (step) step.textContent = stepText(doc);
    const heading = document.getElementById("latest-h");
    if (heading && latestLabels && latestLabels.dataset[doc.status]) heading.textContent = latestLabels.dataset[doc.status];
    if (doc.status !== "done" && doc.status !== "failed") return;
    latest.querySelector(".latest-progress").hidden = true;
    if (doc.status === "done") {
      latest.querySelector(".latest-downloads").hidden = false;
      const size = latest.querySelector(".doc-size");
      if (size && doc.size) size.textContent = sizeText(doc);
      showPdf(latest.querySelector(".doc-pdf"), doc);
    } else {
      const error = latest.querySelector(".latest-error");
      error.textContent = doc.error || "";
      error.hidden = false;
    }
  };
  const fetchStatus = function (row) {
    return fetch(row.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); });
  };
  const pollPdf = function (row, span) {
    fetchStatus(row)
      .then(function (doc) {
        const making = showPdf(span, doc);
        showLatest(doc);
        if (making) window.setTimeout(function () { pollPdf(row, span); }, 1000);
      })
      .catch(function () { window.setTimeout(function () { pollPdf(row, span); }, 3000); });
  };
  rows.forEach(function (row) {
    const status = row.dataset.status;
    const pdfSpan = row.querySelector(".doc-pdf");
    if (status === "done" && pdfSpan && pdfSpan.querySelector(".pdf-note") && pdfSpan.dataset.pdfStatus === "none") {
      pollPdf(row, pdfSpan);  // the page was opened while the PDF was being made
    }
    if (status !== "queued" && status !== "rendering") return;
    const cell = row.querySelector(".doc-status");
    const poll = function () {
      fetchStatus(row)
        .then(function (doc) {
          showLatest(doc);
          const bar = cell.querySelector("progress");
          if (bar) bar.value = doc.progress;
          const step = cell.querySelector(".doc-step");
          if (step) step.textContent = stepText(doc);
          if (doc.status === "done") {
            const link = document.getElementById("download-template").content.firstElementChild.cloneNode(true);
            link.href = base + "/" + doc.id + "/download";
            const pdf = document.createElement("span");
            pdf.className = "doc-pdf";
            cell.replaceChildren(link, " ", pdf);
            if (showPdf(pdf, doc)) pollPdf(row, pdf);
            row.dataset.status = "done";
            const sha = row.querySelector(".sha");
            if (sha && doc.sha256) {
              sha.textContent = doc.sha256;
              sha.closest("details").hidden = false;
            }
            const size = row.querySelector(".doc-size");
            if (size && doc.size) size.textContent = sizeText(doc);
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
