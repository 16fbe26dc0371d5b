// Line shapes: every distinct kind of line the project's corpora hold, with numbers and
// hex normalised (`PID: 14` and `PID: 15` are one shape), each kept as its first real
// line. A run of one line repeated is the cheapest hostile input there is (1 MB of it
// gzips to a few KB) and the one a parser that scans ahead without consuming turns
// quadratic: the linearity test (line-shapes.test.ts) and bench/line-shapes.mjs repeat
// every shape to 64 KB and 512 KB and time the analysis.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface LineShape {
  /** The normalised form: what makes two lines the same shape. */
  shape: string;
  /** The first line of that shape, as it was in its file (the text that is repeated). */
  line: string;
  /** Where it came from (file path, or `named` for the hand-written shapes). */
  source: string;
}

/**
 * Shapes written by hand: the ones issue 17 found quadratic (crash task-header fields and
 * syzkaller's `CPU: … PID: … Comm: …` line), and kin of theirs a corpus may not hold.
 */
export const NAMED_SHAPES: string[] = [
  'PID: 14',
  'CPU: 0 PID: 1 Comm: x Not tainted',
  'CPU: 0 PID: 22269 Comm: syz-executor0 Not tainted 4.15.0-rc8+ #263',
  'COMMAND: "migration/1"',
  'TASK: ffff8f1bf6bb9040  [THREAD_INFO: ffff8f1bf6bc4000]',
  'STATE: TASK_UNINTERRUPTIBLE',
  'PID: 4790   TASK: ffff88003570de20  CPU: 1   COMMAND: "kworker/1:2"',
  'Call Trace:',
  '<TASK>',
  ' ? __schedule+0x2b1/0x6f0',
  'INFO: task kworker/1:2:4790 blocked for more than 120 seconds.',
  'Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.10.2-1 04/01/2014',
  'Showing busy workqueues and worker pools:',
  'crash> bt',
  // One line of each format no corpus file holds, so that every parser is tried.
  '[0 00:12:41.316] [UN]  PID: 3127   TASK: ffff9f4b8a2d0000  CPU: 6   COMMAND: "mount"',
  'INFO: task cat:1234 blocked on a mutex likely owned by task rmmod:987.',
  'nfs: server fs01 not responding, still trying',
  'mysqld;entry_SYSCALL_64_after_hwframe;do_syscall_64;__x64_sys_fsync;do_fsync;jbd2_log_wait_commit 1234',
  '==> /proc/1234/stack <==',
  'Name:\tkworker/1:2',
  // scripts/hangscope-collect's section headers (each kind the analyzer reads) and notes
  '=== hangscope-collect: /proc/1234/stack ===',
  '=== hangscope-collect: /proc/1234/task/1235/comm ===',
  '=== hangscope-collect: /proc/sched_debug ===',
  '=== hangscope-collect: /proc/locks ===',
  '=== hangscope-collect: uname -a ===',
  '=== hangscope-collect: dmesg ===',
  'hangscope-collect: skipped: not present on this kernel',
  // the marker before each later capture of an incident (summary/captures.ts)
  '=== hangscope capture 2 at 2026-12-06T18:05:00.000Z ===',
  'Pid:\t1234',
  // lockdep's saved traces (irq-inversion reports; in the syzkaller corpus, not the fixtures)
  '    IN-HARDIRQ-W at:',
  '... key      at: [<ffffffff8a3b5c40>] __key.52315+0x0/0x40',
  '',
  ' ',
];

/**
 * The shape of a line: hex words (with or without 0x, 6+ digits or holding a digit and a
 * letter) become `H`, other digit runs `0`, runs of spaces one space. Enough to merge the
 * lines that differ only in pids, addresses, times and column padding.
 */
export function shapeOf(line: string): string {
  return line
    .replace(/0x[0-9a-fA-F]{1,32}/g, 'H')
    .replace(/\b(?=[0-9a-fA-F]{0,31}[0-9])(?=[0-9a-fA-F]{0,31}[a-fA-F])[0-9a-fA-F]{2,32}\b|\b[0-9a-fA-F]{6,32}\b/g, 'H')
    .replace(/[0-9]+/g, '0')
    .replace(/ {2,}/g, ' ');
}

/** Every text file (a dump) under the folders that exist, in a stable order. */
export function corpusFiles(dirs: string[]): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (/\.(txt|log)$/.test(name)) out.push(p);
    }
  };
  for (const d of dirs) if (existsSync(d)) walk(d);
  return out;
}

