// Search payload, side by side: Passerelle's static search page and Pagefind's JavaScript
// API, in one headless Chromium, each site served gzip-compressed from 127.0.0.1.
//
// Usage: node bench/search-harness.mjs CONFIG.json  (written by bench/run) → JSON on stdout.
// CONFIG: { passerelle: PUBLIC_DIR, hugo: PUBLIC_DIR (with pagefind/), chromium: PATH,
//           playwright: MODULE_DIR, queries: [{ lang, first, second }], timeoutMs,
//           sides: ['passerelle', 'pagefind'] (the default; one of them to debug it) }
//
// For each query pair, and for each side, a fresh browser context (empty cache) opens the
// page, then runs the FIRST query and, once it shows its results, the SECOND one on the
// same page. A query's bytes are the response bodies as transferred (gzip where the
// server compressed) of every request made from the moment it was issued until the page
// had been quiet for QUIET_MS after the results appeared; bytes of the page load itself
// (HTML, CSS, search.js / pagefind.js) are reported apart, and counted into the first
// query under `withLoad`. Time is measured inside the page: from issuing the query to the
// 10th result (or the last, when fewer match) being in the DOM.
//
// Passerelle: /en/search/ or /fr/recherche/, the box focused (which preloads the page
// language's tables, as for a reader), the query set and the form submitted (what Enter
// does; typing would add search.js's 120 ms debounce). Pagefind: a page of the harness's
// own on the Hugo site, <html lang=…> so Pagefind picks that language's index, importing
// /pagefind/pagefind.js at load; a query is `await pagefind.search(q)`, then `data()` of
// the first 10 results, rendered as a list.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';

const QUIET_MS = 400;
const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const require = createRequire(join(config.playwright, 'package.json'));
const { chromium } = require(config.playwright);

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json', '.xml': 'application/xml', '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm', '.png': 'image/png', '.ico': 'image/x-icon',
};
const typeOf = (p) => TYPES[extname(p).toLowerCase()] || 'application/octet-stream';
const isGzip = (b) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

const PAGEFIND_PAGE = (lang) => `<!DOCTYPE html>
<html lang="${lang}"><head><meta charset="utf-8"><title>Pagefind bench</title></head>
<body><ol id="results"></ol>
<script type="module">
  const pagefind = await import('/pagefind/pagefind.js');
  const list = document.getElementById('results');
  window.benchSearch = async (q) => {
    const t0 = performance.now();
    const search = await pagefind.search(q);
    const data = await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
    list.replaceChildren(...data.map((d) => {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = d.url; a.textContent = d.meta?.title || d.url;
      const p = document.createElement('p');
      p.innerHTML = d.excerpt;
      li.append(a, p);
      return li;
    }));
    return { ms: performance.now() - t0, shown: data.length, total: search.results.length, hits: data.map((d) => d.url), otherLang: 0 };
  };
  window.benchReady = true;
</script></body></html>`;

// A static server: gzip when asked, except files that are compressed already (Passerelle's
// .bin shards, raw deflate; Pagefind's index files, gzip), which go out as they are, as
// from a host that compresses text types only.
// Every response is logged with the bytes of its body as sent: what the byte counts use.
async function serve(root, extra = {}) {
  root = resolve(root);
  const gz = new Map();
  const log = [];
  const server = createServer(async (req, res) => {
    const u = new URL(req.url, 'http://127.0.0.1');
    const acceptsGzip = /\bgzip\b/.test(req.headers['accept-encoding'] || '');
    const send = (status, type, body) => {
      const headers = { 'content-type': type, 'cache-control': 'no-store' };
      if (acceptsGzip && !isGzip(body) && !u.pathname.endsWith('.bin') && body.length > 0) {
        const key = u.pathname + u.search;
        if (!gz.has(key)) gz.set(key, gzipSync(body, { level: 6 }));
        body = gz.get(key);
        headers['content-encoding'] = 'gzip';
        headers.vary = 'accept-encoding';
      }
      headers['content-length'] = body.length;
      log.push({ path: u.pathname, status, bytes: body.length, gzip: !!headers['content-encoding'] });
      res.writeHead(status, headers);
      res.end(body);
    };
    try {
      if (extra[u.pathname]) return send(200, TYPES['.html'], Buffer.from(extra[u.pathname](u)));
      let file = resolve(join(root, decodeURIComponent(u.pathname)));
      if (file !== root && !file.startsWith(root + sep)) return send(403, 'text/plain', Buffer.from('no'));
      const st = await stat(file).catch(() => null);
      if (st && st.isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file).catch(() => null);
      if (!body) return send(404, 'text/plain', Buffer.from('not found'));
      return send(200, typeOf(file), body);
    } catch (e) {
      return send(500, 'text/plain', Buffer.from(String(e)));
    }
  });
  await new Promise((ok, fail) => { server.once('error', fail); server.listen(0, '127.0.0.1', ok); });
  return { url: `http://127.0.0.1:${server.address().port}`, log, close: () => { server.closeAllConnections?.(); server.close(); } };
}

