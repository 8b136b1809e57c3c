// Shared set-up of the browser tests: Debian's Chromium driven by playwright-core, a fresh
// empty profile, the static server, a record of every request, the 375 px check.
import { chromium } from 'playwright-core';
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { serve } from './server.mjs';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const PUBLIC = join(REPO, 'public');
export const SHOTS = join(REPO, 'tests', 'browser', 'screenshots');
export const AXE = join(REPO, 'node_modules', 'axe-core', 'axe.min.js');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// Exactly the flags of issue 7, plus --disable-quic; the profile is a new empty folder.
export const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];
export const WIDE = { width: 1280, height: 900 };
export const NARROW = 375;

/**
 * The passerelle binary: $PASSERELLE_BIN if set (CI sets the one that built public/),
 * else target/release/passerelle if built, else target/debug/passerelle.
 */
export function binary() {
  if (process.env.PASSERELLE_BIN) return process.env.PASSERELLE_BIN;
  for (const p of ['target/release/passerelle', 'target/debug/passerelle']) {
    if (existsSync(join(REPO, p))) return join(REPO, p);
  }
  throw new Error('no passerelle binary: run `cargo build` first');
}

/**
 * Starts the server on `root` (default public/) and Chromium with an empty profile.
 * Returns a session: open(path) gives a page that is loaded, recorded and checked at
 * 375 px; requests lists every request any page made; close() ends both.
 */
export async function start({ root = PUBLIC, prefix = '/' } = {}) {
  assert.ok(existsSync(join(root, 'index.html')), `${root} has no index.html: build the portal first`);
  const server = await serve(root, { prefix });
  const profile = await mkdtemp(join(tmpdir(), 'passerelle-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: WIDE,
    locale: 'en-CA',
    timezoneId: 'America/Toronto',
  });
  context.setDefaultTimeout(15000);
  const requests = [];
  const visited = new Set();
  const watch = (page) => page.on('request', (r) => requests.push({ url: r.url(), from: page.url() }));
  context.pages().forEach(watch);
  context.on('page', watch);

  const session = {
    server,
    context,
    requests,
    visited,
    url: (path) => server.url + path,
    /** A new page at `path`, loaded, then checked for horizontal scrolling at 375 px. */
    async open(path, { width = WIDE.width, narrowCheck = true, status } = {}) {
      const page = await context.newPage();
      await page.setViewportSize({ width, height: WIDE.height });
      const resp = await page.goto(server.url + path, { waitUntil: 'load' });
      if (status !== undefined) assert.equal(resp.status(), status, `status of ${path}`);
      else assert.ok(resp.ok(), `${path} answered ${resp.status()}`);
      visited.add(path);
      if (narrowCheck) await assertNoHorizontalScroll(page, path);
      return page;
    },
    /** Every recorded request whose URL is not on the local server (nor data:/blob:). */
    external() {
      return requests.filter(({ url }) => !isLocal(url, server.url));
    },
    async close() {
      await context.close().catch(() => {});
      await server.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
  return session;
}

export function isLocal(url, origin) {
  if (/^(data|blob|about):/.test(url)) return true;
  try { return new URL(url).origin === new URL(origin).origin; } catch { return false; }
}

/**
 * Sets the page to 375 px (or `width`) wide, asserts it does not scroll horizontally
 * (document.documentElement.scrollWidth <= clientWidth), and restores its width.
 * The failure names the elements that stick out.
 */
export async function assertNoHorizontalScroll(page, label = page.url(), width = NARROW) {
  const before = page.viewportSize();
  if (before.width !== width) await page.setViewportSize({ width, height: before.height });
  const m = await page.evaluate(() => {
    const d = document.documentElement, cw = d.clientWidth;
    const out = [];
    if (d.scrollWidth > cw) {
      for (const e of document.body.querySelectorAll('*')) {
        const r = e.getBoundingClientRect();
        if (r.right > cw + 0.5 && r.width > 0) {
          out.push(`${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : ''} right=${Math.round(r.right)}`);
        }
      }
    }
    return { scrollWidth: d.scrollWidth, clientWidth: cw, culprits: out.slice(0, 8) };
  });
  if (before.width !== width) await page.setViewportSize(before);
  assert.ok(
    m.scrollWidth <= m.clientWidth,
    `${label} scrolls horizontally at ${width} px: scrollWidth ${m.scrollWidth} > clientWidth ${m.clientWidth}; sticking out: ${m.culprits.join(', ')}`,
  );
}

/** Runs axe-core's WCAG 2.1 A/AA rules on the page; resolves to the violations. */
export async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html.slice(0, 200), summary: n.failureSummary })) }));
  });
}

export function formatViolations(vs) {
  return vs.map((v) => `${v.id} (${v.impact}): ${v.help}\n` + v.nodes.map((n) => `    ${n.target}\n      ${n.html}\n      ${(n.summary || '').replace(/\n/g, '\n      ')}`).join('\n')).join('\n');
}

/** Types `q` into the search box (key by key) and waits for its results. */
export async function search(page, q) {
  const box = page.locator('form[data-search-root] input[name=q]');
  await box.fill('');
  await box.pressSequentially(q, { delay: 10 });
  await waitForResults(page, q);
}

/**
 * Waits until the page shows the response to query `q` with `filters` (["tax:term"...],
 * default: whatever is selected): the script writes both to the URL when a search starts,
 * sets the status to its loading text, and replaces that text when it renders.
 */
export async function waitForResults(page, q, filters = null) {
  await page.waitForFunction(([q, filters]) => {
    const form = document.querySelector('form[data-search-root]');
    const s = document.querySelector('[data-search-status]');
    const url = new URL(location.href);
    if (url.searchParams.get('q') !== q) return false;
    if (filters && url.searchParams.getAll('f').join('|') !== filters.join('|')) return false;
    return s.textContent !== '' && s.textContent !== form.dataset.tLoading;
  }, [q, filters]);
}

/** Reads what the page shows: total from the status, result links, filters. */
export async function readResults(page) {
  return page.evaluate(() => ({
    status: document.querySelector('[data-search-status]').textContent,
    hits: [...document.querySelectorAll('[data-search-results] > li')].map((li) => {
      const a = li.querySelector('a');
      const also = [...li.querySelectorAll('a.search-also')].map((v) => ({ url: new URL(v.href).pathname, hreflang: v.getAttribute('hreflang'), text: v.textContent }));
      return { url: new URL(a.href).pathname, title: a.textContent, lang: a.getAttribute('lang'), hreflang: a.getAttribute('hreflang'), badge: li.querySelector('.search-lang')?.textContent || null, also, text: li.textContent };
    }),
    filters: [...document.querySelectorAll('[data-search-filters] input[type=checkbox]')].map((c) => ({ value: c.value, checked: c.checked, label: c.closest('label').textContent.trim() })),
  }));
}

export async function screenshot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, name + '.png'), fullPage: true });
}
