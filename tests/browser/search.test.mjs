// The static search page in the browser (public/search/search.js over public/search/…,
// served by a plain file server): accent-insensitive French search, filters that change
// the results and the counts, ?q=&f= restoring a search, results in the other language
// flagged, and the same results in the same order, the same total and the same facet
// counts as `passerelle search --json` (the CLI over the index of the same build).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { start, binary, REPO, search, waitForResults, readResults, assertNoHorizontalScroll } from './lib/browser.mjs';

let s;
before(async () => { s = await start(); });
after(async () => { await s?.close(); });

const total = (status) => parseInt(status.replace(/[\s\u00a0\u202f]/g, '').match(/\d+/)?.[0] ?? '0', 10);
/** The counts the filters show: {taxonomy: {term: n}}. */
const shownFacets = (filters) => {
  const out = {};
  for (const f of filters) {
    const i = f.value.indexOf(':');
    (out[f.value.slice(0, i)] ||= {})[f.value.slice(i + 1)] = parseInt(f.label.match(/\((\d+)\)$/)[1], 10);
  }
  return out;
};

/** `passerelle search QUERY --json --reader LANG [--filter T=TERM]…` on the repository's last build. */
function cli(query, filters = [], reader = 'en') {
  const args = ['search', query, '--json', '--root', REPO, '--reader', reader];
  for (const f of filters) args.push('--filter', f.replace(':', '='));
  return JSON.parse(execFileSync(binary(), args, { encoding: 'utf8' }));
}

test('fr/recherche: typing «refugie» finds pages that say «réfugiés»', async () => {
  const page = await s.open('/fr/recherche/');
  await search(page, 'refugie');
  const r = await readResults(page);
  assert.ok(r.hits.length > 0, 'results are shown');
  assert.ok(total(r.status) >= r.hits.length);
  const withWord = r.hits.filter((h) => /réfugiés/i.test(h.text));
  assert.ok(withWord.length > 0, `a result's text contains «réfugiés»: ${r.hits.map((h) => h.text).join(' | ')}`);
  // The matching words are highlighted, accents and all.
  const marks = await page.$$eval('[data-search-results] mark', (ms) => ms.map((m) => m.textContent.toLowerCase()));
  assert.ok(marks.some((m) => m.startsWith('réfugié')), `highlighted: ${marks.join(', ')}`);
  await assertNoHorizontalScroll(page, '/fr/recherche/ with results');
  await page.close();
});

test('a filter changes the results and the counts; unchecking restores them', async () => {
  const page = await s.open('/fr/recherche/');
  await search(page, 'refugie');
  const before = await readResults(page);
  const counts = shownFacets(before.filters);
  // A filter that keeps some results but not all.
  const t = total(before.status);
  const pick = before.filters.find((f) => f.value.startsWith('kind:') && counts.kind[f.value.slice(5)] < t);
  assert.ok(pick, 'a kind filter narrows the results');
  await page.getByRole('checkbox', { name: pick.label }).check();
  await waitForResults(page, 'refugie', [pick.value]);
  const after = await readResults(page);
  assert.equal(total(after.status), counts.kind[pick.value.slice(5)], 'the total is the count the filter showed');
  assert.notDeepEqual(after.hits.map((h) => h.url), before.hits.map((h) => h.url), 'the results changed');
  assert.notDeepEqual(shownFacets(after.filters).populations, counts.populations, 'the counts of the other filters changed');
  const section = pick.value === 'kind:lesson' ? '/fr/lecons/' : null;
  if (section) assert.ok(after.hits.every((h) => h.url.startsWith(section)), 'only lessons are left');
  assert.ok(new URL(page.url()).searchParams.getAll('f').includes(pick.value), 'the filter is in the URL');
  await page.getByRole('checkbox', { name: new RegExp('^' + pick.label.replace(/\(\d+\)$/, '').trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) }).uncheck();
  await waitForResults(page, 'refugie', []);
  assert.deepEqual((await readResults(page)).hits, before.hits);
  await page.close();
});

