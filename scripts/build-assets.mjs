// `make assets`: the section editor's bundle, webapp/static/vendor/editor.js (one minified
// file, committed, so `make run` and CI need no Node), and the licences of every npm
// package that went into it, webapp/static/vendor/editor.LICENSES.txt.
import { build } from "esbuild";
import { readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "webapp/static/vendor/editor.js");

const result = await build({
  entryPoints: [join(root, "assets/editor/index.js")],
  outfile: out,
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "none", // gathered whole into editor.LICENSES.txt instead
  charset: "utf8",
  metafile: true,
  logLevel: "warning",
});

// The packages whose files are in the bundle: node_modules/<name>/ or node_modules/@scope/<name>/.
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (!match) continue;
  const dir = join(root, input.slice(0, match.index + match[0].length));
  packages.set(match[1], dir);
}
const sections = [];
for (const [name, dir] of [...packages].sort(([a], [b]) => a.localeCompare(b))) {
  const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const files = readdirSync(dir).filter((f) => /^(licen[cs]e|copying|notice)/i.test(f));
  let text = files.map((f) => readFileSync(join(dir, f), "utf8").trim()).join("\n\n");
  if (!text) {
    // Some packages ship no licence file; the repository's licence is what they name.
    text = `${meta.license} licence (declared in package.json; the package ships no licence file).`;
  }
  sections.push(`${"=".repeat(78)}\n${name} ${meta.version} (${meta.license})\n${"=".repeat(78)}\n${text}\n`);
}
const header =
  "Licences of the npm packages bundled into editor.js (built by scripts/build-assets.mjs\n" +
  "from package-lock.json; `make assets`).\n\n";
writeFileSync(join(root, "webapp/static/vendor/editor.LICENSES.txt"), header + sections.join("\n"));
const size = readFileSync(out).length;
console.log(`${relative(root, out)}: ${size} bytes, ${packages.size} packages`);
