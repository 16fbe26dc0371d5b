// syzkaller's hang reports as a title and robustness suite: every log must parse, the
// kind must be one syzkaller accepts, and ≥97% of titles must equal syzkaller's (136/136 at the time of writing).
// Runs only when /work/shared/corpus/syzkaller (../../shared/corpus/syzkaller from the
// repo root) exists.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseText } from '../parse/run.js';
import { computeTitle } from './title.js';

const REPO_ROOT = join(__dirname, '../../../..');
const CORPUS = join(REPO_ROOT, '../shared/corpus/syzkaller');
const present = existsSync(CORPUS);
if (!present) console.warn(`title corpus test skipped: no syzkaller corpus at ${CORPUS}`);

describe.skipIf(!present)('syzkaller corpus titles', () => {
  it('parses every log, returns an accepted kind, and matches ≥97% of titles', () => {
    const files = readdirSync(CORPUS)
      .filter((f) => f.endsWith('.txt'))
      .sort();
    let ok = 0;
    const badKinds: string[] = [];
    const misses: string[] = [];
    for (const f of files) {
      const exp = JSON.parse(readFileSync(join(CORPUS, f.replace(/\.txt$/, '.expect.json')), 'utf8')) as {
        kind: string[];
        titleIn: string[];
      };
      const { lines, records } = parseText(readFileSync(join(CORPUS, f), 'utf8'));
      const got = computeTitle(lines, records);
      if (got && exp.titleIn.includes(got.title)) ok++;
      else misses.push(`${f}: ${got?.title ?? 'null'}`);
      const kinds = new Set([...(got ? [got.kind] : []), ...records.reports.map((r) => r.kind)]);
      if (!got || !exp.kind.includes(got.kind) || ![...kinds].some((k) => exp.kind.includes(k)))
        badKinds.push(`${f}: ${got?.kind ?? 'null'}`);
    }
    const rate = ok / files.length;
    console.log(`syzkaller titles: ${ok}/${files.length} = ${(100 * rate).toFixed(1)}%`);
    expect(badKinds).toEqual([]);
    expect(rate, misses.join('\n')).toBeGreaterThanOrEqual(0.97);
  });
});
