// Fuzzing the analyzer: random text, kernel-looking token soup and mutated real dumps
// (> 10,000 cases in all). For every input: no exception and no internal error, a
// document valid against the core of docs/analysis-contract.md (ids, edge endpoints,
// evidence spans, finding nodes), the same document for the same input, and big
// inputs (1 MB) analysed in linear time.
//
// Runs are seeded so CI is reproducible; explore with another seed:
//   HANGSCOPE_FUZZ_SEED=123 HANGSCOPE_FUZZ_SCALE=5 npx vitest run src/fuzz.test.ts
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze } from './analyze.js';
import { SCHEMA_VERSION, type AnalysisDocument, type Span } from './contract.js';
import { timeMs } from './testing/line-shapes.js';

const SEED = Number(process.env.HANGSCOPE_FUZZ_SEED ?? 20261121);
const SCALE = Number(process.env.HANGSCOPE_FUZZ_SCALE ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

// ---------------------------------------------------------------------------------
// The contract validator (core fields and node-id forms of docs/analysis-contract.md)
// ---------------------------------------------------------------------------------

const KINDS = [
  'hung_task',
  'soft_lockup',
  'hard_lockup',
  'rcu_stall',
  'deadlock',
  'workqueue_lockup',
  'blocked_tasks',
  'unknown',
];
const NODE_TYPES = ['task', 'cpu', 'lock', 'work', 'wq', 'external'];
const EDGE_KINDS = [
  'waits_lock',
  'held_by',
  'flushes',
  'runs',
  'ipi_wait',
  'on_cpu',
  'wakes',
  'waits_event',
  'starved_by',
  'lock_order',
];
const CONFIDENCE = ['certain', 'likely', 'guess'];
const SEVERITY = ['critical', 'warning', 'info'];
const LOCK_TYPES = ['mutex', 'ww_mutex', 'spinlock', 'rwsem', 'semaphore', 'rwlock', 'rcu', 'other'];
const TASK_STATES = ['R', 'S', 'D', 'T', 'Z', 'I', 'X', 'P', 'W', 't'];

// task:<pid> | task:@<task_struct address> | task:0@cpuN (idle tasks; the contract's additions).
// Two forms the analyzer emits that docs/analysis-contract.md does not list (reported to
// the analyzer's owner, accepted here so the fuzzer guards everything else):
// - `task:@unknown-<n>`: a task with neither pid nor address (offcputime folded stacks);
// - `task:0`: pid 0 without a CPU (a hung-task line naming pid 0) — it is `task:<pid>`.
const TASK_ID = /^task:(?:[1-9]\d*|0|0@cpu\d+|@[0-9a-f]+|@unknown-\d+)$/;
const CPU_ID = /^cpu:(?:0|[1-9]\d*)$/;
const ID_FORMS: Record<string, RegExp> = {
  task: TASK_ID,
  cpu: CPU_ID,
  lock: /^lock:\S/, // lock:<addr> | lock:<lockdep class> | lock:<type>@<call site>
  work: /^work:\S/, // work:<fn> | work:?@<caller>
  wq: /^wq:\S/, // wq:<name> | wq:?@<caller>
  external: /^external:\S/,
};

/** Lines as the contract counts them: \n, \r\n or a lone \r ends a line; a final line end starts none. */
export function contractLineCount(text: string): number {
  const n = text.split(/\r\n|\r|\n/).length;
  return n > 1 && /[\r\n]$/.test(text) ? n - 1 : n;
}

/** Every problem found in the document, as readable strings (empty: valid). */
export function contractProblems(doc: AnalysisDocument, text: string): string[] {
  const problems: string[] = [];
  const bad = (what: string) => problems.push(what);
  const lineCount = contractLineCount(text);
  const isStr = (v: unknown): v is string => typeof v === 'string';
  const strOrNull = (v: unknown) => v === null || typeof v === 'string';
  const spans = (where: string, ev: unknown, required = true) => {
    if (ev === undefined && !required) return;
    if (!Array.isArray(ev)) return bad(`${where}: evidence is not an array`);
    for (const s of ev as Span[]) {
      if (
        !s ||
        !Number.isInteger(s.line) ||
        !Number.isInteger(s.endLine) ||
        s.line < 1 ||
        s.endLine < s.line ||
        s.endLine > lineCount
      ) {
        bad(`${where}: evidence span ${JSON.stringify(s)} outside 1..${lineCount}`);
      }
    }
  };

  if (doc.schemaVersion !== SCHEMA_VERSION) bad(`schemaVersion ${doc.schemaVersion}`);
  if (!isStr(doc.analyzerVersion) || doc.analyzerVersion === '') bad('analyzerVersion');
  if (!KINDS.includes(doc.kind)) bad(`kind ${doc.kind}`);
  if (!isStr(doc.title) || doc.title === '') bad('title is empty');
  if (!isStr(doc.fingerprint) || doc.fingerprint === '') bad('fingerprint is empty');
  if (doc.fingerprint === 'analysis-failed') bad(`internal error: ${doc.findings?.[0]?.summary}`);
  if (!strOrNull(doc.kernel)) bad('kernel');
  if (!strOrNull(doc.arch)) bad('arch');
  if (!isStr(doc.verdict)) bad('verdict');
  if (doc.altTitles !== undefined && !(Array.isArray(doc.altTitles) && doc.altTitles.every(isStr))) bad('altTitles');
  if (doc.lineCount !== undefined && doc.lineCount !== lineCount)
    bad(`lineCount ${doc.lineCount}, the text has ${lineCount}`);
  for (const k of ['tasks', 'cpus', 'locks', 'works', 'findings'] as const)
    if (!Array.isArray(doc[k])) bad(`${k} is not an array`);
  if (!doc.graph || !Array.isArray(doc.graph.nodes) || !Array.isArray(doc.graph.edges)) bad('graph');
  if (problems.length) return problems;

  const taskIds = new Set<string>();
  for (const t of doc.tasks) {
    if (!TASK_ID.test(t.id)) bad(`task id ${JSON.stringify(t.id)}`);
    if (taskIds.has(t.id)) bad(`task id ${t.id} twice`);
    taskIds.add(t.id);
    if (t.pid !== null && !(Number.isInteger(t.pid) && t.pid >= 0)) bad(`task ${t.id}: pid ${t.pid}`);
    if (t.pid !== null && t.pid > 0 && t.id !== `task:${t.pid}`) bad(`task ${t.id} has pid ${t.pid}`);
    if (t.pid === 0 && !/^task:(?:0|0@cpu\d+|@[0-9a-f]+)$/.test(t.id)) bad(`idle task id ${t.id}`);
    if (t.id.startsWith('task:@') && t.pid !== null && t.pid > 0)
      bad(`task ${t.id}: address id although the pid ${t.pid} is known`);
    if (t.id.startsWith('task:@unknown-') && (t.pid !== null || t.taskAddr !== null))
      bad(`task ${t.id}: anonymous id although pid/address are known`);
    if (t.state !== null && !TASK_STATES.includes(t.state)) bad(`task ${t.id}: state ${t.state}`);
    if (t.cpu !== null && !(Number.isInteger(t.cpu) && t.cpu >= 0)) bad(`task ${t.id}: cpu ${t.cpu}`);
    if (!strOrNull(t.comm) || !strOrNull(t.taskAddr)) bad(`task ${t.id}: comm/taskAddr`);
    if (!Array.isArray(t.frames)) bad(`task ${t.id}: frames`);
    else
      for (const f of t.frames) {
        if (!isStr(f.fn) || f.fn === '' || typeof f.reliable !== 'boolean')
          bad(`task ${t.id}: frame ${JSON.stringify(f)}`);
        if (!strOrNull(f.offset) || !strOrNull(f.size) || !strOrNull(f.module) || !strOrNull(f.addr))
          bad(`task ${t.id}: frame fields ${JSON.stringify(f)}`);
        if (f.line !== undefined && !(Number.isInteger(f.line) && f.line >= 1 && f.line <= lineCount))
          bad(`task ${t.id}: frame line ${f.line}`);
      }
    spans(`task ${t.id}`, t.evidence);
  }
  const cpuIds = new Set<string>();
  for (const c of doc.cpus) {
    if (!CPU_ID.test(c.id) || c.id !== `cpu:${c.cpu}`) bad(`cpu id ${c.id} for cpu ${c.cpu}`);
    if (cpuIds.has(c.id)) bad(`cpu ${c.id} twice`);
    cpuIds.add(c.id);
    if (c.current !== null && !TASK_ID.test(c.current)) bad(`cpu ${c.id}: current ${c.current}`);
    if (typeof c.idle !== 'boolean' || typeof c.stuck !== 'boolean') bad(`cpu ${c.id}: idle/stuck`);
    if (!Array.isArray(c.runnable) || !c.runnable.every((r) => TASK_ID.test(r)))
      bad(`cpu ${c.id}: runnable ${JSON.stringify(c.runnable)}`);
    spans(`cpu ${c.id}`, c.evidence);
  }
  const lockIds = new Set<string>();
  for (const l of doc.locks) {
    if (!ID_FORMS.lock.test(l.id)) bad(`lock id ${JSON.stringify(l.id)}`);
    if (lockIds.has(l.id)) bad(`lock ${l.id} twice`);
    lockIds.add(l.id);
    if (l.addr !== null && l.id !== `lock:${l.addr}`) bad(`lock ${l.id} has address ${l.addr}`);
    if (l.addr !== null && !/^[0-9a-f]+$/.test(l.addr))
      bad(`lock ${l.id}: address ${l.addr} is not lower-case hex without 0x`);
    if (!LOCK_TYPES.includes(l.type)) bad(`lock ${l.id}: type ${l.type}`);
    if (l.owner !== null && !TASK_ID.test(l.owner)) bad(`lock ${l.id}: owner ${l.owner}`);
    if (!Array.isArray(l.waiters) || !l.waiters.every((w) => TASK_ID.test(w)))
      bad(`lock ${l.id}: waiters ${JSON.stringify(l.waiters)}`);
    spans(`lock ${l.id}`, l.evidence);
  }
  for (const w of doc.works) {
    if (w.type !== 'work' && w.type !== 'wq') bad(`work ${w.id}: type ${w.type}`);
    else if (!ID_FORMS[w.type].test(w.id) || !w.id.startsWith(`${w.type}:`)) bad(`work id ${w.id} of type ${w.type}`);
    if (!Array.isArray(w.runners) || !w.runners.every((r) => TASK_ID.test(r))) bad(`work ${w.id}: runners`);
    spans(`work ${w.id}`, w.evidence);
  }

  const nodeIds = new Set<string>();
  for (const n of doc.graph.nodes) {
    if (!NODE_TYPES.includes(n.type)) bad(`node ${n.id}: type ${n.type}`);
    else if (!ID_FORMS[n.type].test(n.id)) bad(`node id ${JSON.stringify(n.id)} of type ${n.type}`);
    if (nodeIds.has(n.id)) bad(`node ${n.id} twice`);
    nodeIds.add(n.id);
    if (!isStr(n.label)) bad(`node ${n.id}: label`);
    if (n.members !== undefined && !(Array.isArray(n.members) && n.members.every((m) => TASK_ID.test(m))))
      bad(`node ${n.id}: members`);
    spans(`node ${n.id}`, n.evidence, false);
  }
  for (const e of doc.graph.edges) {
    const name = `edge ${e.from} -${e.kind}-> ${e.to}`;
    if (!nodeIds.has(e.from)) bad(`${name}: from is not a node`);
    if (!nodeIds.has(e.to)) bad(`${name}: to is not a node`);
    if (!EDGE_KINDS.includes(e.kind)) bad(`${name}: kind`);
    if (!CONFIDENCE.includes(e.confidence)) bad(`${name}: confidence ${e.confidence}`);
    if (!isStr(e.why)) bad(`${name}: why`);
    spans(name, e.evidence);
  }
  for (const f of doc.findings) {
    if (!isStr(f.kind) || (f.kind as string) === '') bad(`finding kind ${f.kind}`);
    if (!SEVERITY.includes(f.severity)) bad(`finding ${f.kind}: severity ${f.severity}`);
    if (!isStr(f.summary) || f.summary === '') bad(`finding ${f.kind}: summary`);
    if (f.confidence !== undefined && !CONFIDENCE.includes(f.confidence)) bad(`finding ${f.kind}: confidence`);
    if (!Array.isArray(f.nodes)) bad(`finding ${f.kind}: nodes`);
    else
      for (const id of f.nodes) {
        if (!nodeIds.has(id) && !taskIds.has(id) && !cpuIds.has(id) && !lockIds.has(id))
          bad(`finding ${f.kind}: node ${id} exists nowhere`);
      }
    spans(`finding ${f.kind}`, f.evidence, false);
  }
  for (const c of doc.coverage ?? []) spans(`coverage ${c.format}`, [{ line: c.line, endLine: c.endLine }]);
  return problems;
}

/** Analyse, check the contract and that a second run gives the same document. */
function check(text: string, twice = true): AnalysisDocument {
  const doc = analyze(text);
  const problems = contractProblems(doc, text);
  if (problems.length) {
    throw new Error(`contract violated (${problems.length}): ${problems.slice(0, 8).join('; ')}`);
  }
  if (twice) {
    const again = analyze(text);
    if (JSON.stringify(again) !== JSON.stringify(doc)) expect(again).toEqual(doc);
  }
  return doc;
}

// ---------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const DUMPS = ['seeds', 'corpus', 'dmesg'].flatMap((dir) =>
  readdirSync(join(FIXTURES, dir))
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => ({ name: `${dir}/${f}`, text: readFileSync(join(FIXTURES, dir, f), 'utf8') })),
);

