// The comments panel: comment on a selected passage, mark quoted passages in the section,
// and complete @mentions by name. No inline code (the CSP forbids it); text is only ever
// set through textContent and text nodes, never as HTML.
"use strict";

(function () {
  const panel = document.querySelector("[data-comments]");
  if (!panel) {
    return;
  }
  // Where the section's text is shown: the comments page, the section page's saved
  // version, and the live preview of the editor.
  const SOURCES = "[data-comment-source], #section-content, #preview";
  // A passage may also be quoted from the formatted editor (where an editor reads the text), but
  // never marked there: ProseMirror owns that DOM and would take a <mark> into the content.
  const QUOTE_SOURCES = `${SOURCES}, #wysiwyg-editor`;
  const MAX_QUOTE = 2000;
  const squash = (text) => text.replace(/\s+/g, " ").trim();

  // --- quoting a selected passage ------------------------------------------------------

  const quoteInput = panel.querySelector("[data-quote-input]");
  const newForm = document.getElementById("comment-form");
  const quoteButton = document.createElement("button");
  quoteButton.type = "button";
  quoteButton.className = "btn btn-sm btn-primary shadow position-absolute quote-button";
  quoteButton.textContent = panel.dataset.quoteLabel || "Comment";
  quoteButton.hidden = true;
  document.body.appendChild(quoteButton);
  let pendingQuote = "";

  function sourceOf(node) {
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return element ? element.closest(QUOTE_SOURCES) : null;
  }

  function offerQuote() {
    const selection = window.getSelection();
    if (!quoteInput || !selection || selection.isCollapsed || selection.rangeCount === 0) {
      quoteButton.hidden = true;
      return;
    }
    const range = selection.getRangeAt(0);
    const text = squash(selection.toString());
    if (!sourceOf(range.commonAncestorContainer) || !text || text.length > MAX_QUOTE) {
      quoteButton.hidden = true;
      return;
    }
    pendingQuote = text;
    const box = range.getBoundingClientRect();
    // CSSOM, not a style attribute: allowed under style-src 'self'.
    quoteButton.style.top = `${window.scrollY + box.bottom + 6}px`;
    quoteButton.style.left = `${window.scrollX + box.left}px`;
    quoteButton.hidden = false;
  }

  document.addEventListener("mouseup", () => window.setTimeout(offerQuote, 0));
  document.addEventListener("keyup", (event) => {
    if (event.shiftKey || event.key === "Shift") {
      window.setTimeout(offerQuote, 0);
    }
  });
  quoteButton.addEventListener("mousedown", (event) => event.preventDefault()); // keep the selection
  quoteButton.addEventListener("click", () => {
    quoteInput.value = pendingQuote;
    quoteButton.hidden = true;
    window.getSelection().removeAllRanges();
    if (newForm) {
      newForm.scrollIntoView({ block: "center" });
      const body = newForm.querySelector("textarea[name=body]");
      if (body) {
        body.focus();
      }
    }
  });

  // --- marking quoted passages ---------------------------------------------------------

  function unmark(root) {
    root.querySelectorAll("mark.comment-mark").forEach((mark) => {
      mark.replaceWith(document.createTextNode(mark.textContent));
    });
    root.normalize();
  }

  // Find `needle` (white space squashed) in the text of `root` and wrap it in <mark>s,
  // one per text node it spans.
  function markIn(root, needle, commentId) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const map = []; // index in the squashed text -> [text node, offset]
    let flat = "";
    let lastSpace = true;
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const value = node.nodeValue;
      for (let i = 0; i < value.length; i += 1) {
        const space = /\s/.test(value[i]);
        if (space && lastSpace) {
          continue;
        }
        flat += space ? " " : value[i];
        map.push([node, i]);
        lastSpace = space;
      }
    }
    const at = flat.indexOf(needle);
    if (at < 0 || !needle) {
      return;
    }
    const [startNode, startOffset] = map[at];
    const [endNode, endOffset] = map[at + needle.length - 1];
    const nodes = [];
    let collecting = false;
    for (const [node] of map) {
      if (node === startNode) {
        collecting = true;
      }
      if (collecting && nodes[nodes.length - 1] !== node) {
        nodes.push(node);
      }
      if (node === endNode) {
        break;
      }
    }
    nodes.forEach((node) => {
      const from = node === startNode ? startOffset : 0;
      const to = node === endNode ? endOffset + 1 : node.nodeValue.length;
      if (to <= from || !node.parentNode) {
        return;
      }
      const middle = node.splitText(from);
      middle.splitText(to - from);
      const mark = document.createElement("mark");
      mark.className = "comment-mark";
      mark.dataset.commentRef = commentId;
      middle.replaceWith(mark);
      mark.appendChild(middle);
    });
  }

  let marking = false;
  const observer = new MutationObserver(() => {
    if (!marking) {
      window.setTimeout(markAll, 50);
    }
  });

  function markAll() {
    marking = true;
    const quotes = Array.from(panel.querySelectorAll("[data-quote]"));
    document.querySelectorAll(SOURCES).forEach((source) => {
      unmark(source);
      quotes.forEach((el) => markIn(source, squash(el.dataset.quote), el.dataset.commentId));
    });
    observer.takeRecords();
    marking = false;
  }

  document.addEventListener("click", (event) => {
    const mark = event.target.closest("mark.comment-mark");
    if (mark) {
      const comment = document.getElementById(`comment-${mark.dataset.commentRef}`);
      if (comment) {
        comment.scrollIntoView({ block: "center" });
      }
    }
  });
  markAll();
  const preview = document.getElementById("preview");
  if (preview) {
    observer.observe(preview, { childList: true, subtree: true, characterData: true });
  }

  // --- @mentions -----------------------------------------------------------------------

  let people = [];
  try {
    people = JSON.parse(panel.dataset.people || "[]");
  } catch (error) {
    people = [];
  }
  // "Łukasz" is found by typing "luk": accents and the Polish ł need not be typed.
  const fold = (text) =>
    text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/ł/g, "l");
  const MENTION = /(^|[^\w@])@([^\s@]{0,40}(?: [^\s@]{0,40}){0,2})$/u;

  function attach(textarea) {
    const list = document.createElement("ul");
    list.className = "list-group mention-list mt-1";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", panel.dataset.mentionLabel || "People");
    list.hidden = true;
    textarea.insertAdjacentElement("afterend", list);
    let active = 0;
    let fragment = null;

    function close() {
      list.hidden = true;
      list.replaceChildren();
      fragment = null;
    }

    function choose(name) {
      const caret = textarea.selectionStart;
      const before = textarea.value.slice(0, caret - fragment.length);
      const after = textarea.value.slice(caret);
      textarea.value = `${before}${name} ${after}`;
      const position = before.length + name.length + 1;
      textarea.setSelectionRange(position, position);
      close();
      textarea.focus();
    }

    function render(matches) {
      list.replaceChildren();
      matches.forEach((name, index) => {
        const item = document.createElement("li");
        item.className = `list-group-item list-group-item-action py-1${index === active ? " active" : ""}`;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", index === active ? "true" : "false");
        item.textContent = name;
        item.addEventListener("mousedown", (event) => {
          event.preventDefault();
          choose(name);
        });
        list.appendChild(item);
      });
      list.hidden = matches.length === 0;
    }

    function update() {
      const caret = textarea.selectionStart;
      const match = MENTION.exec(textarea.value.slice(0, caret));
      if (!match) {
        close();
        return;
      }
      fragment = match[2];
      const wanted = fold(fragment);
      const matches = people
        .filter((name) => fold(name).startsWith(wanted) || fold(name).split(" ").some((w) => w.startsWith(wanted)))
        .slice(0, 6);
      active = Math.min(active, Math.max(matches.length - 1, 0));
      render(matches);
    }

    textarea.addEventListener("input", () => {
      active = 0;
      update();
    });
    textarea.addEventListener("blur", () => window.setTimeout(close, 150));
    textarea.addEventListener("keydown", (event) => {
      if (list.hidden) {
        return;
      }
      const items = list.querySelectorAll("[role=option]");
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        active = (active + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
        update();
      } else if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        choose(items[active].textContent);
      } else if (event.key === "Escape") {
        close();
      }
    });
  }

  panel.querySelectorAll("textarea[data-mention]").forEach(attach);
})();
