import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusDirs, corpusFiles } from '../testing/line-shapes.js';
import { FRAME_HELD_LOCKS } from './frame-held-locks.js';
import { firstChars, RulesByFirstChar } from './first-chars.js';
import { LOCK_TAKERS, LOCK_WRAPPERS } from './lock-wrappers.js';
import { REPORT_FRAMES } from './report-frames.js';
import { GENERIC_FRAMES, WAIT_RULES } from './waits.js';

const chars = (re: RegExp) => {
  const s = firstChars(re);
  return s === null ? null : [...s].map((c) => String.fromCharCode(c)).sort();
};

describe('firstChars', () => {
  it('reads literals, optional groups and alternatives', () => {
    expect(chars(/^(?:__)?ww_mutex_lock(?:_slowpath)?$/)).toEqual(['_', 'w']);
    expect(chars(/^(?:down|up_read)$|^mutex$/)).toEqual(['d', 'm', 'u']);
    expect(chars(/^(?:a|b?)c/)).toEqual(['a', 'b', 'c']);
    expect(chars(/^a*b/)).toEqual(['a', 'b']);
    expect(chars(/^a{0,3}b/)).toEqual(['a', 'b']);
    expect(chars(/^a{1,3}b/)).toEqual(['a']);
    expect(chars(/^\.foo/)).toEqual(['.']);
    expect(chars(/^\d+x/)).toEqual('0123456789'.split(''));
    expect(chars(/^(a)b/)).toEqual(['a']);
    expect(chars(/^a[0-9]b/)).toEqual(['a']);
  });

  it('gives up (any character) where it does not follow the source', () => {
    expect(firstChars(/foo/)).toBeNull(); // not anchored
    expect(firstChars(/^a|b/)).toBeNull(); // an alternative not anchored
    expect(firstChars(/^foo/i)).toBeNull();
    expect(firstChars(/^[ab]c/)).toBeNull();
    expect(firstChars(/^\wc/)).toBeNull();
    expect(firstChars(/^.c/)).toBeNull();
    expect(firstChars(/^(?=a)a/)).toBeNull();
    expect(firstChars(/^(?:a)?$/)).toBeNull(); // matches the empty name
    expect(firstChars(/^$/)).toBeNull();
  });
});

describe('RulesByFirstChar', () => {
  // Every function name the corpora print, and every word of the tables' patterns
  // (with the prefixes kernel names take), so that names the rules match are asked too.
  const repoRoot = resolve(import.meta.dirname, '..', '..', '..', '..');
  const names = new Set<string>(['', 'é_fn', '.mutex_lock', '_', '__']);
  for (const f of corpusFiles(corpusDirs(repoRoot)))
    for (const m of readFileSync(f, 'utf8').matchAll(/([A-Za-z_.$][\w.$]{0,127})\+0x/g)) names.add(m[1]);
  const tables: [string, { fn: RegExp | string }[]][] = [
    ['WAIT_RULES', WAIT_RULES],
    ['GENERIC_FRAMES', GENERIC_FRAMES.map((fn) => ({ fn }))],
    ['FRAME_HELD_LOCKS', FRAME_HELD_LOCKS],
    ['LOCK_WRAPPERS + LOCK_TAKERS', [...LOCK_WRAPPERS, ...LOCK_TAKERS]],
    ['REPORT_FRAMES', REPORT_FRAMES],
  ];
  for (const [, rules] of tables)
    for (const r of rules)
      for (const w of String(typeof r.fn === 'string' ? r.fn : r.fn.source).match(/[\w.]+/g) ?? [])
        for (const p of ['', '_', '__', '.']) names.add(p + w);
  const matches = (r: { fn: RegExp | string }, n: string) => (typeof r.fn === 'string' ? r.fn === n : r.fn.test(n));

  it('asks enough names to mean something', () => {
    expect(names.size).toBeGreaterThan(2000);
  });

  for (const [label, rules] of tables)
    it(`${label}: the narrowed list matches what the whole table matches, in order`, () => {
      const index = new RulesByFirstChar(rules, (r) => r.fn);
      let hits = 0;
      for (const n of names) {
        const all = rules.filter((r) => matches(r, n));
        hits += all.length;
        expect(
          index.for(n).filter((r) => matches(r, n)),
          n,
        ).toEqual(all);
      }
      expect(hits).toBeGreaterThan(0);
    });
});