const hex = (digits: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${digits}}$`));
// Small pools so generated lines refer to the same tasks and locks (cycles, merges).
const pid = fc.constantFrom(0, 1, 2, 17, 4790, 31969, 65535, 4194304, 2147483647);
const cpu = fc.constantFrom(0, 1, 3, 7, 63, 511, 4095);
const comm = fc.constantFrom(
  'kworker/1:2',
  'rmmod',
  'jbd2/sda1-8',
  'systemd',
  'swapper/0',
  'a b',
  'x:1:2',
  '',
  '[',
  'ü名',
  'kworker/u256:0+events_unbound',
);
const fn = fc.constantFrom(
  'schedule',
  '__mutex_lock',
  'flush_workqueue',
  'wait_for_completion',
  'rwsem_down_write_slowpath',
  'csd_lock_wait',
  'smp_call_function_many_cond',
  'native_queued_spin_lock_slowpath',
  'io_schedule',
  'rcu_gp_kthread',
  'process_one_work',
  'x',
  '?',
  '',
);
const addr = fc.oneof(fc.constantFrom('ffff880035acf1e0', 'ffff8f1afdf55fe8', 'ffffffff81000000'), hex(16), hex(8));
const lockName = fc.constantFrom(
  '&dev->mutex',
  'rtnl_mutex',
  '(wq_completion)events',
  '&sb->s_type->i_mutex_key#13',
  'cgroup_mutex',
  '((work_completion)(&w))',
  '&(&zone->lock)->rlock',
);
const num = fc.integer({ min: 0, max: 100_000 });
const word = fc.string({ unit: fc.constantFrom(...'abcxyz019_-./:[]()<>#+?! \t'), maxLength: 20 });

const kernelLine: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(comm, pid, num).map(([c, p, s]) => `INFO: task ${c}:${p} blocked for more than ${s} seconds.`),
  fc
    .tuple(comm, fc.constantFrom('D', 'R', 'S', 'UN', 'RU', 'Z', '?'), addr, pid, pid)
    .map(([c, st, a, p, pp]) => `${c.padEnd(15)} ${st} ${a}     0 ${p}  ${pp} 0x00000080`),
  fc
    .tuple(fc.boolean(), addr, fn, hex(3), hex(3), fc.constantFrom('', ' [xfs]', ' [bsnmod]'))
    .map(([q, a, f, o, s, m]) => ` ${q ? '? ' : ''}[<${a}>] ${f}+0x${o}/0x${s}${m}`),
  fc.tuple(fc.boolean(), fn, hex(3), hex(3)).map(([q, f, o, s]) => `  ${q ? '? ' : ''}${f}+0x${o}/0x${s}`),
  fc.tuple(fc.nat(40), addr, fn, addr).map(([n, a, f, b]) => ` #${n} [${a}] ${f} at ${b}`),
  fc.tuple(pid, addr, cpu, comm).map(([p, a, c, cm]) => `PID: ${p}  TASK: ${a}  CPU: ${c}  COMMAND: "${cm}"`),
  fc
    .tuple(cpu, num, comm, pid)
    .map(([c, s, cm, p]) => `watchdog: BUG: soft lockup - CPU#${c} stuck for ${s}s! [${cm}:${p}]`),
  fc.tuple(cpu).map(([c]) => `NMI watchdog: Watchdog detected hard LOCKUP on cpu ${c}`),
  fc.tuple(cpu).map(([c]) => `NMI backtrace for cpu ${c}`),
  fc
    .tuple(cpu, pid, comm)
    .map(([c, p, cm]) => `CPU: ${c} PID: ${p} Comm: ${cm} Tainted: G        W  OE     5.15.0-91-generic #101-Ubuntu`),
  fc.tuple(addr, fn, hex(2), hex(3)).map(([a, f, o, s]) => `RIP: 0010:${f}+0x${o}/0x${s} ${a}`),
  fc.tuple(fc.constantFrom('RAX', 'RDI', 'RSI', 'RBX', 'R12'), addr).map(([r, a]) => `${r}: ${a}`),
  fc.tuple(fc.nat(9), comm, pid).map(([n, c, p]) => `${n} lock${n === 1 ? '' : 's'} held by ${c}/${p}:`),
  fc.tuple(fc.nat(9), addr, lockName, fn).map(([n, a, l, f]) => ` #${n}: ${a} (${l}){+.+.}-{3:3}, at: ${f}+0x1f/0x80`),
  fc.tuple(fc.nat(5), lockName).map(([n, l]) => `-> #${n} (${l}){+.+.}-{3:3}:`),
  fc.tuple(comm, pid).map(([c, p]) => `${c}/${p} is trying to acquire lock:`),
  fc.constantFrom(
    'Call Trace:',
    ' <TASK>',
    ' </TASK>',
    ' <IRQ>',
    ' </IRQ>',
    '<NMI>',
    '*** DEADLOCK ***',
    '======================================================',
    'WARNING: possible circular locking dependency detected',
    'WARNING: possible recursive locking detected',
    'rcu: INFO: rcu_sched detected stalls on CPUs/tasks:',
    'sysrq: Show Blocked State',
    'Showing busy workqueues and worker pools:',
    '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
    'Kernel panic - not syncing: hung_task: blocked tasks',
    'crash> foreach UN bt',
    'crash> bt -a',
    '---[ end trace 0000000000000000 ]---',
    '--- <IRQ stack> ---',
    '',
  ),
  fc
    .tuple(cpu, num)
    .map(([c, g]) => `rcu: \t${c}-...!: (${g} GPs behind) idle=b3a/1/0x4000000000000000 softirq=0/0 fqs=0`),
  fc.tuple(cpu, num).map(([c, s]) => `BUG: workqueue lockup - pool cpus=${c} node=0 flags=0x0 nice=0 stuck for ${s}s!`),
  fc
    .tuple(word, fn)
    .map(
      ([w, f]) =>
        `workqueue ${w}: flags=0x0\n  pwq 2: cpus=1 node=0 flags=0x0 nice=0 active=2/256 refcnt=3\n    in-flight: 4790:${f}\n    pending: ${f}`,
    ),
  fc.tuple(word, fn).map(([w, f]) => `Workqueue: ${w} ${f}`),
  fc.tuple(addr, addr, addr).map(([a, b, c]) => `${a}: ${b} ${c}`),
  fc
    .tuple(cpu, pid)
    .map(
      ([c, p]) =>
        `csd: Detected non-responsive CSD lock (#1) on CPU#${c}, waiting 5000000001 ns for CPU#${p % 8} do_nothing+0x0/0x10(0x0).`,
    ),
  word,
);

