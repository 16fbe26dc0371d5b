// Print syzkaller-corpus title mismatches: `npx tsx scripts/titles.ts [CORPUS_DIR]`.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseText } from '../src/parse/run.js';
import { computeTitle } from '../src/summary/title.js';

const dir = process.argv[2] ?? join(import.meta.dirname, '../../../../shared/corpus/syzkaller');
if (!existsSync(dir)) {
  console.error(`no corpus at ${dir}`);
  process.exit(1);
}
let ok = 0;
let n = 0;
for (const f of readdirSync(dir)
  .filter((x) => x.endsWith('.txt'))
  .sort()) {
  const exp = JSON.parse(readFileSync(join(dir, f.replace(/\.txt$/, '.expect.json')), 'utf8'));
  const { lines, records } = parseText(readFileSync(join(dir, f), 'utf8'));
  const got = computeTitle(lines, records);
  n++;
  const good = got !== null && exp.titleIn.includes(got.title);
  if (good) ok++;
  else console.log(`${f}: got ${JSON.stringify(got?.title ?? null)} want ${JSON.stringify(exp.titleIn)}`);
  if (got && !exp.kind.includes(got.kind)) console.log(`${f}: kind ${got.kind} not in ${exp.kind}`);
}
console.log(`${ok}/${n} = ${((100 * ok) / n).toFixed(1)}%`);
