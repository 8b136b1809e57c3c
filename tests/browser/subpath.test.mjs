// The portal published under a path (issue 21), as on a GitHub or GitLab Pages project
// site: built with `--base-url https://example.org/portal/` and served from /portal/ only
// (any other path is a 404). A crawl from /portal/ finds no broken link and no link that
// leaves /portal/; search finds pages and its results open; the language switch lands on
// the French page; no request the pages make leaves /portal/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start, binary, REPO, search } from './lib/browser.mjs';

const PREFIX = '/portal/';
let s, dir;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'passerelle-subpath-'));
  // A copy of the portal: building the repository itself would leave its search index
  // with /portal/ addresses, which the other tests ask through `passerelle search`.
  await cp(join(REPO, 'site.toml'), join(dir, 'site', 'site.toml'));
  await cp(join(REPO, 'content'), join(dir, 'site', 'content'), { recursive: true });
  execFileSync(binary(), ['build', '--root', join(dir, 'site'), '--output', join(dir, 'public'), '--base-url', 'https://example.org' + PREFIX], { stdio: 'pipe' });
  s = await start({ root: join(dir, 'public'), prefix: PREFIX });
});
after(async () => {
  await s?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Values of href, src and action attributes in `html`. */
function links(html) {
  const out = [];
  for (const m of html.matchAll(/\s(?:href|src|action)="([^"]*)"/g)) out.push(m[1].replace(/&amp;/g, '&'));
  return out;
}

test('a crawl from /portal/ finds no broken link and none that leaves /portal/', async () => {
  const seen = new Set([PREFIX]);
  const queue = [PREFIX];
  const problems = [];
  let pages = 0;
  while (queue.length) {
    const path = queue.shift();
    const resp = await fetch(s.url(path));
    if (resp.status !== 200) { problems.push(`${path}: ${resp.status}`); continue; }
    if (!(resp.headers.get('content-type') || '').startsWith('text/html')) continue;
    pages++;
    const html = await resp.text();
    for (const m of html.matchAll(/\sdata-search-root="([^"]*)"/g)) {
      if (!m[1].startsWith(PREFIX)) problems.push(`${path}: search root ${m[1]} leaves ${PREFIX}`);
    }
    for (const link of links(html)) {
      if (/^(https?:|mailto:|#|data:)/.test(link) || link === '') continue;
      const url = new URL(link, s.url(path));
      if (!url.pathname.startsWith(PREFIX)) { problems.push(`${path}: ${link} leaves ${PREFIX}`); continue; }
      if (!seen.has(url.pathname)) { seen.add(url.pathname); queue.push(url.pathname); }
    }
  }
  assert.ok(pages > 50, `crawled ${pages} pages`);
  assert.deepEqual(problems, []);
  // The server really serves /portal/ only: the same page at the root is not found.
  assert.equal((await fetch(s.url('/en/'))).status, 404);
});

test('search under /portal/ finds pages, and a result opens', async () => {
  const page = await s.open(PREFIX + 'en/search/');
  await search(page, 'vaccine');
  const first = page.locator('[data-search-results] a').first();
  const href = await first.getAttribute('href');
  assert.ok(href.startsWith(PREFIX), `first result ${href}`);
  const [resp] = await Promise.all([page.waitForNavigation(), first.click()]);
  assert.equal(resp.status(), 200);
});

test('the language switch under /portal/ lands on the French page', async () => {
  const page = await s.open(PREFIX + 'en/');
  const link = page.locator('.lang-switch a[hreflang="fr"]');
  await Promise.all([page.waitForURL(/\/portal\/fr\//), link.click()]);
  assert.equal(new URL(page.url()).pathname, PREFIX + 'fr/');
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  const outside = s.requests.filter(({ url }) => !new URL(url).pathname.startsWith(PREFIX) && !/^(data|blob|about):/.test(url));
  assert.deepEqual(outside, [], 'every request stays under /portal/');
});
