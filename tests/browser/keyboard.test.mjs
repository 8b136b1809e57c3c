// Keyboard alone: from the top of a page, Tab reaches the skip link first and Enter on it
// moves focus to <main>; the language switch is reachable and Enter follows it; on the
// search page the box, the filters and the results are reachable and usable: type a query,
// Tab to a filter, Space toggles it and the results change, Enter opens a result.
// Every focused element must show a visible focus indicator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, waitForResults, readResults, assertNoHorizontalScroll } from './lib/browser.mjs';
import { templatePages } from './lib/pages.mjs';

let s;
before(async () => { s = await start(); });
after(async () => { await s?.close(); });

/** What has focus: tag, classes, href/value, and whether a focus indicator is drawn. */
const focused = (page) => page.evaluate(() => {
  const e = document.activeElement;
  const cs = getComputedStyle(e);
  const r = e.getBoundingClientRect();
  return {
    tag: e.tagName.toLowerCase(), id: e.id, cls: e.className && typeof e.className === 'string' ? e.className : '',
    href: e.getAttribute('href'), hreflang: e.getAttribute('hreflang'), type: e.getAttribute('type'), value: e.value ?? null,
    inFilters: !!e.closest('[data-search-filters]'), inResults: !!e.closest('[data-search-results]'), inSwitch: !!e.closest('.lang-switch'),
    visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.left < innerWidth,
    indicator: (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none',
    text: (e.textContent || '').trim().slice(0, 60),
  };
});

/** Presses Tab until `pred(focused)` holds (at most `max` times); returns the stops passed. */
async function tabTo(page, pred, max = 40) {
  const stops = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    stops.push(f);
    assert.ok(f.indicator, `no visible focus indicator on ${f.tag}.${f.cls} “${f.text}” (${page.url()})`);
    if (pred(f)) return stops;
  }
  assert.fail(`not reached with ${max} Tabs on ${page.url()}; stops: ${stops.map((f) => `${f.tag}${f.href ? '[' + f.href + ']' : ''}`).join(' ')}`);
}

for (const p of templatePages().filter((p) => ['home', 'case-study', 'search', 'term'].includes(p.name))) {
  for (const lang of ['en', 'fr']) {
    test(`skip link first, then <main> (${p[lang]})`, async () => {
      const page = await s.open(p[lang]);
      await page.keyboard.press('Tab');
      const f = await focused(page);
      assert.equal(f.href, '#main', `first Tab stop is the skip link, got ${f.tag} “${f.text}”`);
      assert.ok(f.visible, 'the skip link is visible when focused');
      assert.ok(f.indicator, 'the skip link shows focus');
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'main', 'Enter on the skip link moves focus to <main>');
      // The next Tab goes to the first control inside main, not back to the header.
      await page.keyboard.press('Tab');
      assert.ok(await page.evaluate(() => document.querySelector('main').contains(document.activeElement)), 'Tab after the skip link stays in main');
      await page.close();
    });
  }
}

test('the language switch is reachable with Tab and Enter follows it (en → fr, fr → en)', async () => {
  for (const p of templatePages().filter((p) => ['home', 'case-study', 'recommendation'].includes(p.name))) {
    for (const [from, to] of [['en', 'fr'], ['fr', 'en']]) {
      const page = await s.open(p[from]);
      const stops = await tabTo(page, (f) => f.inSwitch && f.tag === 'a', 6);
      const f = stops.at(-1);
      assert.equal(f.hreflang, to, `the switch on ${p[from]} points to ${to}`);
      await Promise.all([page.waitForURL(s.url(p[to])), page.keyboard.press('Enter')]);
      assert.equal(new URL(page.url()).pathname, p[to]);
      assert.equal(await page.getAttribute('html', 'lang'), to);
      await page.close();
    }
  }
});

for (const [lang, path, q] of [['en', '/en/search/', 'refugee'], ['fr', '/fr/recherche/', 'refugie']]) {
  test(`search with the keyboard alone (${path})`, async () => {
    const page = await s.open(path);
    // Tab to the box and type.
    await tabTo(page, (f) => f.tag === 'input' && f.type === 'search', 15);
    await page.keyboard.type(q, { delay: 20 });
    await waitForResults(page, q, []);
    const first = await readResults(page);
    assert.ok(first.hits.length > 0 && first.filters.length > 0, 'results and filters are shown');
    // Tab on: the results come first, every one of them reachable, each followed by the
    // link to its other version ("Also in French").
    const links = first.hits.flatMap((h) => [h.url, ...h.also.map((a) => a.url)]);
    const toResults = await tabTo(page, (f) => f.inResults && f.tag === 'a', 5);
    const reached = [toResults.at(-1).href];
    for (let i = 1; i < links.length; i++) {
      await page.keyboard.press('Tab');
      reached.push((await focused(page)).href);
    }
    assert.deepEqual(reached, links, 'Tab goes through the results in order');
    // Then a filter that narrows the results (not one that every result has).
    const total = parseInt(first.status.replace(/\D+/g, ''), 10);
    const narrowing = (f) => f.inFilters && f.type === 'checkbox' && (() => {
      const label = first.filters.find((x) => x.value === f.value).label;
      return parseInt(label.match(/\((\d+)\)$/)[1], 10) < total;
    })();
    const f = (await tabTo(page, narrowing, 60)).at(-1);
    await page.keyboard.press('Space');
    await waitForResults(page, q, [f.value]);
    const after = await readResults(page);
    assert.ok(after.filters.find((x) => x.value === f.value).checked, 'Space checked the filter');
    assert.notEqual(after.status, first.status, 'the count changed');
    assert.notDeepEqual(after.hits.map((h) => h.url), first.hits.map((h) => h.url), 'the results changed');
    const back = await focused(page);
    assert.equal(back.value, f.value, 'focus stays on the filter just toggled');
    await assertNoHorizontalScroll(page, `${path} with a filter`);
    // Space again: back to the first results.
    await page.keyboard.press('Space');
    await waitForResults(page, q, []);
    assert.deepEqual((await readResults(page)).hits.map((h) => h.url), first.hits.map((h) => h.url));
    assert.equal((await focused(page)).value, f.value, 'focus still on the filter');
    // Shift+Tab back up to the last result and open it with Enter.
    let link;
    for (let i = 0; i < 80 && !link; i++) {
      await page.keyboard.press('Shift+Tab');
      const g = await focused(page);
      assert.ok(g.indicator, `no visible focus indicator on ${g.tag} “${g.text}”`);
      if (g.inResults && g.tag === 'a') link = g;
    }
    assert.ok(link, 'a result is reachable with Shift+Tab from the filters');
    assert.equal(link.href, links.at(-1), 'the last link of the last result');
    await Promise.all([page.waitForURL(s.url(link.href)), page.keyboard.press('Enter')]);
    assert.equal(new URL(page.url()).pathname, link.href);
    await page.close();
  });
}

test('every request went to the local server', () => {
  assert.deepEqual(s.external(), []);
});
