// A parser that declares `startChars` is only tried at lines beginning with one of them
// (segment/segment.ts). If a `starts` accepted any other line, that capture would be
// silently skipped: check the declaration against every line of the fixtures, the
// examples and (beside this checkout) the shared corpora, and against generated lines.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { splitLines } from '../text/lines.js';
import { PARSERS } from './index.js';
import { newContext } from './parser.js';
import { Records } from './records.js';

const declared = PARSERS.filter((p) => p.startChars !== undefined);

function textFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...textFiles(p));
    else if (/\.(txt|log)$/.test(name)) out.push(p);
  }
  return out;
}

/** Parsers (with startChars) whose starts() accepts a line outside them, with the line. */
function violations(text: string): string[] {
  const lines = splitLines(text);
  const ctx = newContext(new Records());
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines.blank(i)) continue;
    const line = lines.at(i);
    const first = line.trimmed[0];
    for (const p of declared)
      if (!p.startChars!.includes(first) && p.starts(line, ctx)) out.push(`${p.name}: ${line.trimmed.slice(0, 80)}`);
  }
  return out;
}

describe('startChars', () => {
  it('are declared by most parsers, each a short list', () => {
    expect(declared.length).toBeGreaterThanOrEqual(15);
    for (const p of declared) expect(p.startChars!.length, p.name).toBeLessThanOrEqual(16);
  });

  it('hold the first character of every line the parser starts at, in every dump we have', () => {
    const root = resolve(import.meta.dirname, '..', '..');
    const files = [
      ...textFiles(join(root, 'fixtures')),
      ...textFiles(resolve(root, '..', '..', 'examples')),
      ...textFiles(resolve(root, '..', '..', '..', 'shared', 'corpus')),
      ...textFiles(resolve(root, '..', '..', '..', 'shared', 'seeds')),
    ];
    expect(files.length).toBeGreaterThan(20);
    const bad = files.flatMap((f) => violations(readFileSync(f, 'utf8')).map((v) => `${f}: ${v}`));
    expect(bad).toEqual([]);
  });

  it('hold on generated lines made of the formats’ words behind any character', () => {
    const words = [
      'INFO: task ',
      'CPU: ',
      'CPU 3 RUNQUEUE: ffff888000000000',
      'NMI backtrace for cpu 1',
      'Sending NMI from CPU 0 to CPUs 1:',
      '** ',
      'crash> ',
      'rash> bt',
      'PID: 1',
      'TASK: ffff',
      'rcu: ',
      'rcu_',
      'BUG: workqueue lockup',
      'Showing busy workqueues',
      'workqueue events: flags=0x0',
      'WARNING: possible circular locking dependency detected',
      '[ INFO: ',
      '2 locks held by a/1:',
      'no locks held by a/1.',
      'Showing all locks held in the system:',
      'sysrq: Show State',
      'SysRq : Show Blocked State',
      'Task dump for CPU 1:',
      'hexadecimal: 10',
      'PER-CPU OFFSET VALUES:',
      '0xffffffff81000000 <fn+1>:',
      '/x/y.c: 10',
      'nfs: server x not responding',
      'unregister_netdevice: waiting for eth0 to become free. Usage count = 2',
      'PID: 1      TASK: ffff888000000000  CPU: 0   COMMAND: "x"',
      'ffff888000000000:  0000000000000000 ffffffff81000000',
      ' ',
      ':',
      'x',
    ];
    fc.assert(
      fc.property(
        fc.string({ maxLength: 2 }),
        fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 3 }),
        (head, parts) => {
          const bad = violations(head + parts.join(''));
          expect(bad).toEqual([]);
        },
      ),
      { numRuns: 5000, seed: 17 },
    );
  });
});
