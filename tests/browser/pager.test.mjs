// The pager of a long listing, which the shipped portal is too small to have: a site of
// 1,000 pages from ../shared/bench/gen-corpus, whose case-study listing runs to 15 pages.
// Page 7 must show the first and last pages, two either side of the current one and an
// elision mark on each side that assistive technology does not read, and pass axe's
// WCAG 2.1 A/AA rules at 1280 and 375 px in both languages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, binary, start, axe, formatViolations, WIDE, NARROW } from './lib/browser.mjs';

let dir;
let s;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'passerelle-pager-'));
  const site = join(dir, 'site');
  execFileSync(join(REPO, '..', 'shared', 'bench', 'gen-corpus'), ['--pairs', '500', '--out', site], { stdio: 'ignore' });
  execFileSync(binary(), ['build', '--root', site], { stdio: ['ignore', 'ignore', 'pipe'] });
  s = await start({ root: join(site, 'public') });
});
after(async () => {
  await s?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The pager's entries as text: page numbers, `…`, `prev`, `next`; `[7]` for the current page. */
async function pagerEntries(page) {
  return page.$$eval('nav.pager li', (items) => items.map((li) => {
    const link = li.querySelector('a');
    if (link?.rel === 'prev') return 'prev';
    if (link?.rel === 'next') return 'next';
    if (li.getAttribute('aria-hidden') === 'true') return li.textContent.trim() === '…' ? '…' : `hidden:${li.textContent}`;
    const number = li.textContent.replace(/\D/g, '');
    return li.querySelector('[aria-current="page"]') ? `[${number}]` : number;
  }));
}

for (const path of ['/en/case-studies/page/7/', '/fr/etudes-de-cas/page/7/']) {
  test(`a long listing's pager is windowed and accessible: ${path}`, async () => {
    const page = await s.open(path);
    try {
      assert.deepEqual(await pagerEntries(page), ['prev', '1', '…', '5', '6', '[7]', '8', '9', '…', '15', 'next']);
      // The elided runs are not links a keyboard user has to pass.
      assert.equal(await page.locator('nav.pager li.gap a').count(), 0);
      for (const width of [WIDE.width, NARROW]) {
        await page.setViewportSize({ width, height: WIDE.height });
        const v = await axe(page);
        assert.equal(v.length, 0, `axe found ${v.length} violation(s) on ${path} at ${width} px:\n${formatViolations(v)}`);
      }
    } finally {
      await page.close();
    }
  });
}