const timestamp = fc
  .tuple(fc.nat(99999), fc.nat(999999))
  .map(([s, us]) => `[${String(s).padStart(5)}.${String(us).padStart(6, '0')}] `);
const kernelText = fc
  .tuple(
    fc.array(fc.tuple(fc.option(timestamp, { nil: undefined }), kernelLine), { maxLength: 60 }),
    fc.constantFrom('\n', '\r\n', '\r'),
    fc.boolean(),
  )
  .map(([lines, eol, final]) => lines.map(([ts, l]) => (ts ?? '') + l).join(eol) + (final ? eol : ''));

// Mutations of a real dump: line-level edits, then optional byte-level damage.
type LineOp =
  | { op: 'drop'; at: number; n: number }
  | { op: 'swap'; a: number; b: number }
  | { op: 'repeat'; at: number; times: number }
  | { op: 'splice'; at: number; from: number; start: number; n: number }
  | { op: 'truncate'; at: number }
  | { op: 'huge'; at: number; unit: string; size: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'reverse'; at: number; n: number }
  | { op: 'dedent' | 'untime'; at: number; n: number };
type ByteOp =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'latin1'; at: number }
  | { op: 'cut'; at: number }
  | { op: 'crlf' | 'mojibake' | 'cr' };

const frac = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const lineOp: fc.Arbitrary<LineOp> = fc.oneof(
  fc.record({ op: fc.constant('drop' as const), at: frac, n: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ op: fc.constant('swap' as const), a: frac, b: frac }),
  fc.record({ op: fc.constant('repeat' as const), at: frac, times: fc.integer({ min: 2, max: 400 }) }),
  fc.record({
    op: fc.constant('splice' as const),
    at: frac,
    from: fc.nat(DUMPS.length - 1),
    start: frac,
    n: fc.integer({ min: 1, max: 80 }),
  }),
  fc.record({ op: fc.constant('truncate' as const), at: frac }),
  fc.record({
    op: fc.constant('huge' as const),
    at: frac,
    unit: fc.constantFrom(
      'x',
      '-',
      '[',
      '0x',
      ' ',
      'ffff880035acf1e0 ',
      '[<ffffffff81000000>] ',
      '#0 [ffff8800] x at ffff8800 ',
      'schedule+0x29/0x70 ',
      '(&dev->mutex){+.+.}',
      ':',
      '\t',
    ),
    size: fc.integer({ min: 1000, max: 64_000 }),
  }),
  fc.record({
    op: fc.constant('insert' as const),
    at: frac,
    text: fc.oneof(kernelLine, fc.string({ unit: 'binary', maxLength: 200 })),
  }),
  fc.record({ op: fc.constant('reverse' as const), at: frac, n: fc.integer({ min: 2, max: 40 }) }),
  fc.record({
    op: fc.constantFrom('dedent' as const, 'untime' as const),
    at: frac,
    n: fc.integer({ min: 1, max: 200 }),
  }),
);
const byteOp: fc.Arbitrary<ByteOp> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: frac, bit: fc.nat(7) }),
  fc.record({ op: fc.constant('latin1' as const), at: frac }),
  fc.record({ op: fc.constant('cut' as const), at: frac }),
  fc.record({ op: fc.constantFrom('crlf' as const, 'mojibake' as const, 'cr' as const) }),
);