// Bytes and responses come from the server's own log (exact bodies as sent, worker
// requests included); what the page saw through Playwright is kept as a cross-check.
function recorder(page, server) {
  const seen = [];
  let lastAt = Date.now();
  page.on('request', () => { lastAt = Date.now(); });
  page.on('requestfinished', async (r) => {
    lastAt = Date.now();
    const entry = { path: new URL(r.url()).pathname, body: null };
    seen.push(entry);
    try { entry.body = (await r.sizes()).responseBodySize; } catch { /* page closed */ }
  });
  page.on('requestfailed', (r) => { lastAt = Date.now(); seen.push({ path: new URL(r.url()).pathname, failed: r.failure()?.errorText }); });
  return {
    mark: () => [server.log.length, seen.length],
    since([i, j]) {
      const rs = server.log.slice(i), bs = seen.slice(j);
      return {
        bytes: rs.reduce((s, r) => s + r.bytes, 0),
        responses: rs.length,
        files: rs.map((r) => [r.path, r.bytes, r.status]),
        notOk: rs.filter((r) => r.status !== 200).map((r) => r.status + ' ' + r.path),
        browserResponses: bs.length,
        browserBytes: bs.reduce((s, r) => s + (r.body || 0), 0),
        failed: bs.filter((r) => r.failed).map((r) => r.path + ': ' + r.failed),
      };
    },
    async quiet() {
      const limit = Date.now() + 20000;
      let n = -1;
      await new Promise((ok) => setTimeout(ok, 50));
      while (Date.now() < limit) {
        if (server.log.length !== n) { n = server.log.length; lastAt = Math.max(lastAt, Date.now()); }
        if (Date.now() - lastAt >= QUIET_MS) break;
        await new Promise((ok) => setTimeout(ok, 50));
      }
    },
  };
}

async function passerelleQuery(page, q, timeoutMs) {
  return page.evaluate(async ([q, timeoutMs]) => {
    const form = document.querySelector('form[data-search-root]');
    const input = form.querySelector('input[name=q]');
    const list = document.querySelector('[data-search-results]');
    const status = document.querySelector('[data-search-status]');
    const loading = form.dataset.tLoading;
    const t0 = performance.now();
    const done = new Promise((ok, fail) => {
      const check = () => {
        const n = list.children.length;
        const st = status.textContent;
        if (st && st !== loading) {
          obs.disconnect();
          const ms = performance.now() - t0;
          const hits = [...list.children].map((li) => li.querySelector('a')?.getAttribute('href'));
          const otherLang = [...list.children].filter((li) => li.querySelector('a')?.hreflang).length;
          ok({ ms, shown: n, status: st, hits, otherLang });
        }
      };
      const obs = new MutationObserver(check);
      obs.observe(list, { childList: true });
      obs.observe(status, { childList: true, characterData: true, subtree: true });
      setTimeout(() => { obs.disconnect(); fail(new Error('no results within ' + timeoutMs + ' ms; status: ' + status.textContent)); }, timeoutMs);
    });
    input.focus();
    input.value = q;
    form.requestSubmit();
    return done;
  }, [q, timeoutMs]);
}

async function side(browser, name, server, url, ask, queries, timeoutMs) {
  const out = [];
  for (const { lang, first, second } of queries) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const rec = recorder(page, server);
    const start = rec.mark();
    await page.goto(url(lang), { waitUntil: 'load' });
    if (name === 'pagefind') await page.waitForFunction(() => window.benchReady === true, null, { timeout: timeoutMs });
    await rec.quiet();
    const load = rec.since(start);
    const row = { lang, load };
    for (const [which, q] of [['first', first], ['second', second]]) {
      const mark = rec.mark();
      const res = await ask(page, q, timeoutMs);
      await rec.quiet();
      row[which] = { query: q, ...res, ...rec.since(mark) };
    }
    row.errors = errors;
    out.push(row);
    await context.close();
  }
  return out;
}

const passerelle = await serve(config.passerelle);
const hugo = await serve(config.hugo, { '/__bench/pagefind.html': (u) => PAGEFIND_PAGE(u.searchParams.get('lang') === 'fr' ? 'fr' : 'en') });
const browser = await chromium.launch({
  executablePath: config.chromium,
  headless: true,
  // launch() gives the browser a fresh temporary --user-data-dir of its own.
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic'],
});
try {
  const result = { chromium: browser.version(), passerelle: [], pagefind: [] };
  const timeoutMs = config.timeoutMs || 60000;
  // Alternate the sides query by query, so that a disturbance hits both.
  const sides = config.sides || ['passerelle', 'pagefind'];
  for (const q of config.queries) {
    if (sides.includes('passerelle')) result.passerelle.push(...await side(browser, 'passerelle', passerelle, (lang) => `${passerelle.url}/${lang === 'fr' ? 'fr/recherche' : 'en/search'}/`, passerelleQuery, [q], timeoutMs));
    if (sides.includes('pagefind')) result.pagefind.push(...await side(browser, 'pagefind', hugo, (lang) => `${hugo.url}/__bench/pagefind.html?lang=${lang}`,
      (page, q) => page.evaluate((q) => window.benchSearch(q), q), [q], timeoutMs));
  }
  process.stdout.write(JSON.stringify(result));
} finally {
  await browser.close();
  passerelle.close();
  hugo.close();
}