test('?q= and &f= in the URL restore the search', async () => {
  const page = await s.open('/fr/recherche/');
  await search(page, 'refugie');
  await page.locator('[data-search-filters] input[value="kind:lesson"]').check();
  await waitForResults(page, 'refugie', ['kind:lesson']);
  const typed = await readResults(page);
  const url = page.url();
  assert.match(url, /[?&]q=refugie/);
  const again = await s.open(new URL(url).pathname + new URL(url).search);
  await waitForResults(again, 'refugie', ['kind:lesson']);
  assert.equal(await again.inputValue('input[name=q]'), 'refugie', 'the box holds the query');
  assert.deepEqual(await readResults(again), typed, 'the same results, counts and checked filter');
  await page.close();
  await again.close();
});

test('one result per page, in the reader\'s language, with a link to the other version (issue 20)', async () => {
  for (const [path, own, other] of [['/en/search/', 'en', 'fr'], ['/fr/recherche/', 'fr', 'en']]) {
    const page = await s.open(path + '?q=vaccine');
    await waitForResults(page, 'vaccine');
    const r = await readResults(page);
    assert.ok(r.hits.length > 1, 'several results');
    assert.ok(r.hits[0].url.includes('taylor-massey'), `the ambassadors first: ${r.hits[0].url}`);
    const name = await page.getAttribute('form[data-search-root]', 'data-t-' + other);
    const also = (await page.getAttribute('form[data-search-root]', 'data-t-also')).replace('{lang}', name);
    const urls = new Set();
    for (const h of r.hits) {
      assert.ok(h.url.startsWith('/' + own + '/'), `${h.url} is the ${own} version`);
      assert.ok(h.lang === null && h.badge === null, `${h.url} (page language) is not flagged`);
      assert.equal(h.also.length, 1, `${h.url} links its other version`);
      assert.equal(h.also[0].hreflang, other);
      assert.ok(h.also[0].url.startsWith('/' + other + '/'), h.also[0].url);
      assert.equal(h.also[0].text, also, 'says «Also in French» / «Aussi en anglais»');
      for (const u of [h.url, h.also[0].url]) { assert.ok(!urls.has(u), `${u} appears once`); urls.add(u); }
    }
    await page.close();
  }
});

test('a result shown in the other language is flagged (badge, lang and hreflang)', async () => {
  for (const [path, other] of [['/fr/recherche/', 'en'], ['/en/search/', 'fr']]) {
    const page = await s.open(path + '?q=' + encodeURIComponent('taylor massey') + '&f=lang:' + other);
    await waitForResults(page, 'taylor massey', ['lang:' + other]);
    const r = await readResults(page);
    assert.ok(r.hits.length, 'results in the other language');
    for (const h of r.hits) {
      assert.ok(h.url.startsWith('/' + other + '/'), `${h.url} is in ${other}`);
      assert.equal(h.lang, other, `${h.url} has lang=${other}`);
      assert.equal(h.hreflang, other, `${h.url} has hreflang=${other}`);
      // The badge names the language in the page's language («(French)», «(anglais)»).
      const name = await page.getAttribute('form[data-search-root]', 'data-t-' + other);
      assert.equal(h.badge, `(${name})`, `${h.url} has a badge`);
      assert.notEqual(name, other === 'en' ? 'English' : 'Français', 'said in the page language, not in the other one');
      const visible = await page.locator(`[data-search-results] a[href="${h.url}"] ~ .search-lang`).isVisible();
      assert.ok(visible, 'the badge is visible');
    }
    // The language filter: a language named in its own language carries its lang.
    for (const l of ['en', 'fr']) {
      const label = page.locator(`[data-search-filters] label:has(input[value="lang:${l}"])`);
      const own = label.locator(`span[lang="${l}"]`);
      if (await own.count()) assert.match(await label.textContent(), new RegExp(`^\\s*${await own.textContent()} \\(\\d+\\)$`));
      else assert.equal(l, path.startsWith('/en/') ? 'en' : 'fr', `the ${l} filter names its language in that language, with lang=${l}`);
    }
    await page.close();
  }
});

