/* Passerelle search: the static search page. No framework, no build step.
 *
 * The theme's search page (/en/search/, /fr/recherche/) provides:
 *
 *   <form role="search" data-search-root="/search/" data-lang="en" action=""
 *         data-t-results="{n} results" data-t-result="1 result"
 *         data-t-none="No results for “{q}”." data-t-loading="Searching…"
 *         data-t-error="Search is unavailable." data-t-en="English" data-t-fr="French"
 *         data-t-also="Also in {lang}"
 *         data-t-kind="Type" data-t-lang="Language" data-t-cities="Cities" ...>
 *     <label for="search-q">Search</label>
 *     <input type="search" id="search-q" name="q" autocomplete="off">
 *     <button type="submit">Search</button>
 *     <script type="application/json" data-search-labels>{"cities/toronto": "Toronto"}</script>
 *   </form>
 *   <p data-search-status aria-live="polite"></p>
 *   <div data-search-filters></div>
 *   <ol data-search-results></ol>
 *   <noscript>Search needs JavaScript; browse the sections and taxonomies instead.</noscript>
 *   <script src="/search/search.js" defer></script>
 *
 * data-search-root: URL of public/search/. data-lang: the page's language (its index
 * is loaded when the box gets focus; results in the other language get a badge).
 * data-t-*: UI strings; data-t-TAXONOMY names a filter group; the optional JSON labels
 * map "taxonomy/term" to a label (default: the term id). Optional data-site-root is
 * prefixed to result URLs. The query and filters live in the URL (?q=…&f=cities:toronto).
 *
 * The search core (everything above `ui`) mirrors src/search/query.rs step by step and
 * scores with the exported BM25 inputs exactly as tantivy does (f32 via Math.fround);
 * tests/it/search_parity.rs runs it under Node: require('search.js').open(loader).
 */
