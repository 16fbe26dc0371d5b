// Smoke test of the benchmark scripts (bench/ at the repository root): the generator
// writes every kind of input at a tiny size and the analyzer bench measures them and
// prints its table. Checks only that they run and print numbers, never their timing
// (timing is BENCHMARKS.md's business, on a quiet machine).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const dist = join(root, 'packages/analyzer/dist/index.js');
// The realistic kinds and the adversarial shapes of issue 20.
const KINDS = ['sysrq', 'crash', 'nmi', 'lockdep', 'blocked', 'stacks', 'csd', 'held', 'deep'];
const dir = mkdtempSync(join(tmpdir(), 'hangscope-bench-smoke-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench smoke', () => {
  it('generates every input kind at a tiny size', () => {
    const r = spawnSync(process.execPath, [join(root, 'bench/gen.mjs'), '--sizes', '0.02', '--out', dir], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.txt'))
      .sort();
    expect(files).toEqual(KINDS.map((k) => `${k}-0.02mb.txt`).sort());
  });

  // The bench measures the built analyzer (dist), as the server runs it.
  it.skipIf(!existsSync(dist))('runs the analyzer bench on them and prints a row of numbers per input', () => {
    const r = spawnSync(
      process.execPath,
      [join(root, 'bench/analyzer.mjs'), '--dir', dir, '--runs', '1', '--rounds', '1'],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/MB\/s/);
    for (const kind of KINDS) {
      const row = r.stdout.split('\n').find((l) => l.startsWith(`${kind}-0.02mb.txt`));
      expect(row, r.stdout).toBeDefined();
      // size, lines, floor ms, analyze ms, +read ms, cpu ms, MB/s, +read MB/s, ×floor: numbers.
      expect(
        row!
          .trim()
          .split(/\s+/)
          .slice(1, 10)
          .every((v) => Number.isFinite(Number(v))),
      ).toBe(true);
    }
  });
});
