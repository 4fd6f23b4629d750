// Markdown kept as written. The editor parses Markdown into a document and writes it back
// with its own serializer, which may spell things differently (table padding, `*` for `-`)
// or not know them at all (raw HTML, images, reference links). So:
// - a document nobody changed gives back the original text, byte for byte;
// - a changed document is written block by block: every top-level block still equal to one
//   of the original's is written as it was typed (with the blank lines that followed it
//   when its neighbour is still its neighbour), only new or edited blocks are serialized.

function isEmptyParagraph(node) {
  return node.type === "paragraph" && !(node.content && node.content.length);
}

// Empty paragraphs carry no Markdown (the serializer would write `&nbsp;` for them).
export function significant(nodes) {
  return (nodes || []).filter((node) => !isEmptyParagraph(node));
}

function key(nodes) {
  return JSON.stringify(nodes);
}

// Tiptap's serializer escapes marks but not what starts a block: a paragraph typed as
// "1. tekst" or "# tekst" would come back as a list or a heading. Each of its lines is escaped.
const BLOCK_STARTS = [
  [/^(\s*)(#{1,6})(?=\s|$)/, "$1\\$2"],
  [/^(\s*)([-+*])(?=\s|$)/, "$1\\$2"],
  [/^(\s*)(\d{1,9})([.)])(?=\s|$)/, "$1$2\\$3"],
  [/^(\s*)(-{2,}|=+|\*{3,}|_{3,})(\s*)$/, "$1\\$2$3"],
];

export function escapeBlockStarts(text) {
  return text
    .split("\n")
    .map((line) => {
      for (const [pattern, replacement] of BLOCK_STARTS) {
        if (pattern.test(line)) return line.replace(pattern, replacement);
      }
      return line;
    })
    .join("\n");
}

export class Keeper {
  constructor(manager, original, loadedDoc, schema) {
    this.manager = manager;
    // The parser leaves default attributes out; the editor's document has them all.
    this.complete = schema ? (node) => schema.nodeFromJSON(node).toJSON() : (node) => node;
    this.original = original;
    this.initial = key(significant(loadedDoc.content));
    this.pieces = []; // {raw, gap (what followed it), nodes}
    this.lead = "";
    this.sizes = [];
    try {
      this.learn(original, significant(loadedDoc.content));
    } catch (error) {
      this.pieces = []; // unknown shape: a changed document is serialized whole
    }
  }

  learn(original, whole) {
    const tokens = this.manager.instance.lexer(original.replace(/\r\n?/g, "\n"));
    // Reference definitions apply to the whole text: each block is parsed with them.
    const defs = tokens.filter((t) => t.type === "def").map((t) => t.raw.trim()).join("\n");
    const pieces = [];
    let pending = "";
    for (const token of tokens) {
      const raw = token.raw || "";
      const body = raw.replace(/\n+$/, "");
      const tail = raw.slice(body.length);
      if (token.type === "space" || !body) {
        if (pieces.length) pieces[pieces.length - 1].gap += raw;
        else if (pending) pending += raw;
        else this.lead += raw;
        continue;
      }
      const parsed = this.manager.parse(defs ? body + "\n\n" + defs : body);
      const nodes = significant(parsed.content).map(this.complete);
      if (!nodes.length) {
        // Blocks that make no node (link definitions…) travel with a neighbour.
        if (pieces.length) {
          const last = pieces[pieces.length - 1];
          last.raw += last.gap + body;
          last.gap = tail;
        } else {
          pending += raw;
        }
        continue;
      }
      pieces.push({ raw: pending + body, gap: tail, nodes: nodes });
      pending = "";
    }
    if (pending && pieces.length) pieces[pieces.length - 1].gap += pending;
    // The blocks must cover the text exactly, or a block could be lost.
    const covered = this.lead + pieces.map((p) => p.raw + p.gap).join("");
    if (covered !== original.replace(/\r\n?/g, "\n")) return;
    // Only when the blocks parsed one by one make the same document as the whole text.
    if (key(pieces.flatMap((p) => p.nodes)) !== key(whole)) return;
    this.pieces = pieces;
    this.sizes = Array.from(new Set(pieces.map((p) => p.nodes.length))).sort((a, b) => b - a);
  }

  unchanged(doc) {
    return key(significant(doc.content)) === this.initial;
  }

  serialize(doc) {
    if (this.unchanged(doc)) return this.original;
    const nodes = significant(doc.content);
    const pool = new Map();
    this.pieces.forEach((piece, index) => {
      const k = key(piece.nodes);
      if (!pool.has(k)) pool.set(k, []);
      pool.get(k).push(index);
    });
    const out = []; // {text, piece: index of the original block or -1}
    let i = 0;
    while (i < nodes.length) {
      let taken = false;
      for (const size of this.sizes) {
        if (i + size > nodes.length) continue;
        const found = pool.get(key(nodes.slice(i, i + size)));
        if (found && found.length) {
          const index = found.shift();
          out.push({ text: this.pieces[index].raw, piece: index });
          i += size;
          taken = true;
          break;
        }
      }
      if (!taken) {
        let text = this.manager.serialize({ type: "doc", content: [nodes[i]] }).replace(/^\n+|\s+$/g, "");
        if (nodes[i].type === "paragraph") text = escapeBlockStarts(text);
        if (text.trim()) out.push({ text: text, piece: -1 });
        i += 1;
      }
    }
    if (!out.length) return "";
    let result = out[0].piece === 0 ? this.lead : "";
    out.forEach((part, n) => {
      result += part.text;
      const next = out[n + 1];
      if (next && part.piece >= 0 && next.piece === part.piece + 1) result += this.pieces[part.piece].gap;
      else if (next) result += "\n\n";
    });
    const last = out[out.length - 1];
    if (last.piece >= 0 && last.piece === this.pieces.length - 1) result += this.pieces[last.piece].gap;
    else if (/\n$/.test(this.original)) result += "\n";
    return result;
  }
}