(function () {
  'use strict';
  const F = Math.fround;
  const WORD = /[\p{Alphabetic}\p{N}]+/gu;
  const ALNUM = /[\p{Alphabetic}\p{N}]/u;
  const ELIDED = /['\u2019][\p{Alphabetic}\p{N}]/uy;
  // Where tantivy's AsciiFoldingFilter differs from "NFKD base letters, if ASCII" for
  // Latin letters (U+00A0-U+024F, U+1E00-U+1EFF, ligatures): char, then its folding.
  const FOLD = {};
  for (const e of 'ªª ²2 ³3 ¹1 ºº æae ðd øo þth ßss đd ħh ıi ĸq ŀl łl ŉn ŋn œoe ŧt ƀb ɓb ƃb ɔo ƈc ɖd ɗd ƌd ǝe əa ɛe ƒf ɠg ƕhv ɨi ƙk ƚl ɯm ɲn ƞn ɵo ƥp ʀR ƫt ƭt ʈt ʋv ƴy ƶz ƿw ǣae ǥG ǧG ǽae ǿo ȝz ȡd ȣou ȥz ȴl ȵn ȶt ȷj ȸdb ȹqp ⱥa ȼc ⱦt ȿs ɀz ʉu ʌv ɇe ɉj ɋq ɍr ɏy ẚa ẛf ẜs ẝs ỻll ỿy ﬅﬅ'.split(' ')) { const [k, ...v] = e; FOLD[k] = v.join(''); }

  // ---- Text: analysis.rs (surface form, key) ----
  function fold(w) {
    if (!/[^\0-\x7f]/.test(w)) return w;
    let out = '', d;
    for (const c of w) {
      out += c < '\x80' ? c : FOLD[c] ?? (/\p{Script=Latin}/u.test(c) && /^[\0-\x7f]+$/.test(d = c.normalize('NFKD').replace(/\p{M}/gu, '')) ? d : c);
    }
    return out;
  }
  // `spec`: a language's entry of meta.langs: its elided words, whether it folds endings.
  function words(text, spec, withOffsets) {
    const out = [], elisions = spec.elisions || [];
    for (const m of text.matchAll(WORD)) {
      const w = m[0], end = m.index + w.length;
      ELIDED.lastIndex = end;
      if (elisions.length && ELIDED.test(text) && elisions.includes(w.toLowerCase())) continue;
      const s = fold(w.toLowerCase());
      out.push(withOffsets ? [s, m.index, end] : s);
    }
    return out;
  }
  function key(s, spec) {
    if (!spec.endings) return s;
    let n = [...s].length;
    if (n > 3 && /[^aious]s$/u.test(s)) { s = s.slice(0, -1); n--; }
    while (n > 3 && s.endsWith('e')) { s = s.slice(0, -1); n--; }
    return s;
  }
  // analysis.rs singulars(): the singular forms a plural key may have.
  function singulars(k, spec) {
    const out = [];
    for (const [pl, sg] of spec.plurals || []) {
      if (!k.endsWith(pl)) continue;
      const stem = k.slice(0, k.length - pl.length), c = stem + sg;
      if ([...stem].length >= 2 && c !== k && !out.includes(c)) out.push(c);
    }
    return out;
  }

  // ---- Query language: query.rs (segments, clauses) ----
  function segments(q, quotes) {
    const out = [];
    let quoted = false, cur = '', last = '';
    for (const c of q) {
      last = c;
      if (quotes.includes(c)) { out.push([cur, quoted]); quoted = !quoted; cur = ''; } else cur += c;
    }
    out.push([cur, quoted]);
    return [out.filter(s => s[0].trim()), !quoted && ALNUM.test(last)];
  }
  function clauses(meta, lang, q) {
    const spec = meta.langs[lang] || {}, [segs, prefix] = segments(q, meta.quotes), out = [];
    segs.forEach(([text, quoted], i) => {
      const ws = words(text, spec);
      if (quoted && ws.length > 1) return out.push({ phrase: ws.map(w => key(w, spec)) });
      ws.forEach((w, j) => out.push({
        surface: w, key: key(w, spec),
        prefix: prefix && !quoted && i === segs.length - 1 && j === ws.length - 1 && [...w].length >= meta.minPrefix,
      }));
    });
    return out;
  }
  // synonyms.rs rewrite(): a run of words that spells an entry becomes {any: [typed, entries…]}.
  function synonyms(cs, spec) {
    const sets = spec.synonyms || [], out = [];
    if (!sets.length) return cs;
    const spells = (c, k) => c.key !== undefined && (c.key === k || singulars(c.key, spec).includes(k));
    for (let i = 0; i < cs.length;) {
      let best = null;
      sets.forEach((set, s) => {
        for (const e of set) {
          if (i + e.length > cs.length || (best && best[0] >= e.length)) continue;
          if (e.every((k, j) => spells(cs[i + j], k))) best = [e.length, s];
        }
      });
      if (!best) { out.push(cs[i++]); continue; }
      const [n, s] = best;
      const typed = n === 1 ? cs[i] : { phrase: cs.slice(i, i + n).map(c => c.key) };
      out.push({ any: [typed, ...sets[s].map(e => e.length === 1 ? { surface: e[0], key: e[0], prefix: false } : { phrase: e })] });
      i += n;
    }
    return out;
  }

  // ---- Binary data: export.rs ----
  function R(b) {
    const r = { b, i: 0, v() { let x = 0, s = 1, c; do { c = b[r.i++]; x += (c & 127) * s; s *= 128; } while (c & 128); return x; } };
    return r;
  }
  async function inflate(buf) {
    return new Uint8Array(await new Response(new Blob([buf]).stream().pipeThrough(new DecompressionStream('deflate-raw'))).arrayBuffer());
  }
  const shardOf = (starts, x) => { let i = 0; while (i + 1 < starts.length && starts[i + 1] <= x) i++; return i; };
  const NORM = [];
  for (let i = 0, v = 0, s = 1; i < 256; i++) { NORM.push(v); if (i >= 40 && (i - 40) % 8 === 0) s *= 2; v += s; }

  // Caches a promise by key, forgetting it if it fails (a network error is retried).
  const memo = (m, k, f) => {
    if (!m.has(k)) m.set(k, f().catch(e => { m.delete(k); throw e; }));
    return m.get(k);
  };

  // The search core over a loader: path relative to public/search/ -> bytes (Promise).
  function open(load) {
    const files = new Map(), langs = new Map();
    let meta;
    const bin = p => memo(files, p, () => load(meta.base + p).then(inflate));
    const init = () => memo(files, 'meta.json', () => load('meta.json').then(b => {
      const m = JSON.parse(new TextDecoder().decode(b));
      if (m.format !== 5) throw new Error('search: unknown format ' + m.format);
      // Shard boundaries come as differences.
      const sums = a => { let t = 0; return a.map(d => (t += d)); };
      for (const L of Object.values(m.langs)) { L.postings = sums(L.postings); L.positions = sums(L.positions); }
      return (meta = m);
    }));
    // facets.bin: per language, each local doc's page and facet ids, and each page's
    // local doc: { lang: {pages, docs, facets: [[facet id…]…]} }.
    const facetTable = () => memo(files, 'facets', () => bin('facets.bin').then(b => {
      const r = R(b), out = {}, names = meta.languages;
      names.forEach((lang, l) => {
        const n = meta.langs[lang].count, pages = new Uint32Array(n), docs = new Int32Array(meta.pages).fill(-1), facets = [];
        for (let k = 0; k < n; k++) docs[pages[k] = (k ? pages[k - 1] : 0) + r.v()] = k;
        const pair = l > 0 ? Int32Array.from(pages, p => out[names[0]].docs[p]) : new Int32Array(n).fill(-1);
        for (let k = 0; k < n; k++) facets.push([]);
        const has = out[names[0]] && out[names[0]].facets;
        meta.facets.forEach(([tax, t], f) => {
          if (tax === 'lang') { if (t === lang) facets.forEach(a => a.push(f)); return; }
          for (let k = 0; k < n; k++) {
            const own = pair[k] >= 0 && has[pair[k]].includes(f);
            if (own !== !!(b[r.i + (k >> 3)] >> (k & 7) & 1)) facets[k].push(f);
          }
          r.i += (n + 7) >> 3;
        });
        out[lang] = { pages, docs, facets };
      });
      return out;
    }));
    // One language's tables (its part of facets.bin; fieldnorms as shards arrive) and BM25 constants.
    function language(lang) {
      return memo(langs, lang, () => init().then(facetTable).then(all => {
        const m = meta.langs[lang], n = m.count, facets = all[lang].facets, pages = all[lang].pages;
        const norms = [0, 1, 2].map(() => new Uint8Array(n));
        const K1 = F(meta.k1), B = F(meta.b), N = F(meta.docs);
        const cache = m.tokens.map(t => { const avg = F(F(t) / N); return NORM.map(fn => F(K1 * F(F(1 - B) + F(F(B * F(fn)) / avg)))); });
        return { lang, order: meta.languages.indexOf(lang), m, n, norms, facets, pages, cache, w1: F(1 + K1), dict: new Map(), terms: new Map(), shards: new Map() };
      }));
    }
    // Fieldnorm ids of the documents `docs`, loaded by shards of meta.normShard documents.
    async function loadNorms(L, docs) {
      const S = meta.normShard, need = new Set();
      for (const d of docs) need.add(Math.floor(d / S));
      await Promise.all([...need].map(k => memo(L.shards, k, () => bin(L.lang + '/n' + k + '.bin').then(b => {
        const len = Math.min(S, L.n - k * S);
        for (let f = 0; f < 3; f++) L.norms[f].set(b.subarray(f * len, (f + 1) * len), k * S);
      }))));
    }
    // meta.idf: ulps to add where tantivy's logf is not correctly rounded.
    const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
    const idf = df => {
      const N = meta.docs;
      f32[0] = Math.log(F(1 + F(F(F(N - df) + 0.5) / F(F(df) + 0.5))));
      u32[0] += meta.idf[df] || 0;
      return f32[0];
    };
    function dictShard(L, i) {
      return memo(L.dict, i, () => bin(L.lang + '/d' + i + '.bin').then(b => {
        const r = R(b), dec = new TextDecoder(), list = [], map = new Map();
        let prev = new Uint8Array(0);
        while (r.i < b.length) {
          const sh = r.v(), len = r.v(), k = new Uint8Array(sh + len);
          k.set(prev.subarray(0, sh)); k.set(b.subarray(r.i, r.i + len), sh); r.i += len; prev = k;
          const e = [dec.decode(k), r.v(), r.v()];
          list.push(e); map.set(e[0], e);
        }
        return { list, map };
      }));
    }
    const lookup = async (L, k) => L.m.dict.length ? (await dictShard(L, shardOf(L.m.dict, k))).map.get(k) : undefined;
    async function withPrefix(L, p) {
      const d = L.m.dict, out = [];
      for (let i = shardOf(d, p); i < d.length && (i === shardOf(d, p) || d[i].startsWith(p)); i++) {
        for (const e of (await dictShard(L, i)).list) if (e[0].startsWith(p)) out.push(e);
      }
      return out;
    }
    // Term id -> [per field {docs, tfs}], the term's postings.
    async function term(L, t) {
      const i = shardOf(L.m.postings, t);
      const shard = await memo(L.terms, i, () => bin(L.lang + '/t' + i + '.bin').then(b => {
        const r = R(b), out = [];
        while (r.i < b.length) {
          out.push([0, 1, 2].map(() => {
            const df = r.v(), docs = new Uint32Array(df), tfs = new Uint32Array(df);
            for (let j = 0, d = 0; j < df; j++) docs[j] = d = j ? d + r.v() : r.v();
            for (let j = 0; j < df; j++) tfs[j] = r.v();
            return { docs, tfs };
          }));
        }
        return out;
      }));
      return shard[t - L.m.postings[i]];
    }
    // Term id -> [per field Map(doc -> Set of positions)].
    async function positions(L, t, rec) {
      const i = shardOf(L.m.positions, t), b = await bin(L.lang + '/p' + i + '.bin'), r = R(b);
      for (let k = L.m.positions[i]; k < t; k++) { const len = r.v(); r.i += len; }
      r.v();
      return rec.map(({ docs, tfs }) => {
        const m = new Map();
        docs.forEach((d, j) => { const s = new Set(); for (let k = 0, x = 0; k < tfs[j]; k++) s.add(x = k ? x + r.v() : r.v()); m.set(d, s); });
        return m;
      });
    }

    // query.rs known_key(): the entry of a key, else of its first singular some page uses.
    async function known(L, k) {
      const e = await lookup(L, k);
      if (e) return e;
      for (const s of singulars(k, L.m)) { const x = await lookup(L, s); if (x) return x; }
    }
    // Resolution (query.rs Resolver::resolve): clause -> {terms: [term id…], phrases: [[term id…]…]}, or null.
    async function resolve(L, c) {
      if (c.phrase) {
        const ts = [];
        for (const k of c.phrase) { const e = await known(L, k); if (!e) return null; ts.push(e[1]); }
        return { terms: [], phrases: [ts] };
      }
      if (c.any) {
        const terms = new Set(), phrases = [];
        for (const m of c.any) {
          const r = await resolve(L, m);
          if (!r) continue;
          r.terms.forEach(t => terms.add(t));
          for (const p of r.phrases) if (!phrases.some(q => q.join() === p.join())) phrases.push(p);
        }
        return terms.size || phrases.length ? { terms: [...terms].sort((a, b) => a - b), phrases } : null;
      }
      const e = await known(L, c.key), seen = new Set(e ? [e[1]] : []), others = [];
      if (c.prefix) for (const x of await withPrefix(L, c.surface)) if (!seen.has(x[1])) { seen.add(x[1]); others.push(x); }
      others.sort((a, b) => b[2] - a[2] || a[1] - b[1]);
      const ts = (e ? [e[1]] : []).concat(others.slice(0, meta.maxExpansions - (e ? 1 : 0)).map(x => x[1])).sort((a, b) => a - b);
      return ts.length ? { terms: ts, phrases: [] } : null;
    }
    // Scores of one clause: Map(local doc -> f32), summed in clause order (query.rs clause_query).
    // `skip(d)`: the document's score cannot matter (its page is ranked by its reader's-language
    // version), so it is kept as a match with score 0 and its fieldnorms are not fetched.
    async function score(L, c, skip = () => false) {
      const s = new Map(), add = (d, x) => s.set(d, F((s.get(d) || 0) + x));
      const tf = (w, f, d, n) => skip(d) ? 0 : F(w * F(n / F(n + L.cache[f][L.norms[f][d]])));
      const scored = docs => docs.filter(d => !skip(d));
      for (const t of c.terms) {
        const rec = await term(L, t);
        for (const { docs } of rec) await loadNorms(L, scored(docs));
        rec.forEach(({ docs, tfs }, f) => {
          if (!docs.length) return;
          const w = F(F(idf(docs.length) * L.w1) * meta.boosts[f]);
          docs.forEach((d, j) => add(d, tf(w, f, d, tfs[j])));
        });
      }
      for (const phrase of c.phrases) {
        const recs = [];
        for (const t of phrase) recs.push(await term(L, t));
        const pos = [];
        for (let k = 0; k < recs.length; k++) pos.push(await positions(L, phrase[k], recs[k]));
        for (let f = 0; f < 3; f++) {
          if (recs.some(r => !r[f].docs.length)) continue;
          await loadNorms(L, scored(recs[0][f].docs));
          let sum = 0;
          for (const r of recs) sum = F(sum + idf(r[f].docs.length));
          const w = F(F(sum * L.w1) * meta.boosts[f]);
          for (const d of recs[0][f].docs) {
            let n = 0;
            for (const p of pos[0][f].get(d)) if (pos.every((q, k) => q[f].get(d)?.has(p + k))) n++;
            if (n) add(d, tf(w, f, d, n));
          }
        }
      }
      return s;
    }

    // query.rs search(): the SearchResponse of a request.
    async function search(req) {
      await init();
      // Indexed text is composed (NFC); so must a query typed decomposed be.
      req = Object.assign({}, req, { query: req.query.normalize('NFC') });
      // query.rs check_query(): a query too long to search is refused, never truncated.
      const words = (req.query.match(WORD) || []).length;
      if (new TextEncoder().encode(req.query).length > meta.maxBytes || words > meta.maxWords) {
        return { query: req.query, total: 0, hits: [], facets: {}, refused: { words, maxWords: meta.maxWords } };
      }
      const groups = {};
      for (const [tax, t] of req.filters || []) (groups[tax] = groups[tax] || []).push(t);
      const wanted = Object.keys(meta.langs).filter(l => (!req.lang || req.lang === l) && (!groups.lang || groups.lang.includes(l)));
      const fid = new Map(meta.facets.map((f, i) => [f[0] + '/' + f[1], i]));
      const accept = Object.entries(groups).map(([tax, ts]) => new Set(ts.map(t => fid.get(tax + '/' + t))));
      // The reader's language first: a page it matches is ranked by it, so the other
      // languages' versions of that page need no score (nor fieldnorms).
      const matches = [], reader = req.reader, readerPages = new Set();
      for (const lang of [...wanted.filter(l => l === reader), ...wanted.filter(l => l !== reader)]) {
        const L = await language(lang), res = [];
        let ok = true;
        for (const c of synonyms(clauses(meta, lang, req.query), meta.langs[lang])) { const r = await resolve(L, c); if (!r) { ok = false; break; } res.push(r); }
        if (!ok || !res.length) continue;
        let acc;
        const skip = lang === reader ? undefined : d => readerPages.has(L.pages[d]);
        for (const r of res) {
          const s = await score(L, r, skip);
          if (!acc) { acc = s; continue; }
          const next = new Map();
          for (const [d, x] of acc) if (s.has(d)) next.set(d, F(x + s.get(d)));
          acc = next;
        }
        const weights = new Map(Object.entries(meta.kindWeights || {}).map(([k, w]) => [fid.get('kind/' + k), w]));
        for (let [d, x] of acc) {
          const fs = L.facets[d];
          // query.rs collect(): the kind's weight, one f32 product after the clauses.
          for (const f of fs) if (weights.has(f)) { x = F(x * weights.get(f)); break; }
          if (!accept.every(a => fs.some(f => a.has(f)))) continue;
          matches.push([x, L.order, L, d]);
          if (lang === reader) readerPages.add(L.pages[d]);
        }
      }
      // group.rs: one result per page, ranked in the reader's language.
      const found = new Map();
      for (const m of matches) {
        const [x, order, L, d] = m, page = L.pages[d];
        let g = found.get(page);
        if (!g) found.set(page, g = { page, score: 0, reader: null, other: null, facets: new Set() });
        if (L.lang === reader) { g.reader = m; g.score = x; }
        else if (!g.other || x > g.other[0] || (x === g.other[0] && order < g.other[1])) g.other = m;
        L.facets[d].forEach(f => g.facets.add(f));
      }
      for (const g of found.values()) if (!g.reader) g.score = reader ? F(g.other[0] * meta.foreignWeight) : g.other[0];
      const sorted = [...found.values()].sort((a, b) => b.score - a.score || a.page - b.page), counts = {};
      for (const g of sorted) for (const f of g.facets) { const [tax, t] = meta.facets[f]; (counts[tax] = counts[tax] || {})[t] = (counts[tax][t] || 0) + 1; }
      const all = sorted.length ? await facetTable() : {}, hits = [];
      for (const g of sorted.slice(0, req.limit)) {
        // The reader's version when it passes the language and the filters, else the best match.
        let lang = g.other && g.other[2].lang, d = g.other && g.other[3];
        if (g.reader) [lang, d] = [reader, g.reader[3]];
        else if (all[reader] && all[reader].docs[g.page] >= 0 && (!req.lang || req.lang === reader)) {
          const r = all[reader].docs[g.page], fs = all[reader].facets[r];
          if (accept.every(a => fs.some(f => a.has(f)))) [lang, d] = [reader, r];
        }
        const row = JSON.parse(new TextDecoder().decode(await bin(lang + '/m' + Math.floor(d / meta.chunk) + '.bin')))[d % meta.chunk];
        const [k, url, title, summary, date, kind, also] = row;
        hits.push({ rank: hits.length + 1, key: k, lang, kind, url, title, summary, date, score: g.score, snippet: summary,
          also: also.map(([l, u]) => ({ lang: l, url: u })), marks: highlight(meta, lang, summary, req.query) });
      }
      for (const h of hits) h.snippet = h.marks.map(([t, m]) => m ? '[' + t + ']' : t).join('');
      return { query: req.query, total: sorted.length, hits, facets: counts };
    }
    return { search, preload: lang => language(lang), meta: () => init(), files };
  }

  // Summary split into [text, matched] pieces, for display only (the snippet is not part
  // of parity): words matching a query word's key, or starting with the prefix typed.
  function highlight(meta, lang, text, q) {
    const spec = meta.langs[lang] || {}, keys = [], pre = [];
    for (const c of synonyms(clauses(meta, lang, q), spec)) for (const m of c.any || [c]) keys.push(...(m.phrase || [m.key])), m.prefix && pre.push(m.surface);
    const out = [];
    let at = 0;
    for (const [s, a, b] of words(text, spec, true)) {
      // No stemmer here: a key, or a longer word starting with one (refugee -> refugees).
      const k = key(s, spec);
      if (keys.some(x => k === x || x.length > 3 && k.startsWith(x)) || pre.some(p => s.startsWith(p))) {
        out.push([text.slice(at, a), 0], [text.slice(a, b), 1]);
        at = b;
      }
    }
    out.push([text.slice(at), 0]);
    return out.filter(p => p[0]);
  }

  // ---- The page ----
  function ui(form) {
    const $ = s => document.querySelector(s), d = form.dataset, input = form.querySelector('input[name=q]');
    const status = $('[data-search-status]'), list = $('[data-search-results]'), box = $('[data-search-filters]');
    const labelsEl = form.querySelector('[data-search-labels]'), labels = labelsEl ? JSON.parse(labelsEl.textContent) : {};
    const root = d.searchRoot || '/search/', page = d.lang || 'en';
    const t = (name, vars) => (d['t' + name[0].toUpperCase() + name.slice(1)] || name).replace(/\{(\w+)\}/g, (_, v) => vars[v]);
    const core = open(p => fetch(root + p).then(r => { if (!r.ok) throw new Error(r.status + ' ' + p); return r.arrayBuffer(); }));
    const params = new URLSearchParams(location.search);
    let filters = params.getAll('f').map(f => f.split(':')), seq = 0, timer;
    input.value = params.get('q') || '';
    const el = (tag, attrs, ...kids) => { const e = document.createElement(tag); Object.assign(e, attrs); e.append(...kids); return e; };
    async function run() {
      const q = input.value, mine = ++seq, url = new URL(location.href);
      url.searchParams.delete('f');
      url.searchParams.set('q', q);
      filters.forEach(f => url.searchParams.append('f', f.join(':')));
      history.replaceState(null, '', url);
      if (!q.trim()) { list.replaceChildren(); box.replaceChildren(); status.textContent = ''; return; }
      status.textContent = t('loading', {});
      try {
        const req = { query: q, filters, limit: 10, reader: page }, resp = await core.search(req);
        if (resp.refused) {
          if (mine !== seq) return;
          list.replaceChildren(); box.replaceChildren();
          status.textContent = t('tooLong', { n: resp.refused.maxWords });
          return;
        }
        const shown = {};
        // Counts of a filtered taxonomy ignore its own filter, so other terms stay selectable.
        for (const tax of new Set(filters.map(f => f[0]))) {
          shown[tax] = (await core.search({ query: q, filters: filters.filter(f => f[0] !== tax), limit: 0, reader: page })).facets[tax] || {};
        }
        if (mine !== seq) return;
        render(resp, Object.assign({}, resp.facets, shown));
      } catch (e) {
        if (mine === seq) status.textContent = t('error', {});
        throw e;
      }
    }
    function render(resp, facets) {
      // Filters are rebuilt: keep keyboard focus on the checkbox just toggled.
      const focused = box.contains(document.activeElement) && document.activeElement.value;
      for (const [tax, term] of filters) facets[tax] = Object.assign({ [term]: 0 }, facets[tax]);
      status.textContent = resp.total ? t(resp.total === 1 ? 'result' : 'results', { n: resp.total }) : t('none', { q: resp.query });
      list.replaceChildren(...resp.hits.map(h => {
        const a = el('a', { href: (d.siteRoot || '') + h.url, textContent: h.title });
        const li = el('li', {}, a);
        if (h.lang !== page) { a.hreflang = a.lang = h.lang; li.append(' ', el('span', { className: 'search-lang', textContent: '(' + t(h.lang, {}) + ')' })); }
        // The page's other versions: "Also in French".
        for (const v of h.also) li.append(' ', el('a', { className: 'search-also', href: (d.siteRoot || '') + v.url, hreflang: v.lang, textContent: t('also', { lang: t(v.lang, {}) }) }));
        li.append(el('p', {}, ...h.marks.map(([s, m]) => m ? el('mark', { textContent: s }) : s)));
        return li;
      }));
      box.replaceChildren(...Object.keys(facets).sort().map(tax => el('fieldset', {}, el('legend', { textContent: t(tax, {}) }),
        ...Object.entries(facets[tax]).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([term, n]) => {
          const on = filters.some(f => f[0] === tax && f[1] === term);
          const cb = el('input', { type: 'checkbox', checked: on, value: tax + ':' + term });
          cb.addEventListener('change', () => { filters = cb.checked ? filters.concat([[tax, term]]) : filters.filter(f => f[0] !== tax || f[1] !== term); run(); });
          // A language named in its own language (a label) is marked as such (WCAG 3.1.2).
          const name = labels[tax + '/' + term], own = tax === 'lang' && name;
          return el('label', {}, cb, ' ', own ? el('span', { lang: term, textContent: name }) : name || (tax === 'lang' ? t(term, {}) : term), ' (' + n + ')');
        }))));
      if (focused) [...box.querySelectorAll('input')].find(i => i.value === focused)?.focus();
    }
    input.addEventListener('focus', () => core.preload(page).catch(() => {}), { once: true });
    input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 120); });
    form.addEventListener('submit', e => { e.preventDefault(); run(); });
    if (input.value) run();
  }

  if (typeof module !== 'undefined' && module.exports) {
    module.exports = { open, clauses, words, key, singulars, fold, segments, highlight, NORM };
  } else if (typeof document !== 'undefined') {
    const start = () => document.querySelectorAll('form[data-search-root]').forEach(ui);
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
  }
})();
