// Fingerprints on syzkaller's 136 hang logs, whose titles syzbot uses to tell bugs apart
// (issue 18's "Done when"): ≥ 90% of logs share their fingerprint only with logs of the
// same title, no fingerprint spans more than 2 titles (a soft lockup and an RCU stall of
// one culprit may share one), and ≥ 70% of the titles seen in several logs keep their
// logs under one fingerprint. The same numbers print with `node bench/fingerprints.mjs`.
// Runs only when the corpus is present: ../shared/corpus/syzkaller beside the repository,
// or the folder HANGSCOPE_SYZKALLER_CORPUS names.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../analyze.js';
import { scoreGrouping } from './fingerprint-groups.js';

const REPO_ROOT = join(__dirname, '../../../..');
const CORPUS = process.env.HANGSCOPE_SYZKALLER_CORPUS ?? join(REPO_ROOT, '../shared/corpus/syzkaller');
const present = existsSync(CORPUS);
if (!present) console.warn(`fingerprint corpus test skipped: no syzkaller corpus at ${CORPUS}`);

describe.skipIf(!present)('syzkaller corpus fingerprints', () => {
  it('group logs the way syzkaller titles them', () => {
    const items = readdirSync(CORPUS)
      .filter((f) => f.endsWith('.txt'))
      .sort()
      .map((f) => {
        const exp = JSON.parse(readFileSync(join(CORPUS, f.replace(/\.txt$/, '.expect.json')), 'utf8')) as {
          titleIn: string[];
        };
        return {
          name: f,
          title: exp.titleIn[0],
          fingerprint: analyze(readFileSync(join(CORPUS, f), 'utf8')).fingerprint,
        };
      });
    const s = scoreGrouping(items);
    const detail = JSON.stringify({ mixed: s.mixed, split: s.split }, null, 1);
    console.log(
      `syzkaller fingerprints: pure ${s.pure}/${s.logs}, most titles per fingerprint ${s.maxTitles}, repeated titles kept together ${s.keptTogether}/${s.repeatedTitles}`,
    );
    expect(s.pure / s.logs, detail).toBeGreaterThanOrEqual(0.9);
    expect(s.maxTitles, detail).toBeLessThanOrEqual(2);
    expect(s.keptTogether / s.repeatedTitles, detail).toBeGreaterThanOrEqual(0.7);
  });
});
