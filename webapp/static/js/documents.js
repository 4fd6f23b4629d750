// Poll the status of versions that are still being made and show progress, then a link;
// then their PDF (made after the DOCX): a link, or why there is none.
"use strict";
(function () {
  const rows = document.querySelectorAll(".document-row");
  const statusLabels = document.getElementById("status-labels");
  const pdfLabels = document.getElementById("pdf-labels");
  const kilobytes = new Intl.NumberFormat(document.documentElement.lang || "pl", { maximumFractionDigits: 1 });
  const base = window.location.pathname.replace(/\/$/, "");
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
  const pollPdf = function (row, span) {
    fetch(row.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (doc) { if (showPdf(span, doc)) window.setTimeout(function () { pollPdf(row, span); }, 1000); })
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
      fetch(row.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (doc) {
          const bar = cell.querySelector("progress");
          if (bar) bar.value = doc.progress;
          const step = cell.querySelector(".doc-step");
          if (step && statusLabels && statusLabels.dataset[doc.status]) step.textContent = statusLabels.dataset[doc.status];
          if (doc.status === "done") {
            const link = document.getElementById("download-template").content.firstElementChild.cloneNode(true);
            link.href = base + "/" + doc.id + "/download";
            const pdf = document.createElement("span");
            pdf.className = "doc-pdf";
            cell.replaceChildren(link, " ", pdf);
            if (showPdf(pdf, doc)) pollPdf(row, pdf);
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
