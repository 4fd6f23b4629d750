// The formatted editor of text sections (Tiptap 3 + @tiptap/markdown), built into
// webapp/static/vendor/editor.js by `make assets`. It enhances the Markdown textarea:
// without this script the textarea is the editor; with it, the textarea stays the form
// field and receives the Markdown (static/js/editor.js reads it, saves, keeps drafts).
// Only what the studio's Markdown dialect renders can be made: no raw HTML, no images,
// no underline, no colours. Labels come from the page (translated there).
import { Editor, Extension } from "@tiptap/core";
import StarterKit from "@tiptap/starter-kit";
import { TableKit, TableCell, TableHeader } from "@tiptap/extension-table";
import { Placeholder } from "@tiptap/extensions";
import { Markdown, MarkdownManager } from "@tiptap/markdown";
import { cleanPastedHtml } from "./paste.js";
import { Keeper } from "./keeper.js";

// The studio's Markdown has no raw HTML (the server shows it as text): the editor does the same,
// and never turns such text into live elements of the page (it would run their handlers).
MarkdownManager.prototype.parseHTMLToken = function literalHtml(token) {
  const html = token.text || token.raw || "";
  return html.trim() ? this.htmlAsLiteralText(html, !!token.block) : null;
};

const ALIGNS = ["left", "center", "right"];
const MODE_KEY = "studio-editor-mode";

// Alignment as a data attribute: the CSP forbids style attributes (the default writes one).
const alignAttribute = {
  default: null,
  parseHTML: (el) => {
    const value = (el.getAttribute("data-align") || el.style.textAlign || el.getAttribute("align") || "").toLowerCase();
    return ALIGNS.includes(value) ? value : null;
  },
  renderHTML: (attrs) => (ALIGNS.includes(attrs.align) ? { "data-align": attrs.align } : {}),
};
const Cell = TableCell.extend({
  addAttributes() {
    return { ...this.parent?.(), align: alignAttribute };
  },
});
const Header = TableHeader.extend({
  addAttributes() {
    return { ...this.parent?.(), align: alignAttribute };
  },
});

function allowedLink(url) {
  return /^(https?:\/\/|mailto:)/i.test(String(url).trim());
}

function normaliseLink(text) {
  const url = String(text).trim();
  if (!url) return "";
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return url;
  if (/^[^\s@/]+@[^\s@/]+\.[^\s@/]+$/.test(url)) return "mailto:" + url;
  return "https://" + url.replace(/^\/+/, "");
}

function element(tag, attrs, children) {
  const el = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([name, value]) => {
    if (value === false || value === null || value === undefined) return;
    if (name === "text") el.textContent = value;
    else el.setAttribute(name, value === true ? "" : value);
  });
  (children || []).forEach((child) => el.appendChild(child));
  return el;
}

// Which cells of the current column the alignment applies to (Markdown aligns whole columns).
function alignColumn(editor, align) {
  const { state } = editor;
  const { $from } = state.selection;
  let depth = $from.depth;
  while (depth > 0 && !["tableCell", "tableHeader"].includes($from.node(depth).type.name)) depth--;
  if (depth < 3) return false;
  const column = $from.index(depth - 1);
  const tablePos = $from.before(depth - 2);
  const table = $from.node(depth - 2);
  const tr = state.tr;
  let rowPos = tablePos + 1;
  table.forEach((row) => {
    let cellPos = rowPos + 1;
    row.forEach((cell, _offset, index) => {
      if (index === column) tr.setNodeMarkup(cellPos, undefined, { ...cell.attrs, align: align });
      cellPos += cell.nodeSize;
    });
    rowPos += row.nodeSize;
  });
  editor.view.dispatch(tr);
  return true;
}

function tableAlign(editor) {
  const { $from } = editor.state.selection;
  for (let depth = $from.depth; depth > 0; depth--) {
    const node = $from.node(depth);
    if (["tableCell", "tableHeader"].includes(node.type.name)) return node.attrs.align || "left";
  }
  return null;
}