const idx = (f: number, n: number) => Math.min(n - 1, Math.floor(f * n));

export function mutate(text: string, lineOps: LineOp[], byteOps: ByteOp[]): string {
  let lines = text.split('\n');
  for (const m of lineOps) {
    if (lines.length === 0) lines = [''];
    const n = lines.length;
    switch (m.op) {
      case 'drop':
        lines.splice(idx(m.at, n), m.n);
        break;
      case 'swap': {
        const a = idx(m.a, n);
        const b = idx(m.b, n);
        [lines[a], lines[b]] = [lines[b], lines[a]];
        break;
      }
      case 'repeat': {
        const at = idx(m.at, n);
        lines.splice(at, 0, ...Array<string>(m.times).fill(lines[at]));
        break;
      }
      case 'splice': {
        const other = DUMPS[m.from].text.split('\n');
        const start = idx(m.start, other.length);
        lines.splice(idx(m.at, n), 0, ...other.slice(start, start + m.n));
        break;
      }
      case 'truncate': {
        const at = idx(m.at, n);
        const line = lines[at] ?? '';
        lines = [...lines.slice(0, at), line.slice(0, Math.floor(line.length * m.at))];
        break;
      }
      case 'huge': {
        const at = idx(m.at, n);
        lines[at] = (lines[at] ?? '') + m.unit.repeat(Math.ceil(m.size / m.unit.length));
        break;
      }
      case 'insert':
        lines.splice(idx(m.at, n), 0, m.text);
        break;
      case 'reverse': {
        const at = idx(m.at, n);
        lines.splice(at, m.n, ...lines.slice(at, at + m.n).reverse());
        break;
      }
      case 'dedent':
      case 'untime': {
        const at = idx(m.at, n);
        for (let i = at; i < Math.min(n, at + m.n); i++) {
          lines[i] = m.op === 'dedent' ? lines[i].trimStart() : lines[i].replace(/^\[[^\]]{0,20}\]\s?/, '');
        }
        break;
      }
    }
  }
  // Bounded, so 3,500 cases stay a few seconds (1 MB inputs are timed separately below).
  let out = lines.join('\n').slice(0, 128 * 1024);
  for (const m of byteOps) {
    if (m.op === 'crlf') out = out.replace(/\r?\n/g, '\r\n');
    else if (m.op === 'cr') out = out.replace(/\r?\n/g, '\r');
    else if (m.op === 'mojibake') out = Buffer.from(out, 'utf8').toString('latin1');
    else if (m.op === 'flip' || m.op === 'latin1' || m.op === 'cut') {
      // Byte-level damage, decoded the way the server decodes uploads (invalid → U+FFFD).
      const bytes = Buffer.from(out, 'utf8');
      if (bytes.length === 0) continue;
      const at = idx(m.at, bytes.length);
      let damaged: Buffer;
      if (m.op === 'flip') {
        damaged = Buffer.from(bytes);
        damaged[at] ^= 1 << m.bit;
      } else if (m.op === 'latin1') {
        damaged = Buffer.concat([
          bytes.subarray(0, at),
          Buffer.from('bästa-host Grüße ', 'latin1'),
          bytes.subarray(at),
        ]);
      } else {
        damaged = bytes.subarray(0, at); // cut, possibly inside a multi-byte character
      }
      out = new TextDecoder('utf-8').decode(damaged);
    }
  }
  return out;
}

