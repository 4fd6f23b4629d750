// Markdown kept as written. The editor parses Markdown into a document and writes it back
// with its own serializer, which may spell things differently (table padding, `*` for `-`)
// or not know them at all (raw HTML, images, reference links). So:
// - a document nobody changed gives back the original text, byte for byte;
// - a changed document is written block by block: every top-level block still equal to one
//   of the original's is written as it was typed, only new or edited blocks are serialized.

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

export class Keeper {
  constructor(manager, original, loadedDoc) {
    this.manager = manager;
    this.original = original;
    this.initial = key(significant(loadedDoc.content));
    this.units = new Map(); // JSON of 1..n top-level nodes → the texts that made them
    this.sizes = [];
    try {
      this.learn(original, significant(loadedDoc.content));
    } catch (error) {
      this.units.clear(); // unknown shape: a changed document is serialized whole
    }
  }

  learn(original, whole) {
    const tokens = this.manager.instance.lexer(original);
    const pieces = [];
    let pending = ""; // blocks that make no node (link definitions…) travel with a neighbour
    for (const token of tokens) {
      if (token.type === "space" || !token.raw) continue;
      const raw = token.raw.replace(/\n+$/, "");
      if (!raw.trim()) continue;
      const nodes = significant(this.manager.parse(raw).content);
      if (!nodes.length) {
        if (pieces.length) pieces[pieces.length - 1].raw += "\n\n" + raw;
        else pending += raw + "\n\n";
        continue;
      }
      pieces.push({ raw: pending + raw, nodes: nodes });
      pending = "";
    }
    // Only when the blocks parsed one by one make the same document as the whole text.
    if (key(pieces.flatMap((p) => p.nodes)) !== key(whole)) return;
    const sizes = new Set();
    for (const piece of pieces) {
      const k = key(piece.nodes);
      if (!this.units.has(k)) this.units.set(k, []);
      this.units.get(k).push(piece.raw);
      sizes.add(piece.nodes.length);
    }
    this.sizes = Array.from(sizes).sort((a, b) => b - a);
  }

  unchanged(doc) {
    return key(significant(doc.content)) === this.initial;
  }

  serialize(doc) {
    if (this.unchanged(doc)) return this.original;
    const nodes = significant(doc.content);
    const pool = new Map(Array.from(this.units, ([k, raws]) => [k, raws.slice()]));
    const out = [];
    let i = 0;
    while (i < nodes.length) {
      let taken = false;
      for (const size of this.sizes) {
        if (i + size > nodes.length) continue;
        const raws = pool.get(key(nodes.slice(i, i + size)));
        if (raws && raws.length) {
          out.push(raws.shift());
          i += size;
          taken = true;
          break;
        }
      }
      if (!taken) {
        out.push(this.manager.serialize({ type: "doc", content: [nodes[i]] }).replace(/\s+$/, ""));
        i += 1;
      }
    }
    const text = out.filter((piece) => piece.trim()).join("\n\n");
    return text && this.original.endsWith("\n") ? text + "\n" : text;
  }
}
