// The analyzer on a 50 MB paste and on megabyte-long lines: it reads everything, never
// throws, and the document stays consistent. (How fast is the benchmark's business:
// bench/analyzer.mjs; this only proves it copes.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from './analyze.js';

const seeds = join(import.meta.dirname, '..', 'fixtures', 'seeds');

function consistent(d: ReturnType<typeof analyze>): void {
  const ids = new Set(d.graph.nodes.map((n) => n.id));
  for (const e of d.graph.edges) {
    expect(ids.has(e.from), e.from).toBe(true);
    expect(ids.has(e.to), e.to).toBe(true);
  }
  for (const t of d.tasks) for (const s of t.evidence) expect(s.endLine).toBeLessThanOrEqual(d.lineCount!);
}

describe('large inputs', () => {
  it('a 50 MB dump of many distinct tasks', () => {
    const base = readFileSync(join(seeds, 'seed003-reconstructed.txt'), 'utf8');
    const parts: string[] = [];
    let size = 0;
    // Distinct pids per copy so tasks do not merge: 50 MB of real-format hung-task reports.
    for (let k = 1; size < 50 * 1024 * 1024; k++) {
      const copy = base.replace(/\b(611|402|583)\b/g, (m) => String(Number(m) + k * 1000));
      parts.push(copy);
      size += copy.length + 1;
    }
    const text = parts.join('\n');
    const d = analyze(text);
    expect(d.kind).toBe('hung_task');
    expect(d.tasks.length).toBeGreaterThan(parts.length); // two tasks per copy, none lost
    expect(d.lineCount).toBe(text.replace(/\n$/, '').split('\n').length);
    consistent(d);
  }, 300_000);

  it('lines of 1 MB between real captures', () => {
    const seed = readFileSync(join(seeds, 'seed001.txt'), 'utf8');
    const text = ['x'.repeat(1 << 20), seed, '#0 [ffff] '.repeat(100_000), seed.replace(/\n/g, '\r\n')].join('\n');
    const d = analyze(text);
    expect(d.tasks.some((t) => t.pid === 4790)).toBe(true);
    expect(d.findings.some((f) => f.kind === 'self_deadlock')).toBe(true);
    consistent(d);
  }, 120_000);
});
