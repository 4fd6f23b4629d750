// The section editor: builds the content (JSON) from the inputs, adds and removes rows,
// previews Markdown, keeps a draft in localStorage and saves with fetch, so that a failed
// save (network, expired session, conflict, refused content) never loses what was typed.
// No inline code anywhere: the CSP allows scripts from this site only.
"use strict";

(function () {
  const form = document.getElementById("section-editor");
  if (!form) return;

  const messages = JSON.parse(document.getElementById("editor-messages").textContent);
  const kind = form.dataset.kind;
  const baseField = form.querySelector("input[name=base_revision]");
  const contentField = form.querySelector("input[name=content]");
  const csrfToken = form.querySelector("input[name=csrf_token]").value;
  const statusBox = document.getElementById("save-status");
  const retryButton = document.getElementById("retry-button");
  const saveButton = document.getElementById("save-button");
  const conflictArea = document.getElementById("conflict-area");
  const draftPrefix = "studio-draft:" + form.dataset.cluster + "/" + form.dataset.section + "/";
  const lang = document.documentElement.lang || "pl";

  // Times as the agency reads them (TIMEZONE, set on <html>), not in this computer's zone.
  function agencyTime(moment, language) {
    try {
      return moment.toLocaleString(language, { timeZone: document.documentElement.dataset.timeZone });
    } catch (error) {
      return moment.toLocaleString(language); // a zone this browser does not know
    }
  }

  // --- content from the inputs, and back ----------------------------------------------

  function rowsOf(container) {
    return Array.from(container.children).filter((el) => el.matches("[data-row]"));
  }

  function fieldsOf(row) {
    return Array.from(row.querySelectorAll("[data-field]")).filter((el) => el.closest("[data-row]") === row);
  }

  function listsOf(row) {
    return Array.from(row.querySelectorAll("[data-items]")).filter(
      (el) => el.parentElement.closest("[data-row]") === row
    );
  }

  function collect(container) {
    return rowsOf(container).map((row) => {
      const item = {};
      fieldsOf(row).forEach((el) => {
        item[el.dataset.field] = el.value;
      });
      listsOf(row).forEach((list) => {
        item[list.dataset.items] = collect(list);
      });
      return item;
    });
  }

  function topList() {
    return form.querySelector("[data-items]");
  }

  // The formatted editor (static/vendor/editor.js) writes its Markdown into the textarea;
  // `flush` makes it do so now, `load` puts new Markdown into it.
  function textArea() {
    const area = form.querySelector("[data-text]");
    if (area.wysiwyg) area.wysiwyg.flush();
    return area;
  }

  function build() {
    if (kind === "text") return textArea().value;
    if (kind === "swot") {
      const content = {};
      form.querySelectorAll("[data-swot]").forEach((el) => {
        content[el.dataset.swot] = el.value.split("\n").map((s) => s.trim()).filter(Boolean);
      });
      return content;
    }
    return collect(topList());
  }

  function setValue(el, value) {
    const text = value === null || value === undefined ? "" : String(value);
    if (el.tagName === "SELECT" && text && !Array.from(el.options).some((o) => o.value === text)) {
      el.add(new Option(text, text)); // a value not among the choices is kept, not lost
    }
    el.value = text;
  }

  function newRow(list) {
    const template = document.getElementById(list.dataset.template);
    const row = template.content.firstElementChild.cloneNode(true);
    list.appendChild(row);
    return row;
  }

  function fillList(list, items) {
    rowsOf(list).forEach((row) => row.remove());
    (Array.isArray(items) ? items : []).forEach((item) => {
      const row = newRow(list);
      fieldsOf(row).forEach((el) => setValue(el, item ? item[el.dataset.field] : ""));
      listsOf(row).forEach((nested) => fillList(nested, item ? item[nested.dataset.items] : []));
    });
  }

  function fill(content) {
    if (kind === "text") {
      const area = textArea();
      const text = typeof content === "string" ? content : "";
      if (area.wysiwyg) area.wysiwyg.load(text);
      else area.value = text;
    } else if (kind === "swot") {
      form.querySelectorAll("[data-swot]").forEach((el) => {
        const items = content && Array.isArray(content[el.dataset.swot]) ? content[el.dataset.swot] : [];
        el.value = items.join("\n");
      });
    } else {
      fillList(topList(), content);
      showObjectives();
    }
    changed();
  }

  // --- status line ---------------------------------------------------------------------

  function say(text, tone) {
    statusBox.textContent = text;
    statusBox.className = "small text-" + (tone || "secondary");
    statusBox.dataset.tone = tone || "";
  }

  // --- budget total (action plan) -------------------------------------------------------

  const totalBox = document.getElementById("budget-total");
  const money = new Intl.NumberFormat(lang === "en" ? "en-GB" : "pl-PL", { style: "currency", currency: "PLN" });

  // A typed amount ("1 000 000,50", "125000.5 zł") as a number; null when it is none.
  function parseAmount(text) {
    const cleaned = String(text).replace(/[\s\u00a0\u202f]/g, "").replace(/(zł|zl|pln)\.?$/i, "").replace(",", ".");
    if (!cleaned || !/^-?\d+(\.\d+)?$/.test(cleaned)) return null;
    return Number(cleaned);
  }

  // As people write it in Poland, the one form the server reads without doubt ("1 000 000,50").
  function amountForInput(value) {
    const [whole, fraction] = Math.abs(value).toFixed(2).split(".");
    return (value < 0 ? "-" : "") + whole.replace(/\B(?=(\d{3})+(?!\d))/g, " ") + "," + fraction;
  }

  function amount(text) {
    const cleaned = String(text).replace(/[\s\u00a0\u202f]/g, "").replace(/(zł|zl|pln)\.?$/i, "").replace(",", ".");
    const value = Number(cleaned);
    return cleaned && Number.isFinite(value) ? value : 0;
  }

  function updateTotal() {
    if (!totalBox) return;
    let sum = 0;
    form.querySelectorAll("[data-field=budget_pln]").forEach((el) => {
      sum += amount(el.value);
    });
    totalBox.textContent = money.format(sum);
  }

  // --- live preview (text) --------------------------------------------------------------

  const previewBox = document.getElementById("preview");
  let previewTimer = null;
  let previewSeq = 0;

  async function refreshPreview() {
    const seq = ++previewSeq;
    try {
      const response = await fetch(form.dataset.previewUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken },
        body: JSON.stringify({ text: build() }),
      });
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      // Sanitised on the server (nh3); only the newest answer is shown.
      if (seq === previewSeq) previewBox.innerHTML = data.html;
    } catch (error) {
      if (seq === previewSeq) previewBox.dataset.stale = "true";
    }
  }

  function schedulePreview() {
    // Hidden behind the formatted editor: no request per keystroke for a preview nobody sees.
    if (!previewBox || previewBox.offsetParent === null) return;
    clearTimeout(previewTimer);
    previewTimer = setTimeout(refreshPreview, 400);
  }

  // --- drafts in this browser -------------------------------------------------------------

  let initial = JSON.stringify(build());
  let draftTimer = null;

  function drafts() {
    const found = [];
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (!key || !key.startsWith(draftPrefix)) continue;
      try {
        const draft = JSON.parse(localStorage.getItem(key));
        found.push(Object.assign({ key: key }, draft));
      } catch (error) {
        localStorage.removeItem(key);
      }
    }
    return found.sort((a, b) => (b.savedAt || 0) - (a.savedAt || 0));
  }

  function clearDrafts() {
    try {
      drafts().forEach((draft) => localStorage.removeItem(draft.key));
    } catch (error) {
      /* storage switched off: nothing to clear */
    }
  }

  let leaving = false; // saved: the page reloads, and must not write the old text back

  function storeDraft() {
    clearTimeout(draftTimer);
    if (leaving) return;
    const content = build();
    const json = JSON.stringify(content);
    const key = draftPrefix + baseField.value;
    try {
      if (json === initial) {
        localStorage.removeItem(key);
      } else {
        const draft = { content: content, revision: Number(baseField.value), savedAt: Date.now() };
        localStorage.setItem(key, JSON.stringify(draft));
      }
    } catch (error) {
      /* storage full or switched off: the editor still works, only without a draft */
    }
  }

  function changed() {
    clearTimeout(draftTimer);
    draftTimer = setTimeout(storeDraft, 300);
    schedulePreview();
    updateTotal();
  }

  function offerDraft() {
    const banner = document.getElementById("draft-banner");
    let found;
    try {
      found = drafts();
    } catch (error) {
      return;
    }
    const draft = found.find((d) => JSON.stringify(d.content) !== initial);
    found.filter((d) => d !== draft && JSON.stringify(d.content) === initial).forEach((d) => localStorage.removeItem(d.key));
    if (!draft || !banner) return;
    banner.querySelector(".draft-when").textContent = agencyTime(new Date(draft.savedAt || Date.now()), lang);
    banner.querySelector(".draft-revision").textContent = String(draft.revision);
    banner.hidden = false;
    document.getElementById("draft-restore").addEventListener("click", () => {
      fill(draft.content);
      // The draft was written on its own revision: saving merges it with what came since.
      baseField.value = String(draft.revision);
      banner.hidden = true;
      say(messages.restored, "success");
      storeDraft();
    });
    document.getElementById("draft-discard").addEventListener("click", () => {
      clearDrafts();
      banner.hidden = true;
    });
  }

  // --- saving -----------------------------------------------------------------------------

  let saving = false;
  let lastAttempt = null;

  function clearInvalid() {
    form.querySelectorAll(".is-invalid").forEach((el) => el.classList.remove("is-invalid"));
    form.querySelectorAll("[data-feedback]").forEach((el) => {
      el.textContent = "";
    });
  }

  // The message beside the field itself, not only in the status line.
  function flag(target, message) {
    target.classList.add("is-invalid");
    const box = target.parentElement && target.parentElement.querySelector("[data-feedback]");
    if (box && message) box.textContent = message;
  }

  // --- checks made before sending (structured kinds): every problem at once, at its field ---

  function problems() {
    const found = [];
    if (kind === "action_plan") {
      rowsOf(topList()).forEach((row) => {
        const field = (name) => fieldsOf(row).find((el) => el.dataset.field === name);
        const start = field("start");
        const end = field("end");
        if (start && end && start.value && end.value && end.value < start.value) {
          found.push([end, messages.endBeforeStart]);
        }
        const budget = field("budget_pln");
        if (budget && budget.value.trim()) {
          const value = parseAmount(budget.value);
          if (value === null) found.push([budget, messages.badAmount]);
          else if (value < 0) found.push([budget, messages.negativeAmount]);
        }
      });
    } else if (kind === "kpi") {
      form.querySelectorAll("[data-field=year]").forEach((year) => {
        const text = year.value.trim();
        if (text && !(/^\d{4}$/.test(text) && Number(text) >= 1990 && Number(text) <= 2100)) {
          found.push([year, messages.badYear]);
        }
      });
    }
    return found;
  }

  function refuseProblems(found) {
    found.forEach(([el, message]) => flag(el, message));
    say(messages.fixFields.replace("{n}", String(found.length)), "danger");
    found[0][0].focus();
  }

  function markInvalid(path, message) {
    if (path === undefined || path === null) return;
    let target = null;
    if (kind === "text") {
      target = form.querySelector("[data-text]");
    } else if (kind === "swot") {
      target = form.querySelector('[data-swot="' + path.split("[")[0] + '"]');
    } else {
      const steps = Array.from(path.matchAll(/(\w+)\[(\d+)\]/g));
      const field = (path.match(/\.(\w+)$/) || [])[1];
      let list = topList();
      let row = null;
      for (const step of steps) {
        if (!list) break;
        row = rowsOf(list)[Number(step[2])] || null;
        if (!row) break;
        const next = steps[steps.indexOf(step) + 1];
        list = next ? listsOf(row).find((l) => l.dataset.items === next[1]) : null;
      }
      if (row) target = field ? fieldsOf(row).find((el) => el.dataset.field === field) || row : row;
    }
    if (target) {
      flag(target, message);
      if (typeof target.focus === "function") target.focus();
    }
  }

  function failed(text, tone) {
    saving = false;
    saveButton.disabled = false;
    retryButton.hidden = false;
    say(text, tone || "danger");
  }

  function showConflict(data) {
    conflictArea.innerHTML = data.html; // rendered and escaped on the server
    const editBoth = conflictArea.querySelector("[data-edit-both]");
    if (editBoth) {
      editBoth.hidden = false;
      editBoth.addEventListener("click", () => {
        fill(data.both);
        baseField.value = String(data.revision); // the combination already holds theirs
        conflictArea.replaceChildren();
        say(messages.combined, "success");
        storeDraft();
      });
    }
    conflictArea.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  // --- suggest mode: the edit becomes a proposal (POST …/proposals) instead of a save ------

  const suggestBox = document.getElementById("suggest-mode");
  const suggestNote = document.getElementById("suggest-note");

  function suggesting() {
    return Boolean(suggestBox && suggestBox.checked);
  }

  function showMode() {
    const on = suggesting();
    saveButton.textContent = on ? saveButton.dataset.suggestLabel : saveButton.dataset.saveLabel;
    const noteRow = document.getElementById("suggest-note-row");
    if (noteRow) noteRow.hidden = !on;
    form.dataset.suggesting = on ? "true" : "false";
  }

  async function propose() {
    saving = true;
    lastAttempt = [form, null];
    saveButton.disabled = true;
    retryButton.hidden = true;
    clearInvalid();
    storeDraft();
    say(messages.proposing, "secondary");
    const body = { content: build(), base_revision: Number(baseField.value) };
    const note = suggestNote ? suggestNote.value.trim() : "";
    if (note) body.note = note;
    let response;
    try {
      response = await fetch(suggestBox.dataset.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken },
        body: JSON.stringify(body),
      });
    } catch (error) {
      failed(messages.network);
      return;
    }
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
    if (response.status === 201 && data && data.id) {
      leaving = true;
      clearTimeout(draftTimer);
      clearDrafts();
      try {
        sessionStorage.setItem("studio-notice", JSON.stringify({ text: messages.proposed, merged: false }));
      } catch (error) {
        /* no notice after the reload, the proposal itself went through */
      }
      window.location.hash = "proposal-" + data.id;
      window.location.reload();
      return;
    }
    if (response.status === 401) {
      failed(messages.signedOut);
      return;
    }
    const message = data && data.error && data.error.message;
    failed(message || (response.status === 400 ? messages.expired : messages.failed.replace("{status}", String(response.status))));
  }

  async function save(sourceForm, submitter) {
    if (saving) return;
    if ((sourceForm || form) === form) {
      clearInvalid();
      const found = problems();
      if (found.length) {
        refuseProblems(found);
        return;
      }
    }
    if (suggesting() && (sourceForm || form) === form) {
      await propose();
      return;
    }
    saving = true;
    lastAttempt = [sourceForm, submitter];
    saveButton.disabled = true;
    retryButton.hidden = true;
    clearInvalid();
    storeDraft();
    say(messages.saving, "secondary");
    const target = sourceForm || form;
    target.querySelector("input[name=content]").value = JSON.stringify(build());
    const body = new FormData(target);
    if (submitter && submitter.name) body.set(submitter.name, submitter.value);
    let response;
    try {
      response = await fetch(target.action, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
    } catch (error) {
      failed(messages.network);
      return;
    }
    let data = null;
    if ((response.headers.get("Content-Type") || "").includes("application/json")) {
      try {
        data = await response.json();
      } catch (error) {
        data = null;
      }
    }
    if (response.ok && data && data.status === "saved") {
      leaving = true;
      clearTimeout(draftTimer);
      clearDrafts();
      try {
        sessionStorage.setItem("studio-notice", JSON.stringify({ text: data.message, merged: data.merged }));
      } catch (error) {
        /* no notice after the reload, the save itself went through */
      }
      window.location.assign(data.url);
      return;
    }
    if ((data && data.status === "signed_out") || (response.redirected && /\/login/.test(response.url))) {
      failed(messages.signedOut);
      return;
    }
    if (data && data.status === "conflict") {
      saving = false;
      saveButton.disabled = false;
      say(messages.conflict, "warning");
      showConflict(data);
      return;
    }
    if (data && data.message) {
      failed(data.message);
      if (data.status === "invalid") markInvalid(data.field, data.message);
      return;
    }
    failed(response.status === 400 ? messages.expired : messages.failed.replace("{status}", String(response.status)));
  }

  // --- wiring -----------------------------------------------------------------------------

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save(form, null);
  });
  // The conflict view's choices post from their own form, with the editor's current text.
  document.addEventListener("submit", (event) => {
    const target = event.target;
    if (!(target instanceof HTMLFormElement) || !target.matches(".resolve-form")) return;
    event.preventDefault();
    save(target, event.submitter);
  });
  retryButton.addEventListener("click", () => {
    if (lastAttempt) save(lastAttempt[0], lastAttempt[1]);
  });
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault();
      save(form, null);
    }
  });
  form.addEventListener("click", (event) => {
    const add = event.target.closest("[data-add]");
    if (add) {
      const scope = add.closest("[data-row]") || form;
      const list = scope.querySelector('[data-items="' + add.dataset.add + '"]');
      if (list) {
        const row = newRow(list);
        const first = row.querySelector("input:not([type=hidden]), textarea, select");
        if (first) first.focus();
        changed();
      }
      return;
    }
    const remove = event.target.closest("[data-remove]");
    if (remove) {
      const row = remove.closest("[data-row]");
      if (row) {
        row.remove();
        changed();
      }
    }
  });
  // --- the action plan's objective in full, budgets shown as money -----------------------

  function showObjectives() {
    form.querySelectorAll("select[data-field=objective_id]").forEach((select) => {
      const box = select.closest("div").querySelector("[data-objective-full]");
      if (!box) return;
      const option = select.options[select.selectedIndex];
      box.textContent = option && option.value ? option.text : "";
    });
  }
  form.addEventListener("change", (event) => {
    if (event.target.matches && event.target.matches("select[data-field=objective_id]")) showObjectives();
  });
  form.addEventListener(
    "blur",
    (event) => {
      const el = event.target;
      if (!el.matches || !el.matches("[data-field=budget_pln]")) return;
      const value = parseAmount(el.value);
      if (value !== null && value >= 0 && el.value !== amountForInput(value)) {
        el.value = amountForInput(value);
        changed();
      }
    },
    true
  );

  // --- order: move buttons, Alt+↑ / Alt+↓ (rows; lines of a SWOT list) -------------------

  function moveRow(row, direction) {
    const sibling = direction === "up" ? row.previousElementSibling : row.nextElementSibling;
    if (!sibling || !sibling.matches("[data-row]")) return false;
    if (direction === "up") sibling.before(row);
    else sibling.after(row);
    changed();
    return true;
  }

  function moveLine(area, direction) {
    const lines = area.value.split("\n");
    const at = area.value.slice(0, area.selectionStart).split("\n").length - 1;
    const to = direction === "up" ? at - 1 : at + 1;
    if (to < 0 || to >= lines.length) return;
    const column = area.selectionStart - area.value.slice(0, area.selectionStart).lastIndexOf("\n") - 1;
    [lines[at], lines[to]] = [lines[to], lines[at]];
    area.value = lines.join("\n");
    const caret = lines.slice(0, to).join("\n").length + (to ? 1 : 0) + Math.min(column, lines[to].length);
    area.setSelectionRange(caret, caret);
    changed();
  }

  form.addEventListener("click", (event) => {
    const move = event.target.closest("[data-move]");
    if (!move) return;
    const row = move.closest("[data-row]");
    if (row && moveRow(row, move.dataset.move)) move.focus();
  });
  form.addEventListener("keydown", (event) => {
    if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
    const direction = event.key === "ArrowUp" ? "up" : "down";
    if (event.target.matches && event.target.matches("[data-swot]")) {
      event.preventDefault();
      moveLine(event.target, direction);
      return;
    }
    const row = event.target.closest && event.target.closest("[data-row]");
    if (!row) return;
    event.preventDefault();
    const focused = event.target;
    if (moveRow(row, direction)) focused.focus();
  });

  window.addEventListener("pagehide", storeDraft);
  document.addEventListener("section:revision", (event) => {
    const newer = document.getElementById("newer-notice");
    if (newer) newer.hidden = !(event.detail && event.detail.revision > Number(baseField.value));
  });

  // A conflict view rendered by the server (no script at save time) offers the combination too.
  const serverConflict = conflictArea.querySelector("[data-edit-both]");
  if (serverConflict) serverConflict.hidden = true;

  // What the last save said, across the reload that shows the new revision.
  try {
    const notice = JSON.parse(sessionStorage.getItem("studio-notice") || "null");
    sessionStorage.removeItem("studio-notice");
    const box = document.getElementById("save-notice");
    if (notice && box) {
      box.textContent = notice.text;
      box.dataset.merged = notice.merged ? "true" : "false";
      box.classList.toggle("alert-info", Boolean(notice.merged));
      box.classList.toggle("alert-success", !notice.merged);
      box.hidden = false;
    }
  } catch (error) {
    /* no notice to show */
  }

  if (suggestBox) {
    suggestBox.addEventListener("change", showMode);
    showMode();
  }
  updateTotal();
  showObjectives();
  offerDraft();
})();
