// Accessibility: axe-core's WCAG 2.1 A and AA rules (tags wcag2a, wcag2aa, wcag21a,
// wcag21aa) must find nothing on one page of every template, in both languages, at
// 1280 px and at 375 px: the landing page, each language's home, a section listing, a
// page of each kind (case study, lesson, recommendation, forum, page), a taxonomy index
// and a term, a forum packet, the search page showing results (with a filter checked),
// and the 404 page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, axe, formatViolations, search, assertNoHorizontalScroll, WIDE, NARROW } from './lib/browser.mjs';
import { templatePages } from './lib/pages.mjs';

let s;
before(async () => { s = await start(); });
after(async () => { await s?.close(); });

const QUERY = { en: 'refugee', fr: 'refugie' };

async function check(path, { status, prepare } = {}) {
  const page = await s.open(path, { status });
  try {
    if (prepare) await prepare(page);
    // At 1280 px, then at 375 px (the narrow layout has its own backgrounds and order).
    for (const width of [WIDE.width, NARROW]) {
      await page.setViewportSize({ width, height: WIDE.height });
      const v = await axe(page);
      assert.equal(v.length, 0, `axe found ${v.length} WCAG 2.1 A/AA violation(s) on ${path} at ${width} px:\n${formatViolations(v)}`);
    }
    await assertNoHorizontalScroll(page, path);
  } finally {
    await page.close();
  }
}

test('landing page /', () => check('/'));

for (const p of templatePages()) {
  for (const lang of ['en', 'fr']) {
    const path = p[lang];
    if (p.name === 'search') {
      test(`search page with results (${lang}) ${path}`, () => check(path, {
        prepare: async (page) => {
          await search(page, QUERY[lang]);
          assert.ok(await page.locator('[data-search-results] > li').count() > 0, 'the search shows results');
          assert.ok(await page.locator('[data-search-filters] input[type=checkbox]').count() > 0, 'the search shows filters');
          // Filters checked too: axe sees the state a reader leaves the page in.
          await page.locator('[data-search-filters] input[type=checkbox]').first().check();
          await page.waitForFunction(() => new URL(location.href).searchParams.getAll('f').length === 1 && document.querySelector('[data-search-status]').textContent !== document.querySelector('form[data-search-root]').dataset.tLoading);
        },
      }));
    } else {
      test(`${p.name} (${lang}) ${path}`, () => check(path));
    }
  }
}

test('search page with no result (en, fr)', async () => {
  for (const path of ['/en/search/', templatePages().find((p) => p.name === 'search').fr]) {
    await check(path, { prepare: (page) => search(page, 'xyzzyplugh') });
  }
});

test('404 page (an unknown English and French URL)', async () => {
  await check('/en/no-such-page/', { status: 404 });
  await check('/fr/aucune-page/', { status: 404 });
});

test('every request went to the local server', () => {
  assert.ok(s.requests.length > 0);
  assert.deepEqual(s.external(), []);
});
