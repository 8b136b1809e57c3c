// Layout: full-page screenshots at 1280 px and 375 px of the home, a case study, a forum
// and the search page with results, in both languages, written to
// tests/browser/screenshots/ (to be looked at); and no page of the site scrolls
// horizontally at 375 px (nor at 320 px, the narrowest width the theme promises).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, search, screenshot, assertNoHorizontalScroll, NARROW, WIDE } from './lib/browser.mjs';
import { templatePages, allPages } from './lib/pages.mjs';

let s;
before(async () => { s = await start(); });
after(async () => { await s?.close(); });

const QUERY = { en: 'refugee', fr: 'refugie' };
const SHOTS = templatePages().filter((p) => ['home', 'case-study', 'forum', 'search'].includes(p.name));

for (const p of SHOTS) {
  for (const lang of ['en', 'fr']) {
    for (const width of [WIDE.width, NARROW]) {
      test(`screenshot ${lang}-${p.name}-${width}`, async () => {
        const page = await s.open(p[lang], { width });
        if (p.name === 'search') await search(page, QUERY[lang]);
        await assertNoHorizontalScroll(page, `${p[lang]} (${p.name})`);
        await screenshot(page, `${lang}-${p.name}-${width}`);
        await page.close();
      });
    }
  }
}

test('no page of the site scrolls horizontally at 375 px or 320 px', async () => {
  const page = await s.context.newPage();
  const failures = [];
  const pages = allPages();
  assert.ok(pages.length > 100, `${pages.length} pages`);
  const overflows = () => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
  for (const path of pages) {
    await page.setViewportSize({ width: NARROW, height: 800 });
    await page.goto(s.url(path), { waitUntil: 'load' });
    s.visited.add(path);
    for (const width of [NARROW, 320]) {
      if (width !== NARROW) await page.setViewportSize({ width, height: 800 });
      // On a failure, the full check names the elements that stick out.
      if (await overflows()) await assertNoHorizontalScroll(page, path, width).catch((e) => failures.push(e.message));
    }
  }
  await page.close();
  assert.deepEqual(failures, [], failures.join('\n'));
});

test('every request went to the local server', () => {
  assert.deepEqual(s.external(), []);
});
