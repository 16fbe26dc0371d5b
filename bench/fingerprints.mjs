#!/usr/bin/env node
// Fingerprint grouping on syzkaller's hang logs (issue 18's "Done when"): how many logs
// share their fingerprint only with logs of the same title, the most titles under one
// fingerprint, and how many titles seen in several logs keep them under one fingerprint.
//
//   node bench/fingerprints.mjs [corpus-dir] [--verbose]
//
// Default corpus: ../shared/corpus/syzkaller (beside the repository). Build first:
// pnpm --filter @hangscope/analyzer build

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const { analyze } = await import(join(root, 'packages/analyzer/dist/index.js'));
const { scoreGrouping } = await import(join(root, 'packages/analyzer/dist/summary/fingerprint-groups.js'));

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const dir = resolve(args.find((a) => !a.startsWith('--')) ?? join(root, '../shared/corpus/syzkaller'));
if (!existsSync(dir)) {
  console.error(`no corpus at ${dir}`);
  process.exit(2);
}
const items = [];
for (const f of readdirSync(dir)
  .filter((f) => f.endsWith('.txt'))
  .sort()) {
  const exp = JSON.parse(readFileSync(join(dir, f.replace(/\.txt$/, '.expect.json')), 'utf8'));
  const doc = analyze(readFileSync(join(dir, f), 'utf8'));
  items.push({ name: f.replace(/\.txt$/, ''), title: exp.titleIn[0], fingerprint: doc.fingerprint });
}
const s = scoreGrouping(items);
const pct = (a, b) => `${a}/${b} = ${((100 * a) / b).toFixed(1)}%`;
console.log(`logs sharing their fingerprint only with same-title logs: ${pct(s.pure, s.logs)} (target ≥ 90%)`);
console.log(`most titles under one fingerprint: ${s.maxTitles} (target ≤ 2)`);
console.log(
  `titles seen in several logs kept under one fingerprint: ${pct(s.keptTogether, s.repeatedTitles)} (target ≥ 70%)`,
);
if (verbose) {
  for (const m of s.mixed) {
    console.log(`\nmixed ${m.fingerprint}:`);
    for (const l of m.logs) console.log(`  ${l.name}  ${l.title}`);
  }
  for (const sp of s.split) {
    console.log(`\nsplit "${sp.title}":`);
    for (const l of sp.logs) console.log(`  ${l.name}  ${l.fingerprint}`);
  }
}
