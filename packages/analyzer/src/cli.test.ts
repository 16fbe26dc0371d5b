// The `hangscope` CLI as a user runs it: the built dist/cli.js in a child process
// (`npm test` builds first; without a build these are skipped).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const pkg = join(__dirname, '..');
const cli = join(pkg, 'dist', 'cli.js');
const seed = join(pkg, 'fixtures', 'seeds', 'seed001.txt');
const built = existsSync(cli);
if (!built)
  console.warn('cli.test: packages/analyzer/dist is not built — run the build first (npm test does); skipping');

const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', input, timeout: 60_000, maxBuffer: 1 << 26 });

describe.skipIf(!built)('hangscope CLI', () => {
  it('prints the title and verdict of a file (text is the default)', () => {
    const r = run(['analyze', seed]);
    expect(r.status, r.stderr).toBe(0);
    const [first] = r.stdout.split('\n');
    expect(first).toMatch(/\[(?:blocked_tasks|hung_task)\]/);
    expect(r.stdout).toMatch(/fingerprint [0-9a-f]+ · \d+ tasks · \d+ nodes · \d+ edges/);
    expect(r.stderr).toBe('');
  });

  it('prints the collector command for the next capture, and it in the verdict', () => {
    // seed000: a flush whose worker the dump does not show (sysrq-w and -t, the flusher's pid).
    const flush = join(pkg, 'fixtures', 'seeds', 'seed000.txt');
    const doc = JSON.parse(run(['analyze', flush, '--format', 'json']).stdout);
    expect(doc.nextCapture.args).toEqual(['--sysrq=wt', '--pid', '1458']);
    const r = run(['analyze', flush, '--collect-command']);
    expect(r.status, r.stderr).toBe(0);
    const want = `sudo sh hangscope-collect${(doc.nextCapture?.args ?? []).map((a: string) => ' ' + a).join('')} --out capture.txt\n`;
    expect(r.stdout).toBe(want);
    expect(run(['analyze', flush]).stdout).toContain(`capture next: ${want}`);
    const posted = run([
      'analyze',
      seed,
      '--collect-command',
      '--server',
      'http://hs.example:8080/',
      '--incident',
      'abc123',
    ]);
    expect(posted.stdout).toMatch(
      /^curl -fsS http:\/\/hs\.example:8080\/collect\.sh \| sudo sh -s -- .*--post http:\/\/hs\.example:8080 --incident abc123\n$/,
    );
    expect(run(['analyze', seed, '--server', 'http://x']).status).toBe(2);
    expect(run(['analyze', seed, '--collect-command', '--server', 'http://x;rm']).status).toBe(2);
  });

  it('prints the analysis document as JSON, from stdin too', () => {
    const fromFile = run(['analyze', seed, '--format', 'json']);
    const fromStdin = run(['analyze', '-', '--format=json'], readFileSync(seed, 'utf8'));
    expect(fromFile.status).toBe(0);
    expect(fromStdin.status).toBe(0);
    const doc = JSON.parse(fromFile.stdout);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.tasks.length).toBeGreaterThan(0);
    expect(JSON.parse(fromStdin.stdout)).toEqual(doc);
  });

  it('writes JSON compact by default (one line) and indented with --pretty, the same document', () => {
    const compact = run(['analyze', seed, '--format', 'json']);
    const pretty = run(['analyze', seed, '--format', 'json', '--pretty']);
    expect(compact.status).toBe(0);
    expect(pretty.status).toBe(0);
    expect(compact.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(pretty.stdout.split('\n').length).toBeGreaterThan(100);
    expect(compact.stdout).toBe(JSON.stringify(JSON.parse(pretty.stdout)) + '\n');
  });

  it('answers bad use with one line on stderr and exit code 2', () => {
    for (const [args, msg] of [
      [['analyze', join(pkg, 'no-such-file.txt')], /cannot read .*no such file/],
      [['analyze', pkg], /is a directory/],
      [['analyze', seed, '--format', 'xml'], /--format takes json or text/],
      [['analyze'], /missing FILE/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['analyze', seed, '--verbose'], /unknown option '--verbose'/],
      [['analyze', seed, '--fromat', 'json'], /unknown option '--fromat'/],
      [['analyze', seed, '--format'], /--format takes json or text/],
      [['analyze', seed, '--pretty'], /--pretty goes with --format json/],
      [['analyze', seed, 'other.txt'], /unexpected argument 'other.txt'/],
    ] as [string[], RegExp][]) {
      const r = run(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
    }
  });

  it("runs through the repository wrapper (`pnpm hangscope`), which sets the analyzer's young generation", () => {
    const wrapper = join(pkg, '..', '..', 'scripts', 'hangscope.mjs');
    const r = spawnSync(process.execPath, [wrapper, 'analyze', seed, '--format', 'json'], {
      encoding: 'utf8',
      timeout: 60_000,
      maxBuffer: 1 << 26,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(run(['analyze', seed, '--format', 'json']).stdout));
  });

  it('exits quietly when its reader stops early (a pipe into head)', () => {
    const big = readFileSync(seed, 'utf8').repeat(200);
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${cli}" analyze - --format json | head -c 10`], {
      encoding: 'utf8',
      input: big,
      timeout: 60_000,
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toHaveLength(10);
    expect(r.stderr).toBe('');
  });
});