/** The distinct shapes of the named lines and of every line of the files, first seen first. */
export function lineShapes(files: string[]): LineShape[] {
  const seen = new Map<string, LineShape>();
  const add = (line: string, source: string) => {
    // Lines are cut to 4,096 characters before any pattern runs (text/lines.ts); a
    // longer line is its first 4,096 characters as far as parsers are concerned.
    const l = line.length > 4096 ? line.slice(0, 4096) : line;
    const shape = shapeOf(l);
    if (!seen.has(shape)) seen.set(shape, { shape, line: l, source });
  };
  for (const l of NAMED_SHAPES) add(l, 'named');
  for (const f of files) {
    for (const line of readFileSync(f, 'utf8').split(/\r\n|\r|\n/)) add(line, f);
  }
  return [...seen.values()];
}

/** `line` repeated (each with its line end) to at least `bytes` characters. */
export function repeatLine(line: string, bytes: number): string {
  const one = line + '\n';
  return one.repeat(Math.max(1, Math.ceil(bytes / one.length)));
}

/** The corpora the shapes come from, relative to the repository root: the project's own
 *  fixtures and examples, and the shared corpora when they are there. */
export function corpusDirs(repoRoot: string): string[] {
  return [
    join(repoRoot, 'packages/analyzer/fixtures'),
    join(repoRoot, 'examples'),
    ...['public', 'real', 'syzkaller'].map((c) => join(repoRoot, '..', 'shared', 'corpus', c)),
  ].filter((d, i, all) => all.indexOf(d) === i);
}

/** What the linearity test holds every shape to (issue 17). */
export const LINEARITY = {
  smallBytes: 64 * 1024,
  bigBytes: 512 * 1024,
  /** 64 KB of one shape over this is a failure on its own. */
  smallLimitMs: 500,
  /** 512 KB over this *and* over `maxRatio` × its 64 KB time is a failure. */
  bigLimitMs: 1000,
  maxRatio: 12,
  /**
   * 512 KB is measured for shapes whose 64 KB took longer than this. A shape at most
   * quadratic (t = a·n + b·n²) takes at most 64× its 64 KB time for 512 KB (8× the
   * input), so one under 10 ms at 64 KB stays under 640 ms at 512 KB: it cannot fail.
   */
  bigIfSmallOverMs: 10,
  /**
   * Shapes between this and `bigIfSmallOverMs` at 64 KB are measured at 128 KB too, and
   * at 512 KB when doubling the input took over `screenRatio` times as long: what grows
   * faster than quadratic (a cubic shape 2 ms at 64 KB is 1 s at 512 KB) shows there.
   * Most shapes take about 1 ms and are measured once.
   */
  screenIfSmallOverMs: 2,
  screenRatio: 3,
} as const;

export interface ShapeTiming {
  line: string;
  source: string;
  ms64: number;
  /** null: not measured (64 KB was fast enough that 512 KB cannot fail). */
  ms512: number | null;
  /** Failed the limits, twice (the second measurement is the one kept). */
  slow: boolean;
}

/**
 * Time of one call, in ms: the smaller of its wall time and the process's CPU time over
 * it. On a loaded machine (CI, other jobs on 2 cores) wall time counts the time other
 * processes ran; CPU time does not, but counts the garbage collector's helper threads
 * running beside the call. The smaller of the two is the call's own work either way.
 */
export function timeMs(fn: () => void): number {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return Math.min(wall, (c.user + c.system) / 1000);
}

function overLimits(ms64: number, ms512: number | null): boolean {
  if (ms64 > LINEARITY.smallLimitMs) return true;
  return ms512 !== null && ms512 > LINEARITY.bigLimitMs && ms512 > LINEARITY.maxRatio * ms64;
}

/**
 * Time `analyze` on the shape repeated to 64 KB, and to 512 KB when 64 KB was not tiny
 * (or 128 KB grew too fast; see LINEARITY). A
 * result over the limits is measured once more before it counts (a shared machine is
 * noisy; two slow runs are a finding).
 */
export function timeShape(shape: LineShape, analyze: (text: string) => unknown): ShapeTiming {
  const small = repeatLine(shape.line, LINEARITY.smallBytes);
  const measure = (): { ms64: number; ms512: number | null } => {
    const ms64 = timeMs(() => analyze(small));
    if (ms64 <= LINEARITY.screenIfSmallOverMs || ms64 > LINEARITY.smallLimitMs) return { ms64, ms512: null };
    if (ms64 <= LINEARITY.bigIfSmallOverMs) {
      const ms128 = timeMs(() => analyze(repeatLine(shape.line, 2 * LINEARITY.smallBytes)));
      if (ms128 <= LINEARITY.screenRatio * ms64) return { ms64, ms512: null };
    }
    const big = repeatLine(shape.line, LINEARITY.bigBytes);
    return { ms64, ms512: timeMs(() => analyze(big)) };
  };
  let m = measure();
  if (overLimits(m.ms64, m.ms512)) m = measure();
  return { line: shape.line, source: shape.source, ...m, slow: overLimits(m.ms64, m.ms512) };
}
