// HTML validation with the Nu Html Checker (vnu-jar, pinned in package-lock.json):
// `java -jar node_modules/vnu-jar/build/dist/vnu.jar --errors-only --skip-non-html public`
// must print nothing, and neither may it for the search pages as the script leaves them
// (results, filters, a checked filter, other-language badges), serialized from the browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start, REPO, PUBLIC, waitForResults } from './lib/browser.mjs';

const VNU = join(REPO, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');

test('the Nu Html Checker finds no error in public/ nor in the rendered search pages', async (t) => {
  assert.ok(existsSync(VNU), `${VNU} is missing: run npm ci`);
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  assert.equal(java.status, 0, 'java is needed for the Nu Html Checker (apt-get install default-jre-headless)');

  const dir = await mkdtemp(join(tmpdir(), 'passerelle-rendered-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const s = await start();
  t.after(() => s.close());
  for (const [name, path, q, filters] of [
    ['en-search', '/en/search/', 'taylor massey', ['kind:case-study']],
    ['fr-recherche', '/fr/recherche/', 'refugie', []],
  ]) {
    const qs = new URLSearchParams([['q', q], ...filters.map((f) => ['f', f])]);
    const page = await s.open(path + '?' + qs);
    await waitForResults(page, q, filters);
    assert.ok(await page.locator('[data-search-results] > li').count() > 0);
    const html = await page.evaluate(() => '<!DOCTYPE html>\n' + document.documentElement.outerHTML);
    await writeFile(join(dir, name + '.html'), html);
    await page.close();
  }
  assert.deepEqual(s.external(), [], 'every request went to the local server');

  const r = spawnSync('java', ['-jar', VNU, '--errors-only', '--skip-non-html', PUBLIC, dir], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const out = (r.stdout + r.stderr).trim();
  assert.equal(out, '', `vnu reported:\n${out}`);
  assert.equal(r.status, 0, `vnu exited with ${r.status}`);
});