function mount(area, labels) {
  const form = area.form;
  const host = document.getElementById(area.dataset.wysiwyg);
  const source = document.getElementById(area.dataset.wysiwygSource);
  if (!host || !source) return;

  let editor = null;
  let keeper = null;
  let dirty = false;
  let timer = null;
  let mode = "rich";
  const buttons = [];
  const shortcutHint = (keys) => (keys ? " (" + keys + ")" : "");

  const toolbar = element("div", { class: "wysiwyg-toolbar", role: "toolbar", "aria-label": labels.toolbar, "aria-controls": "wysiwyg-editor" });
  const tableGroup = element("div", { class: "wysiwyg-group wysiwyg-table-tools", role: "group", "aria-label": labels.table, hidden: true });
  const linkBar = element("div", { class: "wysiwyg-linkbar", hidden: true });
  const surface = element("div", { class: "wysiwyg-surface" });
  const help = element("p", { class: "form-text wysiwyg-help", id: "wysiwyg-help", text: labels.help });

  function button(group, spec) {
    const b = element("button", {
      type: "button",
      class: "btn btn-sm btn-light wysiwyg-button",
      "data-command": spec.name,
      // A glyph that reads as text ("H1") starts the name too: what is seen is what is said.
      "aria-label": (/[A-Za-z0-9]/.test(spec.glyph) && spec.glyph.length > 1 ? spec.glyph + " – " : "") + labels[spec.name] + shortcutHint(spec.keys),
      title: labels[spec.name] + shortcutHint(spec.keys),
      tabindex: "-1",
      "aria-pressed": spec.active ? "false" : null,
    });
    b.appendChild(element("span", { "aria-hidden": "true", text: spec.glyph }));
    b.addEventListener("mousedown", (event) => event.preventDefault()); // keep the selection
    b.addEventListener("click", () => {
      if (spec.run(editor) !== "keep-focus") editor.commands.focus();
      refresh();
    });
    b.spec = spec;
    group.appendChild(b);
    buttons.push(b);
    return b;
  }

  const chain = (editor) => editor.chain().focus();
  const groups = [
    [
      { name: "paragraph", glyph: "¶", keys: "Ctrl+Alt+0", run: (e) => chain(e).setParagraph().run(), active: (e) => e.isActive("paragraph") },
      { name: "heading1", glyph: "H1", keys: "Ctrl+Alt+1", run: (e) => chain(e).toggleHeading({ level: 1 }).run(), active: (e) => e.isActive("heading", { level: 1 }) },
      { name: "heading2", glyph: "H2", keys: "Ctrl+Alt+2", run: (e) => chain(e).toggleHeading({ level: 2 }).run(), active: (e) => e.isActive("heading", { level: 2 }) },
      { name: "heading3", glyph: "H3", keys: "Ctrl+Alt+3", run: (e) => chain(e).toggleHeading({ level: 3 }).run(), active: (e) => e.isActive("heading", { level: 3 }) },
    ],
    [
      { name: "bold", glyph: "B", keys: "Ctrl+B", run: (e) => chain(e).toggleBold().run(), active: (e) => e.isActive("bold"), can: (e) => e.can().toggleBold() },
      { name: "italic", glyph: "I", keys: "Ctrl+I", run: (e) => chain(e).toggleItalic().run(), active: (e) => e.isActive("italic"), can: (e) => e.can().toggleItalic() },
      { name: "strike", glyph: "S", keys: "Ctrl+Shift+S", run: (e) => chain(e).toggleStrike().run(), active: (e) => e.isActive("strike"), can: (e) => e.can().toggleStrike() },
      { name: "link", glyph: "Link", keys: "Ctrl+K", run: () => openLinkBar(), active: (e) => e.isActive("link") },
    ],
    [
      { name: "bulletList", glyph: "•≡", keys: "Ctrl+Shift+8", run: (e) => chain(e).toggleBulletList().run(), active: (e) => e.isActive("bulletList") },
      { name: "orderedList", glyph: "1≡", keys: "Ctrl+Shift+7", run: (e) => chain(e).toggleOrderedList().run(), active: (e) => e.isActive("orderedList") },
      { name: "indent", glyph: "→", keys: "Tab", run: (e) => chain(e).sinkListItem("listItem").run(), can: (e) => e.can().sinkListItem("listItem") },
      { name: "outdent", glyph: "←", keys: "Shift+Tab", run: (e) => chain(e).liftListItem("listItem").run(), can: (e) => e.can().liftListItem("listItem") },
      { name: "blockquote", glyph: "❝", keys: "Ctrl+Shift+B", run: (e) => chain(e).toggleBlockquote().run(), active: (e) => e.isActive("blockquote") },
      { name: "insertTable", glyph: "▦", keys: "", run: (e) => chain(e).insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run(), can: (e) => e.can().insertTable({ rows: 3, cols: 3, withHeaderRow: true }) },
    ],
    [
      { name: "undo", glyph: "↶", keys: "Ctrl+Z", run: (e) => chain(e).undo().run(), can: (e) => e.can().undo() },
      { name: "redo", glyph: "↷", keys: "Ctrl+Y", run: (e) => chain(e).redo().run(), can: (e) => e.can().redo() },
    ],
  ];
  const tableTools = [
    { name: "rowAbove", glyph: "↥+", run: (e) => chain(e).addRowBefore().run(), can: (e) => e.can().addRowBefore() },
    { name: "rowBelow", glyph: "↧+", run: (e) => chain(e).addRowAfter().run(), can: (e) => e.can().addRowAfter() },
    { name: "deleteRow", glyph: "☰−", run: (e) => chain(e).deleteRow().run(), can: (e) => e.can().deleteRow() },
    { name: "columnLeft", glyph: "↤+", run: (e) => chain(e).addColumnBefore().run(), can: (e) => e.can().addColumnBefore() },
    { name: "columnRight", glyph: "↦+", run: (e) => chain(e).addColumnAfter().run(), can: (e) => e.can().addColumnAfter() },
    { name: "deleteColumn", glyph: "‖−", run: (e) => chain(e).deleteColumn().run(), can: (e) => e.can().deleteColumn() },
    { name: "headerRow", glyph: "▤", run: (e) => chain(e).toggleHeaderRow().run(), can: (e) => e.can().toggleHeaderRow() },
    { name: "alignLeft", glyph: "⇤", run: (e) => alignColumn(e, "left"), active: (e) => tableAlign(e) === "left" },
    { name: "alignCenter", glyph: "↔", run: (e) => alignColumn(e, "center"), active: (e) => tableAlign(e) === "center" },
    { name: "alignRight", glyph: "⇥", run: (e) => alignColumn(e, "right"), active: (e) => tableAlign(e) === "right" },
    { name: "deleteTable", glyph: "▦✕", run: (e) => chain(e).deleteTable().run(), can: (e) => e.can().deleteTable() },
  ];
  groups.forEach((specs) => {
    const group = element("div", { class: "wysiwyg-group", role: "group" });
    specs.forEach((spec) => button(group, spec));
    toolbar.appendChild(group);
  });
  tableTools.forEach((spec) => button(tableGroup, spec));
  toolbar.appendChild(tableGroup);
  const modeButton = element("button", {
    type: "button",
    class: "btn btn-sm btn-outline-secondary wysiwyg-mode ms-auto",
    id: "wysiwyg-mode",
    "aria-pressed": "false",
    tabindex: "-1",
    text: labels.markdownMode,
  });
  toolbar.appendChild(modeButton);
  buttons.push(modeButton);
  buttons[0].tabIndex = 0;

  // --- the link bar (Ctrl+K) -----------------------------------------------------------------
  const linkInput = element("input", { type: "text", inputmode: "url", class: "form-control form-control-sm", id: "wysiwyg-link-url", autocomplete: "off" });
  const linkError = element("span", { class: "small text-danger wysiwyg-link-error", role: "alert" });
  const applyLink = element("button", { type: "button", class: "btn btn-sm btn-primary", id: "wysiwyg-link-apply", text: labels.apply });
  const removeLink = element("button", { type: "button", class: "btn btn-sm btn-outline-danger", id: "wysiwyg-link-remove", text: labels.unlink });
  const cancelLink = element("button", { type: "button", class: "btn btn-sm btn-link", text: labels.cancel });
  linkBar.append(
    element("label", { for: "wysiwyg-link-url", class: "small mb-0", text: labels.linkAddress }),
    linkInput,
    applyLink,
    removeLink,
    cancelLink,
    linkError
  );

  function openLinkBar() {
    linkBar.hidden = false;
    linkError.textContent = "";
    linkInput.value = editor.getAttributes("link").href || "";
    removeLink.hidden = !editor.isActive("link");
    linkInput.focus();
    linkInput.select();
    return "keep-focus";
  }
  function closeLinkBar() {
    linkBar.hidden = true;
    editor.commands.focus();
  }
  function setLink() {
    const url = normaliseLink(linkInput.value);
    if (!url) {
      editor.chain().focus().extendMarkRange("link").unsetLink().run();
      closeLinkBar();
      return;
    }
    if (!allowedLink(url)) {
      linkError.textContent = labels.badLink;
      linkInput.focus();
      return;
    }
    const { empty } = editor.state.selection;
    const c = editor.chain().focus().extendMarkRange("link");
    if (empty && !editor.isActive("link")) c.insertContent({ type: "text", text: linkInput.value.trim(), marks: [{ type: "link", attrs: { href: url } }] });
    else c.setLink({ href: url });
    c.run();
    closeLinkBar();
  }
  applyLink.addEventListener("click", setLink);
  removeLink.addEventListener("click", () => {
    editor.chain().focus().extendMarkRange("link").unsetLink().run();
    closeLinkBar();
  });
  cancelLink.addEventListener("click", closeLinkBar);
  linkInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault(); // not a form submission
      setLink();
    } else if (event.key === "Escape") {
      event.preventDefault();
      closeLinkBar();
    }
  });

  // --- the toolbar: one tab stop, arrows move (WAI-ARIA toolbar) ------------------------------
  function visibleButtons() {
    return buttons.filter((b) => !b.disabled && b.offsetParent !== null);
  }
  toolbar.addEventListener("keydown", (event) => {
    const list = visibleButtons();
    const at = list.indexOf(document.activeElement);
    let next = null;
    if (event.key === "ArrowRight") next = list[(at + 1) % list.length];
    else if (event.key === "ArrowLeft") next = list[(at - 1 + list.length) % list.length];
    else if (event.key === "Home") next = list[0];
    else if (event.key === "End") next = list[list.length - 1];
    else if (event.key === "Escape" && mode === "rich") {
      event.preventDefault();
      editor.commands.focus();
      return;
    }
    if (next) {
      event.preventDefault();
      buttons.forEach((b) => (b.tabIndex = -1));
      next.tabIndex = 0;
      next.focus();
    }
  });
  toolbar.addEventListener("focusin", (event) => {
    if (!buttons.includes(event.target)) return;
    buttons.forEach((b) => (b.tabIndex = b === event.target ? 0 : -1));
  });

  function refresh() {
    if (!editor) return;
    const inTable = editor.isActive("table");
    tableGroup.hidden = !inTable || mode !== "rich";
    buttons.forEach((b) => {
      const spec = b.spec;
      if (!spec) return;
      if (spec.active) b.setAttribute("aria-pressed", spec.active(editor) ? "true" : "false");
      b.disabled = mode !== "rich" || (spec.can ? !spec.can(editor) : false);
    });
    if (!visibleButtons().some((b) => b.tabIndex === 0)) {
      const first = visibleButtons()[0];
      if (first) first.tabIndex = 0;
    }
  }

  // --- Markdown into the textarea ----------------------------------------------------------
  function flush() {
    clearTimeout(timer);
    if (mode !== "rich" || !dirty) return;
    dirty = false;
    area.value = keeper.serialize(editor.getJSON());
  }
  function changed() {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(() => {
      flush();
      area.dispatchEvent(new Event("input", { bubbles: true }));
    }, 250);
  }
  function load(markdown) {
    area.value = markdown;
    if (mode !== "rich") return;
    editor.commands.setContent(markdown, { contentType: "markdown", emitUpdate: false });
    keeper = new Keeper(editor.markdown, markdown, editor.getJSON(), editor.schema);
    dirty = false;
    refresh();
  }
  function setMode(next, quietly) {
    if (next === mode) return;
    try {
      localStorage.setItem(MODE_KEY, next); // the person's choice, on every section
    } catch (error) {
      /* storage switched off: the choice lasts this page */
    }
    if (next === "markdown") flush();
    mode = next;
    const rich = mode === "rich";
    source.hidden = rich;
    surface.hidden = !rich;
    help.hidden = !rich;
    linkBar.hidden = true;
    host.dataset.mode = mode;
    modeButton.setAttribute("aria-pressed", rich ? "false" : "true");
    modeButton.textContent = rich ? labels.markdownMode : labels.richMode;
    if (rich) load(area.value);
    else area.dispatchEvent(new Event("input", { bubbles: true })); // the preview catches up
    refresh();
    if (quietly) return;
    if (rich) editor.commands.focus();
    else area.focus();
  }
  modeButton.addEventListener("click", () => setMode(mode === "rich" ? "markdown" : "rich"));

  const Shortcuts = Extension.create({
    name: "studioShortcuts",
    addKeyboardShortcuts() {
      return {
        "Mod-k": () => {
          openLinkBar();
          return true;
        },
        "Alt-F10": () => {
          const first = visibleButtons().find((b) => b.tabIndex === 0) || visibleButtons()[0];
          if (first) first.focus();
          return true;
        },
        "Mod-Shift-l": () => this.editor.commands.toggleBulletList(), // Word's list style
        "Mod-y": () => this.editor.commands.redo(),
      };
    },
  });

  host.append(toolbar, linkBar, surface, help);
  editor = new Editor({
    element: surface,
    injectCSS: false, // the CSP allows style sheets from this site only: editor.css has it
    content: area.value,
    contentType: "markdown",
    extensions: [
      StarterKit.configure({
        underline: false, // no Markdown for it
        heading: { levels: [1, 2, 3, 4, 5, 6] },
        link: {
          openOnClick: false,
          autolink: true,
          linkOnPaste: true,
          defaultProtocol: "https",
          isAllowedUri: (url) => allowedLink(url),
          HTMLAttributes: { rel: "noopener nofollow ugc", target: null },
        },
      }),
      TableKit.configure({ table: { resizable: false }, tableCell: false, tableHeader: false }),
      Cell,
      Header,
      Placeholder.configure({ placeholder: labels.placeholder }),
      Markdown.configure({ indentation: { style: "space", size: 2 } }),
      Shortcuts,
    ],
    editorProps: {
      attributes: {
        id: "wysiwyg-editor",
        class: "wysiwyg-content markdown-body",
        role: "textbox",
        "aria-multiline": "true",
        "aria-label": labels.text,
        "aria-describedby": "wysiwyg-help",
        spellcheck: "true",
      },
      transformPastedHTML: cleanPastedHtml,
    },
    onUpdate: changed,
    onSelectionUpdate: refresh,
    onTransaction: refresh,
  });
  keeper = new Keeper(editor.markdown, area.value, editor.getJSON(), editor.schema);
  source.hidden = true;
  host.dataset.mode = "rich";
  host.hidden = false;
  refresh();
  let preferred = null;
  try {
    preferred = localStorage.getItem(MODE_KEY);
  } catch (error) {
    /* no stored choice */
  }
  if (preferred === "markdown") setMode("markdown", true);

  // For static/js/editor.js: the Markdown now (before a save or a draft), and new content
  // (a restored draft, "edit both" after a conflict).
  area.wysiwyg = {
    flush: flush,
    load: load,
    mode: () => mode,
    setMode: setMode,
    editor: editor,
  };
  if (form) form.addEventListener("submit", flush, true);
}

function start() {
  const labelsBox = document.getElementById("wysiwyg-labels");
  if (!labelsBox) return;
  const labels = JSON.parse(labelsBox.textContent);
  document.querySelectorAll("textarea[data-wysiwyg]").forEach((area) => mount(area, labels));
}

start();
