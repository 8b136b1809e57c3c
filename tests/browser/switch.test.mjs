// The language switch. On the shipped portal: from each English case study, following the
// switch lands on its French translation (a different slug), whose own switch leads back.
// On a copy of the site with one French page removed (and translations = "warn" so that
// it builds): the English page's switch says plainly that no French version exists, and
// offers the French home page instead; axe finds nothing there either.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start, binary, REPO, axe, formatViolations } from './lib/browser.mjs';

/** A theme string (`key = "value"` in themes/default/i18n/LANG.toml). */
function i18n(lang, key) {
  const toml = readFileSync(join(REPO, 'themes', 'default', 'i18n', lang + '.toml'), 'utf8');
  const m = toml.match(new RegExp('^' + key + '\\s*=\\s*"([^"]*)"', 'm'));
  assert.ok(m, `${key} in ${lang}.toml`);
  return m[1];
}

test('from an English case study, the switch lands on its French translation', async (t) => {
  const s = await start();
  t.after(() => s.close());
  const dir = join(REPO, 'public', 'en', 'case-studies');
  const names = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  assert.ok(names.length >= 6, 'the case studies are built');
  let differentSlug = 0;
  for (const name of names) {
    const en = `/en/case-studies/${name}/`;
    const page = await s.open(en);
    const link = page.locator('.lang-switch a[hreflang="fr"]');
    assert.equal(await link.count(), 1, `${en}: one link to French in the switch`);
    assert.equal(await link.getAttribute('lang'), 'fr', 'the link is marked as French');
    await Promise.all([page.waitForURL(/\/fr\//), link.click()]);
    const fr = new URL(page.url()).pathname;
    assert.match(fr, /^\/fr\/etudes-de-cas\/[^/]+\/$/, `${en} → ${fr}`);
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    // It is this page's translation: its own switch and hreflang alternate lead back here.
    assert.equal(await page.getAttribute('.lang-switch a[hreflang="en"]', 'href'), en);
    assert.equal(new URL(await page.getAttribute('link[rel=alternate][hreflang=en]', 'href')).pathname, en);
    if (fr.split('/')[3] !== name) differentSlug++;
    await page.close();
  }
  assert.ok(differentSlug > 0, 'translations have their own French slugs');
  const tm = await s.open('/en/case-studies/taylor-massey-vaccination-ambassadors/');
  await Promise.all([tm.waitForURL(/\/fr\//), tm.click('.lang-switch a[hreflang="fr"]')]);
  assert.equal(new URL(tm.url()).pathname, '/fr/etudes-de-cas/ambassadeurs-vaccination-taylor-massey/');
  assert.equal((await tm.textContent('h1')).trim().length > 0, true);
  assert.deepEqual(s.external(), [], 'every request went to the local server');
});

test('a page with no French version: the switch says so', async (t) => {
  // A copy of the site without one French page, built into its own output folder.
  const root = await mkdtemp(join(tmpdir(), 'passerelle-notr-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await cp(join(REPO, 'site.toml'), join(root, 'site.toml'));
  await cp(join(REPO, 'content'), join(root, 'content'), { recursive: true });
  const key = 'case-studies/settlement-services-online';
  await rm(join(root, 'content', key + '.fr.md'));
  const toml = await readFile(join(root, 'site.toml'), 'utf8');
  assert.match(toml, /^translations = "require"$/m);
  await writeFile(join(root, 'site.toml'), toml.replace(/^translations = "require"$/m, 'translations = "warn"'));
  const out = join(root, 'out');
  execFileSync(binary(), ['build', '--root', root, '--output', out], { stdio: ['ignore', 'ignore', 'pipe'] });

  const s = await start({ root: out });
  t.after(() => s.close());
  const path = '/en/case-studies/settlement-services-online/';
  const page = await s.open(path);
  const sw = page.locator('.lang-switch');
  assert.equal(await sw.locator('a.lang-link').count(), 0, 'no link to a French version');
  const says = sw.locator('.no-translation');
  assert.equal(await says.getAttribute('lang'), 'fr', 'said in French, to the reader who wants French');
  const text = (await says.textContent()).replace(/\s+/g, ' ').trim();
  assert.ok(text.startsWith(i18n('fr', 'no_translation')), `the switch says «${i18n('fr', 'no_translation')}»: ${text}`);
  assert.ok(await says.isVisible(), 'and it is visible');
  // The English reader is told too, in English.
  const notices = await page.locator('main .notice[lang="en"]').allTextContents();
  assert.ok(notices.some((n) => n.includes(i18n('en', 'only_in_en'))), `notice: ${notices}`);
  // What the switch offers instead is the French home page, reachable by keyboard.
  const home = says.locator('a');
  assert.equal(await home.getAttribute('href'), '/fr/');
  assert.equal(await home.getAttribute('hreflang'), 'fr');
  const v = await axe(page);
  assert.equal(v.length, 0, formatViolations(v));
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => !!document.activeElement.closest('.no-translation'))) break;
  }
  assert.ok(await page.evaluate(() => !!document.activeElement.closest('.no-translation')), 'the link is reachable with Tab');
  await Promise.all([page.waitForURL(s.url('/fr/')), page.keyboard.press('Enter')]);
  // The other English pages of that copy still have their French switch.
  const other = await s.open('/en/case-studies/taylor-massey-vaccination-ambassadors/');
  assert.equal(await other.locator('.lang-switch a[hreflang="fr"]').count(), 1);
  assert.deepEqual(s.external(), [], 'every request went to the local server');
});
