// One page of every template, in both languages, found in the built public/ (the first
// page of each section by name, and its French version from its hreflang alternate), so
// that the tests follow the content rather than hard-coding its slugs.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PUBLIC } from './browser.mjs';

const html = (path) => readFileSync(join(PUBLIC, path, 'index.html'), 'utf8');

/** The French URL path of an English page, from its <link rel="alternate" hreflang="fr">. */
export function frenchOf(path) {
  const m = html(path).match(/<link rel="alternate" hreflang="fr" href="([^"]+)">/);
  if (!m) throw new Error(`${path} has no French alternate`);
  return new URL(m[1]).pathname;
}

/** The first page (by folder name) of an English section folder. */
export function firstIn(section, pred = () => true) {
  const dir = join(PUBLIC, 'en', section);
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'index.html')) && !/^\d+$/.test(d.name) && d.name !== 'page')
    .map((d) => d.name)
    .sort();
  const name = names.find((n) => pred(n, html(`/en/${section}/${n}/`)));
  if (!name) throw new Error(`no page in /en/${section}/`);
  return `/en/${section}/${name}/`;
}

/** [{name, en, fr}] : one page of each template. */
export function templatePages() {
  const pairs = [
    ['home', '/en/'],
    ['section', '/en/case-studies/'],
    ['case-study', '/en/case-studies/taylor-massey-vaccination-ambassadors/'],
    ['lesson', firstIn('lessons')],
    ['recommendation', firstIn('recommendations')],
    // A forum that has been held (its day shown as "Held on", no calendar link).
    ['forum', firstIn('forums', (n, h) => h.includes('Held on <time'))],
    // A planned forum (no date yet, no calendar link).
    ['forum-planned', firstIn('forums', (n, h) => !h.includes('Held on <time'))],
    ['page', firstIn('about')],
    ['taxonomy', '/en/cities/'],
    ['term', '/en/cities/toronto/'],
  ];
  const out = pairs.map(([name, en]) => ({ name, en, fr: frenchOf(en) }));
  const forum = out.find((p) => p.name === 'forum');
  out.push({ name: 'packet', en: forum.en + 'packet/', fr: forum.fr + 'packet/' });
  out.push({ name: 'search', en: '/en/search/', fr: frenchOf('/en/search/') });
  return out;
}

/** Every HTML page of public/ as a URL path (folders as "dir/"), 404.html aside. */
export function allPages(root = PUBLIC, prefix = '/') {
  const out = [];
  for (const e of readdirSync(join(root, prefix), { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...allPages(root, prefix + e.name + '/'));
    else if (e.name === 'index.html') out.push(prefix);
    else if (e.name.endsWith('.html') && e.name !== '404.html') out.push(prefix + e.name);
  }
  return out.sort();
}
