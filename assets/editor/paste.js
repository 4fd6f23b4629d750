// Paste from Word and web pages: keep the structure (headings, lists, bold, italics, links,
// tables), drop the rest (styles, mso- classes, fonts, colours, comments, images). The
// schema would drop unknown marks anyway; this turns Word's list paragraphs into real lists
// and gives a table without a header row one, since a Markdown table always has one.

const DROP = "style, meta, link, script, xml, title, img, svg, object, iframe, o\\:p, v\\:shape, w\\:sdt";

function listInfo(p) {
  // Word writes list items as <p style="mso-list:l0 level2 lfo1"> with the bullet in a span.
  const style = p.getAttribute("data-style") || "";
  const match = /mso-list:\s*(l\d+)\s+level(\d+)/i.exec(style);
  if (!match && !/MsoListParagraph/i.test(p.className || "")) return null;
  const marker = p.querySelector('span[data-style*="mso-list"]');
  const bullet = marker ? marker.textContent.trim() : "";
  return { level: match ? Number(match[2]) : 1, ordered: /^[0-9a-zA-Z]{1,4}[.)]$/.test(bullet), marker };
}

function wordLists(doc) {
  const paragraphs = Array.from(doc.querySelectorAll("p"));
  let stack = []; // open lists, one per level
  let previous = null;
  for (const p of paragraphs) {
    const info = listInfo(p);
    if (!info) {
      stack = [];
      previous = null;
      continue;
    }
    if (info.marker) info.marker.remove();
    if (!previous || previous.nextElementSibling !== p) stack = [];
    while (stack.length > info.level) stack.pop();
    while (stack.length < info.level) {
      const list = doc.createElement(info.ordered ? "ol" : "ul");
      const parentItem = stack.length ? stack[stack.length - 1].lastElementChild : null;
      if (parentItem) parentItem.appendChild(list);
      else p.before(list);
      stack.push(list);
    }
    const item = doc.createElement("li");
    item.innerHTML = p.innerHTML.replace(/^(\s|&nbsp;|\u00a0)+/, "");
    stack[stack.length - 1].appendChild(item);
    previous = p;
    // The paragraph stays in place (hidden from the result) so the next one still follows it.
    p.setAttribute("data-list-done", "");
  }
  doc.querySelectorAll("p[data-list-done]").forEach((p) => {
    p.replaceWith(doc.createComment("list"));
  });
}

function headerRows(doc) {
  doc.querySelectorAll("table").forEach((table) => {
    // A header row is bold already: Word's <b> in it would only add ** around each word.
    table.querySelectorAll("th b, th strong").forEach((el) => el.replaceWith(...el.childNodes));
    if (table.querySelector("th")) return;
    const first = table.querySelector("tr");
    if (!first) return;
    first.querySelectorAll("td").forEach((td) => {
      const th = doc.createElement("th");
      th.innerHTML = td.innerHTML;
      th.querySelectorAll("b, strong").forEach((el) => el.replaceWith(...el.childNodes));
      td.replaceWith(th);
    });
  });
}

function titles(doc) {
  // Word's title and heading paragraphs when they did not come as <h1>…<h3>.
  doc.querySelectorAll("p").forEach((p) => {
    const match = /MsoTitle|MsoHeading(\d)/i.exec(p.className || "");
    if (!match) return;
    const level = Math.min(Number(match[1] || 1), 3);
    const heading = doc.createElement("h" + level);
    heading.innerHTML = p.innerHTML;
    p.replaceWith(heading);
  });
}

function removeComments(node) {
  const walker = node.ownerDocument.createTreeWalker(node, 128 /* NodeFilter.SHOW_COMMENT */);
  const found = [];
  while (walker.nextNode()) found.push(walker.currentNode);
  found.forEach((c) => c.remove());
}

export function cleanPastedHtml(html) {
  // Word wraps conditional parts in <!--[if …]> … <![endif]--> comments: away with them first.
  // Style attributes and sheets are renamed or cut before parsing: a parsed inline style is a
  // CSP violation (style-src 'self') even in a detached document.
  const source = String(html)
    .replace(/<!--\[if[\s\S]*?<!\[endif\]-->/gi, "")
    .replace(/<style[\s\S]*?<\/style>/gi, "")
    .replace(/(<[^>]*\s)style(\s*=)/gi, "$1data-style$2");
  const doc = new DOMParser().parseFromString(source, "text/html");
  titles(doc);
  wordLists(doc);
  removeComments(doc.body);
  doc.body.querySelectorAll(DROP).forEach((el) => el.remove());
  // Fonts and spans only carry looks: keep their text.
  doc.body.querySelectorAll("font, span").forEach((el) => el.replaceWith(...el.childNodes));
  // Word's bold runs are <b style="mso-bidi-font-weight:normal">; a bold that says
  // font-weight:normal is no bold at all.
  doc.body.querySelectorAll("b, strong").forEach((el) => {
    if (/(^|;)\s*font-weight:\s*(normal|400)/i.test(el.getAttribute("data-style") || "")) el.replaceWith(...el.childNodes);
  });
  headerRows(doc);
  doc.body.querySelectorAll("*").forEach((el) => {
    for (const attr of Array.from(el.attributes)) {
      const keep = (el.tagName === "A" && attr.name === "href") || (/^T[HD]$/.test(el.tagName) && attr.name === "align");
      if (!keep) el.removeAttribute(attr.name);
    }
  });
  return doc.body.innerHTML;
}
