// Runs the published search.js (assets/search.js as the build writes it) under Node for tests/it/search_parity.rs.
// Usage: node parity.mjs SEARCH_DIR INPUT.json > OUTPUT.json
// INPUT: {"requests": [SearchRequest...], "texts": [[text, lang]...]}
// OUTPUT: {"responses": [...], "words": [[[surface, key]...]...], "norms": [256 numbers],
//          "bytes": [[files fetched, bytes fetched] per request], "ms": [per request],
//          "files": [[[path, bytes]...] per request]}
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const [dir, inputPath] = process.argv.slice(2);
// The script as the build published it beside the data (comments stripped).
const core = require(join(resolve(dir), 'search.js'));
const input = JSON.parse(await readFile(inputPath, 'utf8'));
const out = { responses: [], words: [], norms: core.NORM, bytes: [], ms: [], files: [] };

let fetched = 0, files = 0, names = [];
const load = async (p) => { const b = await readFile(join(dir, p)); fetched += b.length; files += 1; names.push([p, b.length]); return b; };
// A fresh instance per request, as on a fresh page, counts what one query fetches;
// `warm` reuses one, as a page does for the next query.
const warm = core.open(load);
for (const req of input.requests) {
  fetched = 0; files = 0; names = [];
  const t0 = performance.now();
  const resp = await (req.fresh ? core.open(load) : warm).search(req);
  out.ms.push(performance.now() - t0);
  out.bytes.push([files, fetched]);
  out.files.push(names);
  out.responses.push(resp);
}
const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8'));
for (const [text, lang] of input.texts || []) {
  const spec = meta.langs[lang];
  out.words.push(core.words(text, spec).map((s) => [s, core.key(s, spec)]));
}
process.stdout.write(JSON.stringify(out));