const mutatedDump = fc
  .tuple(fc.nat(DUMPS.length - 1), fc.array(lineOp, { minLength: 1, maxLength: 6 }), fc.array(byteOp, { maxLength: 3 }))
  .map(([i, lineOps, byteOps]) => mutate(DUMPS[i].text, lineOps, byteOps));

const params = (numRuns: number): fc.Parameters<unknown> => ({ numRuns, seed: SEED, endOnFailure: false });

// ---------------------------------------------------------------------------------

describe('analyzer fuzzing', () => {
  it('every fixture dump is a valid document, and analysing others in between changes nothing', () => {
    const first = DUMPS.map((d) => JSON.stringify(check(d.text, false)));
    const again = [...DUMPS]
      .reverse()
      .map((d) => JSON.stringify(analyze(d.text)))
      .reverse();
    DUMPS.forEach((d, i) => expect(again[i], d.name).toBe(first[i]));
  });

  it('random text of any code points (4,000 cases)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 3000 }),
          fc.string({ unit: 'grapheme-ascii', maxLength: 3000 }),
          fc.string({ unit: fc.constantFrom(...'\n\r\t []<>():#+-?0123456789abcdefx'), maxLength: 3000 }),
        ),
        (text) => void check(text),
      ),
      params(runs(4000)),
    );
  });

  it('kernel-looking token soup with shared pids, cpus and locks (4,000 cases)', () => {
    fc.assert(
      fc.property(kernelText, (text) => void check(text)),
      params(runs(4000)),
    );
  });

  it('mutated real dumps: drops, swaps, repetition, truncation, huge lines, byte flips, Latin-1, CRLF (2,000 cases)', () => {
    fc.assert(
      fc.property(mutatedDump, (text) => void check(text)),
      params(runs(2000)),
    );
  });

  it('edge inputs: empty, only line ends, a BOM, lone surrogates, NUL', () => {
    for (const text of [
      '',
      '\n',
      '\r\n',
      '\r',
      '\n\n\n',
      ' ',
      '\uFEFF',
      '\uFEFF' + DUMPS[0].text,
      '\uD800',
      'a\uDC00b\n',
      '\u0000'.repeat(100),
      DUMPS[0].text.replace(/\n/g, '\u2028'),
    ]) {
      check(text);
    }
  });
});

