// The same capture from another boot keeps its fingerprint: every real capture of the
// project's corpus (fixtures/real, and ../shared/corpus/real when present) with its pids,
// kernel addresses (flag-bit variants move with them: the shift keeps the low bits),
// dmesg timestamps and CPU numbers changed consistently (testing/remap.ts).

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze } from '../analyze.js';
import { remapCapture } from '../testing/remap.js';

const REPO_ROOT = join(__dirname, '../../../..');
const DIRS = [
  join(__dirname, '../../fixtures/real'),
  process.env.HANGSCOPE_SHARED_REAL_CORPUS ?? join(REPO_ROOT, '../shared/corpus/real'),
].filter((d) => existsSync(d));

const captures = DIRS.flatMap((d) =>
  readdirSync(d)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => ({ name: `${d.split('/').slice(-2).join('/')}/${f}`, text: readFileSync(join(d, f), 'utf8') })),
);

/** pids the analysis found, and those printk's caller ids and workqueue dumps name. */
function pidsOf(text: string, doc: ReturnType<typeof analyze>): Set<number> {
  const out = new Set<number>();
  for (const t of doc.tasks) if (t.pid !== null) out.add(t.pid);
  for (const m of text.matchAll(/\[\s*T(\d{1,7})\]/g)) out.add(Number(m[1]));
  for (const m of text.matchAll(/in-flight: (\d{1,7})(?:\(RESCUER\))?:/g)) out.add(Number(m[1]));
  return out;
}

/** Everything moved at once. */
const EVERYTHING = { addressDelta: 7n * 0x200000n, pidDelta: 4093, timeDeltaUs: 1_234_567_890, reverseCpus: true };

const remaps = fc.record({
  // 2 MB steps up to 1 GB: addresses stay kernel addresses of the same region.
  addressDelta: fc.integer({ min: 1, max: 512 }).map((k) => BigInt(k) * 0x200000n),
  pidDelta: fc.integer({ min: 1, max: 900_000 }),
  timeDeltaUs: fc.integer({ min: 1, max: 50_000_000_000 }),
  reverseCpus: fc.boolean(),
});

describe('fingerprint under another boot', () => {
  it('finds real captures to check', () => {
    expect(captures.length).toBeGreaterThan(10);
  });

  // The rewrite must reach most captures, or the property says little.
  it('rewrites nearly every capture', () => {
    const untouched = captures
      .filter((c) => remapCapture(c.text, pidsOf(c.text, analyze(c.text)), EVERYTHING) === c.text)
      .map((c) => c.name);
    expect(untouched.length, untouched.join('\n')).toBeLessThanOrEqual(Math.floor(captures.length / 20));
  });

  for (const c of captures) {
    it(`keeps its fingerprint: ${c.name}`, () => {
      const doc = analyze(c.text);
      const pids = pidsOf(c.text, doc);
      expect(analyze(remapCapture(c.text, pids, EVERYTHING)).fingerprint).toBe(doc.fingerprint);
      fc.assert(
        fc.property(remaps, (r) => {
          expect(analyze(remapCapture(c.text, pids, r)).fingerprint).toBe(doc.fingerprint);
        }),
        { numRuns: 4, seed: 18 },
      );
    });
  }
});