// Both languages' pages, accented and unaccented, a phrase, a prefix, filters (one and
// two taxonomies, the language), more than ten matches, and no match.
const PARITY = [
  ['/fr/recherche/', 'refugie', []],
  ['/fr/recherche/', 'réfugiés', []],
  ['/fr/recherche/', 'REFUGIES', []],
  ['/fr/recherche/', 'banques alimentaires', []],
  ['/en/search/', 'refugee', []],
  ['/en/search/', '"intentional connection"', []],
  ['/fr/recherche/', '« mise en relation »', []],
  ['/en/search/', 'taylor massey', []],
  ['/en/search/', 'ambassad', []],
  ['/en/search/', 'refugee', ['cities:toronto']],
  ['/fr/recherche/', 'partenariats', ['kind:recommendation', 'lang:fr']],
  ['/en/search/', 'data', ['kind:recommendation', 'kind:lesson']],
  ['/en/search/', 'xyzzyplugh', []],
  ['/en/search/', 'PLI', []],
  ['/en/search/', 'ambassadeurs de la vaccination', []],
  ['/fr/recherche/', 'protocols', []],
];

for (const [path, q, filters] of PARITY) {
  test(`same results as passerelle search --json: ${path} ${q}${filters.length ? ' ' + filters.join(' ') : ''}`, async () => {
    const reader = path.startsWith('/fr/') ? 'fr' : 'en';
    const want = cli(q, filters, reader);
    const qs = new URLSearchParams([['q', q], ...filters.map((f) => ['f', f])]);
    const page = await s.open(path + '?' + qs);
    await waitForResults(page, q, filters);
    const got = await readResults(page);
    assert.deepEqual(got.hits.map((h) => h.url), want.hits.map((h) => h.url), 'same urls in the same order');
    assert.deepEqual(got.hits.map((h) => h.title), want.hits.map((h) => h.title), 'same titles');
    assert.equal(total(got.status), want.total, `same total (${got.status})`);
    if (want.total === 0) assert.match(got.status, new RegExp(q), 'says nothing matches the query');
    // Facet counts: a filtered taxonomy shows its counts without its own filter.
    const shown = shownFacets(got.filters);
    const expected = JSON.parse(JSON.stringify(want.facets));
    for (const tax of new Set(filters.map((f) => f.split(':')[0]))) {
      expected[tax] = cli(q, filters.filter((f) => !f.startsWith(tax + ':')), reader).facets[tax] || {};
      for (const f of filters.filter((f) => f.startsWith(tax + ':'))) expected[tax][f.split(':')[1]] ??= 0;
    }
    assert.deepEqual(shown, expected, 'same facet counts');
    assert.deepEqual(got.filters.filter((f) => f.checked).map((f) => f.value).sort(), [...filters].sort(), 'the filters from the URL are checked');
    await page.close();
  });
}

test('every request went to the local server', () => {
  assert.deepEqual(s.external(), []);
});

test('the evidence level is a filter, named in the page language (issue 19)', async () => {
  for (const [path, q, legend, label] of [['/en/search/', 'intentional connection', 'Evidence level', 'Documented'], ['/fr/recherche/', 'mise en relation', 'Niveau de preuve', 'Documenté']]) {
    const page = await s.open(path + '?q=' + encodeURIComponent(q));
    await waitForResults(page, q);
    const r = await readResults(page);
    const documented = r.filters.find((f) => f.value === 'evidence:documented');
    assert.ok(documented, `an evidence filter on ${path}: ${r.filters.map((f) => f.value).join(', ')}`);
    assert.match(documented.label, new RegExp('^' + label + ' \\(\\d+\\)$'));
    const legends = await page.$$eval('[data-search-filters] legend', (ls) => ls.map((l) => l.textContent));
    assert.ok(legends.includes(legend), `the group is named «${legend}»: ${legends.join(', ')}`);
    // Checking it keeps only pages at that level, and the cli agrees.
    await page.getByRole('checkbox', { name: documented.label }).check();
    await waitForResults(page, q, ['evidence:documented']);
    const after = await readResults(page);
    const want = cli(q, ['evidence:documented'], path.startsWith('/fr/') ? 'fr' : 'en');
    assert.deepEqual(after.hits.map((h) => h.url), want.hits.map((h) => h.url));
    assert.ok(after.hits.length > 0 && after.hits.length <= r.hits.length);
    await page.close();
  }
});