// ---------------------------------------------------------------------------------
// Time linear in size: no 1 MB input over 2 s.
// ---------------------------------------------------------------------------------

const MB = 1 << 20;
const fill = (unit: string, size = MB) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
const ALL = DUMPS.map((d) => d.text).join('\n');

/** The outer frames of a thread's stack (syscall entry), as real stacks have them. */
const OUTER = [
  ' ? futex_wake+0x1/0x2',
  ' do_futex+0x1/0x2',
  ' ? __audit_syscall_entry+0x1/0x2',
  ' system_call_fastpath+0x16/0x1b',
  '',
].join('\n');

const BIG: Record<string, (size: number) => string> = {
  'repeated dumps': (size) => fill(ALL, size),
  'one line of x': (size) => 'x'.repeat(size),
  'crash frames #0 [ffff…] x at ffff…': (size) => fill('#0 [ffffc90000abcdef] schedule at ffffffff81abcdef\n', size),
  'crash frames on one line': (size) => fill('#0 [ffffc90000abcdef] schedule at ffffffff81abcdef ', size),
  'stack words ffff…: ffff… ffff…': (size) => fill('ffff880035acf1e0: ffff880035acf1e0 ffffffff81abcdef\n', size),
  'stack words on one line': (size) => fill('ffff880035acf1e0: ffff880035acf1e0 ffffffff81abcdef ', size),
  'one line of -': (size) => '-'.repeat(size),
  'lines of -': (size) => fill('-'.repeat(999) + '\n', size),
  'one line of [': (size) => '['.repeat(size),
  'lines of [': (size) => fill('['.repeat(999) + '\n', size),
  'one line of 0x': (size) => fill('0x', size),
  'spaces then x': (size) => ' '.repeat(size - 1) + 'x',
  'indented lines': (size) => fill(' '.repeat(200) + 'x\n', size),
  'Call Trace: lines': (size) => fill('Call Trace:\n', size),
  'terminal escapes without an end': (size) => fill('\u001b[1;2;3;4;5;6;7;8', size),
  'coloured dmesg lines': (size) => fill('\u001b[32m[ 1.0]\u001b[0m \u001b[1mINFO: task x:1 blocked\u001b[0m\n', size),
  // One task whose trace has a line of other output between every two frames: each is
  // read past and parsed on its own (ParseContext.strays), tens of thousands of them.
  'a trace with a stray line between every two frames': (size) => {
    const head =
      'INFO: task dd:30412 blocked for more than 120 seconds.\ndd              D    0 30412  30398 0x00004000\nCall Trace:\n';
    return head + fill(' schedule+0x42/0xb0\nnfs: server x not responding, still trying\n', size - head.length);
  },
  'NMI backtrace lines': (size) => fill('NMI backtrace for cpu 1\n', size),
  'hung task headers': (size) => fill('INFO: task kworker/1:2:4790 blocked for more than 120 seconds.\n', size),
  'ps lines': (size) => fill('rmmod           D ffff8f1afdf55fe8     0 31969  31968 0x00000080\n', size),
  'lockdep chain lines': (size) => fill('-> #1 (&dev->mutex){+.+.}-{3:3}:\n', size),
  // A chain's intro line with no link after it starts nothing (a lockdep excerpt may start there).
  'lockdep chain intro lines': (size) => fill('the existing dependency chain (in reverse order) is:\n\n', size),
  'crash ps rows with their COMM wrapped': (size) =>
    fill('     215      2   0  c000000004c80000  UN   0.0       0      0\n[kworker/0:2]\n', size),
  'struct member commands without a prompt': (size) =>
    fill(' struct -x mutex.owner.counter rtnl_mutex\n  owner.counter = 0xffff9a1072b50001\n', size),
  'held locks lines': (size) =>
    fill(' #0: ffff888000000000 (&sb->s_type->i_mutex_key#13){++++}-{3:3}, at: foo+0x1/0x2\n', size),
  'dmesg timestamps only': (size) => fill('[ 1234.567890] ', size),
  'open parens': (size) => '('.repeat(size),
  'CRLF line ends': (size) => fill('[ 1.0] x\r\n', size),
  'CR only line ends': (size) => fill('[ 1.0] x\r', size),
  'distinct pids': (size) => {
    const out: string[] = [];
    let n = 0;
    for (let i = 1; n < size; i++) {
      const l = `task${i % 97}           D ffff8f1a${((i * 2654435761) >>> 0).toString(16).padStart(8, '0')}     0 ${i}  1 0x00000080\n [<ffffffff9a567c49>] schedule+0x29/0x70\n [<ffffffff9a567c49>] mutex_lock+0x29/0x70\n`;
      out.push(l);
      n += l.length;
    }
    return out.join('').slice(0, size);
  },
  // Locks held by the holders' own frames (resolve/locks/owners-from-frames.ts): every task either
  // waits for the one lock or holds it by a frame — each holder is matched once.
  'waiters and frame holders of one mmap_lock and rtnl_mutex': (size) => {
    const out: string[] = [];
    let n = 0;
    for (let i = 1; n < size; i++) {
      const stack =
        i % 4 === 0
          ? [
              ' schedule+0x29/0x70',
              ' rwsem_down_write_failed+0x1/0x2',
              ' call_rwsem_down_write_failed+0x1/0x2',
              ' sys_mprotect+0x1/0x2',
            ]
          : i % 4 === 1
            ? [
                ' _spin_lock_irq+0x1/0x2',
                ' lru_add_drain+0x1/0x2',
                ' handle_mm_fault+0x1/0x2',
                ' __do_page_fault+0x1/0x2',
                ' do_page_fault+0x1/0x2',
              ]
            : i % 4 === 2
              ? [' schedule+0x29/0x70', ' mutex_lock+0x1/0x2', ' rtnl_lock+0x1/0x2', ' linkwatch_event+0x1/0x2']
              : [
                  ' schedule+0x29/0x70',
                  ' wait_for_completion+0x1/0x2',
                  ' foo_cmd+0x1/0x2',
                  ' rtnetlink_rcv_msg+0x1/0x2',
                ];
      const l = `java            D ffff8f1a${((i * 2654435761) >>> 0).toString(16).padStart(8, '0')}     0 ${i}  1 0x00000080\n${stack.join('\n')}\n${OUTER}`;
      out.push(l);
      n += l.length;
    }
    return out.join('').slice(0, size);
  },
};

/** ms of one analysis: min(wall, process CPU), so other jobs on a loaded machine do not count. */
function timed(text: string): number {
  let doc: AnalysisDocument | undefined;
  const ms = timeMs(() => (doc = analyze(text)));
  if (!doc) throw new Error('no document');
  const problems = contractProblems(doc, text);
  if (problems.length) throw new Error(`contract violated: ${problems.slice(0, 5).join('; ')}`);
  return ms;
}

describe('regressions the fuzzer found (fixed in b793c48 and 9e7b9fb)', () => {
  it('workqueue lockup: a pending work never waits on an in-flight work that is not a node', () => {
    const text = [
      'BUG: workqueue lockup - pool cpus=1 node=0 flags=0x0 nice=0 stuck for 36s!',
      'workqueue events: flags=0x0',
      '  pwq 2: cpus=1 node=0 flags=0x0 nice=0 active=3/256 refcnt=4',
      '    in-flight: 4790:qxl_fb_work',
      '    pending: vmstat_shepherd',
      '',
    ].join('\n');
    expect(contractProblems(analyze(text), text)).toEqual([]);
  });

  // text/lines.ts splitLines rescanned for LF to the end of a text without one at every
  // line: lone-CR line ends were quadratic (1 MB of \r: ~18 s).
  it('lone CR line ends grow linearly: 512 KB of "x\\r" within 6× the time of 128 KB (quadratic: 16×)', () => {
    const small = Math.min(timed('x\r'.repeat(64 * 1024)), timed('x\r'.repeat(64 * 1024)));
    // Two tries for each size: the machine is shared, one slow sample is noise.
    const big = Math.min(timed('x\r'.repeat(256 * 1024)), timed('x\r'.repeat(256 * 1024)));
    expect(big, `512 KB: ${Math.round(big)} ms, 128 KB: ${Math.round(small)} ms`).toBeLessThan(6 * small + 250);
  });
});

describe('analyzer time is linear in the input size', () => {
  const measured: string[] = [];
  for (const [name, make] of Object.entries(BIG)) {
    it(`1 MB of ${name}: under 2 s`, () => {
      const text = make(MB);
      expect(text.length).toBe(MB);
      // Two tries: the machine is shared, one slow sample is noise, two are a finding.
      let ms = timed(text);
      if (ms > 2000) ms = Math.min(ms, timed(text));
      const quarter = timed(make(MB / 4));
      measured.push(`${name}: ${Math.round(ms)} ms (256 KB: ${Math.round(quarter)} ms)`);
      expect(ms, `1 MB of ${name} took ${Math.round(ms)} ms`).toBeLessThan(2000);
      // Quadratic growth would be 16× from 256 KB to 1 MB; linear is 4×.
      expect(ms, `1 MB of ${name}: ${Math.round(ms)} ms vs ${Math.round(quarter)} ms for 256 KB`).toBeLessThan(
        10 * quarter + 300,
      );
    });
  }
  it('report', () => {
    console.log(`analyzer 1 MB timings:\n  ${measured.join('\n  ')}`);
  });
});
