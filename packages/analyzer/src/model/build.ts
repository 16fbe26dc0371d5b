// Merge the parsers' records into one model: a task seen in several captures (ps, a
// /proc stack, a crash bt) becomes one task with all its evidence; CPUs by number;
// an address index so later stages can ask "which task is this task_struct / stack".

import { SOFT_LOCKUP_THRESH_S } from '../knowledge/lockups.js';
import { kworkerKind } from '../knowledge/workqueues.js';
import type { Span, Task, TaskState } from '../contract.js';
import { PERCPU_UNIT_MAX, VIRTUALIZATION_WORDS } from '../knowledge/arch.js';
import { stackBlockKey, type StackBlockKey } from '../parse/parser.js';
import type { FrameTable } from '../parse/frame-table.js';
import { keepShape } from '../warm-shapes.js';
import type { Records, StackFrame, StackWord, Stop, TaskRecord, TaskRef } from '../parse/records.js';

/**
 * A task of the model, and the document's task: the same object, so a dump of 80,000
 * tasks makes one object per task, not two. Its public fields are the contract's `Task`
 * in the document's order (optional members hold `undefined` when absent, which JSON
 * leaves out, so every task keeps one shape); what only the analysis reads lives in
 * private fields, which JSON, structured clone and Object.keys do not see.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the class below makes these fields
export interface ModelTask extends Pick<
  Task,
  'id' | 'pid' | 'comm' | 'state' | 'cpu' | 'taskAddr' | 'evidence' | 'waitFrame' | 'waitKind'
> {
  /** Interned and shared between tasks with the same stack: never mutate. */
  frames: readonly StackFrame[];
  /** Input line of each frame (same index as `frames`). */
  frameLines: number[];
  registers: Record<string, string> | undefined;
  workqueue: { wq: string; fn: string } | undefined;
  blockedSeconds: number | undefined;
}

/** What mergeRecords knows of a task: its public fields (null where absent) and the
 *  model's own. */
type ModelTaskInit = Pick<
  ModelTask,
  'id' | 'pid' | 'comm' | 'state' | 'cpu' | 'taskAddr' | 'frames' | 'frameLines' | 'evidence'
> & {
  registers: Record<string, string> | null;
  workqueue: { wq: string; fn: string } | null;
  blockedSeconds: number | null;
  stackWords: StackWord[];
  stops: readonly Stop[];
  tgid: number | null;
  onCpu: boolean;
  idle: boolean;
  framesSpan: Span | null;
  stackBefore?: { frames: readonly StackFrame[]; capture: number } | null;
  sinceRun?: number | null;
};

// The public fields are declared by the interface above (merged into the class) and
// made here in the document's order: JSON writes them in the order they were made.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- deliberate: see above
export class ModelTask {
  #stackWords: StackWord[];
  #stops: readonly Stop[];
  #tgid: number | null;
  #onCpu: boolean;
  #idle: boolean;
  #framesSpan: Span | null;
  #stackBefore: { frames: readonly StackFrame[]; capture: number } | null;
  #sinceRun: number | null;

  constructor(f: ModelTaskInit) {
    this.id = f.id;
    this.pid = f.pid;
    this.comm = f.comm;
    this.state = f.state;
    this.cpu = f.cpu;
    this.taskAddr = f.taskAddr;
    this.frames = f.frames;
    this.frameLines = f.frameLines;
    this.evidence = f.evidence;
    this.registers = f.registers ?? undefined;
    this.workqueue = f.workqueue ?? undefined;
    this.blockedSeconds = f.blockedSeconds ?? undefined;
    // Set by analyze() from the task's wait.
    this.waitFrame = undefined;
    this.waitKind = undefined;
    this.#stackWords = f.stackWords;
    this.#stops = f.stops;
    this.#tgid = f.tgid;
    this.#onCpu = f.onCpu;
    this.#idle = f.idle;
    this.#framesSpan = f.framesSpan;
    this.#stackBefore = f.stackBefore ?? null;
    this.#sinceRun = f.sinceRun ?? null;
  }

  /** Seconds since the task last got on a CPU (crash `ps -m` of a running task): for the
   *  task a CPU runs, how long it has held that CPU without a switch. Not in the document. */
  get sinceRun(): number | null {
    return this.#sinceRun;
  }

  /** Raw stack or memory words attributed to the task (crash `bt -f`, `rd`, `search`). */
  get stackWords(): StackWord[] {
    return this.#stackWords;
  }
  set stackWords(words: StackWord[]) {
    this.#stackWords = words;
  }
  /** Where interrupts stopped the code below them, with that code's registers. */
  get stops(): readonly Stop[] {
    return this.#stops;
  }
  /** Process (thread group) id when the dump says; threads share one mm. */
  get tgid(): number | null {
    return this.#tgid;
  }
  /** The task is (or was, when captured) running on its CPU. */
  get onCpu(): boolean {
    return this.#onCpu;
  }
  get idle(): boolean {
    return this.#idle;
  }
  /** Span of the record whose frames were kept. */
  get framesSpan(): Span | null {
    return this.#framesSpan;
  }
  /** Several captures of one incident (summary/captures.ts): the stack an earlier capture
   *  showed when the kept one is a later capture's, and that capture (1-based); null when
   *  no earlier capture showed one. Not part of the document. */
  get stackBefore(): { frames: readonly StackFrame[]; capture: number } | null {
    return this.#stackBefore;
  }
}

/** A read-only index of the model's tasks. */
export interface TaskLookup<K> {
  get(key: K): ModelTask | undefined;
}

export interface ModelCpu {
  cpu: number;
  current: string | null;
  idle: boolean;
  stuck: boolean;
  stuckReason: string | null;
  runnable: string[];
  evidence: Span[];
  /** The current task has held the CPU, without a switch, for longer than the soft-lockup
   *  threshold while the run queue's tasks wait (crash `runq` and `ps -m`). */
  hog?: { task: string; seconds: number };
  /** Stuck by inference, not by a report of the text (resolve/spin-holders.ts). */
  stuckInferred?: true;
}

export interface Model {
  tasks: ModelTask[];
  /** Tasks by node id (`task:PID`, `task:0@cpuN`, `task:@ADDR` …). */
  taskById: TaskLookup<string>;
  taskByAddr: Map<string, ModelTask>;
  /** The task of each pid (> 0). */
  taskByPid: TaskLookup<number>;
  cpus: Map<number, ModelCpu>;
  records: Records;
  /** Sorted per-cpu area bases, for "which CPU's per-cpu data is this address". */
  percpuBases: { cpu: number; base: bigint }[];
  /** Any hint that the machine is a virtual machine (a starved vCPU is then likely). */
  virtualized: boolean;
  /** The kernel release, when the dump states it. */
  kernel: string | null;
  /** The task whose kernel stack holds this address, when the dump shows that stack. */
  taskOfStackAddr(addr: string): ModelTask | undefined;
}

/** Frame-list quality: crash bt with registers > dmesg trace > /proc stack > folded. */
function framesRank(r: TaskRecord, info: StackInfo): number {
  if (r.frames.length === 0) return -1;
  // A header-less stack given to the task by its lines' printk caller id (shell/index.ts)
  // is a piece: a mail's wrap may have cut the task's own trace in two. The trace under
  // its header, if any, is the one.
  if (r.format === 'stack') return 0.5;
  // Registers make a stack the better one (a CPU's show_regs over a plain trace), except
  // a crash bt cut right below its exception RIP: the NMI/irq handler's frames and the
  // interrupted IP alone say less of the task than a trace of it.
  const cutBelowHandler = info.hasHandler && info.taskFrames <= 1;
  return (r.registers && !cutBelowHandler ? 1000 : 0) + info.taskFrames;
}

/** What the model asks of a stack; the same for every task with that (shared) stack. */
interface StackInfo {
  /** Frames of the task's own context (not interrupt/NMI handlers). */
  taskFrames: number;
  /** Function of the frame where the CPU was stopped (RIP / exception RIP), if any. */
  ipFn: string | undefined;
  hasHandler: boolean;
  interrupted: boolean;
}

const NO_STACK: StackInfo = Object.freeze({ taskFrames: 0, ipFn: undefined, hasHandler: false, interrupted: false });

function stackInfoOf(memo: Map<readonly StackFrame[], StackInfo>, frames: readonly StackFrame[]): StackInfo {
  // Tasks known only as lock holders each carry an empty list of their own.
  if (frames.length === 0) return NO_STACK;
  let info = memo.get(frames);
  if (!info) {
    info = { taskFrames: 0, ipFn: undefined, hasHandler: false, interrupted: false };
    for (const f of frames) {
      if (f.context === 'irq' || f.context === 'nmi') info.hasHandler = true;
      else info.taskFrames++;
      if (f.context === 'exception') info.interrupted = true;
      if (f.isIp && info.ipFn === undefined) info.ipFn = f.fn;
    }
    memo.set(frames, info);
  }
  return info;
}

// Explicit state sources first: a ps/hung-task line states it; runq only implies R.
const STATE_RANK: Record<string, number> = { crash_runq: 1, crash_task_block: 2 };

/** The state of a task seen in several records. */
function mergedState(recs: TaskRecord[]): TaskState | null {
  const stated = recs
    .filter((r) => r.state !== null)
    .sort((a, b) => (STATE_RANK[a.format] ?? 9) - (STATE_RANK[b.format] ?? 9));
  // Several explicit states (captures taken at different times): D wins, since a
  // task seen blocked is what the reader is after.
  const explicit = stated.filter((r) => (STATE_RANK[r.format] ?? 9) === 9);
  return explicit.find((r) => r.state === 'D')?.state ?? explicit[0]?.state ?? stated[stated.length - 1]?.state ?? null;
}

const isHandler = (f: StackFrame) => f.context === 'irq' || f.context === 'nmi';

// Shared empty lists for the many tasks (lock holders, mostly) that have none: never
// written to.
const NO_FRAMES: readonly StackFrame[] = Object.freeze([]);
const NO_LINES: number[] = Object.freeze([]) as unknown as number[];
const NO_WORDS: StackWord[] = Object.freeze([]) as unknown as StackWord[];
const NO_STOPS: readonly Stop[] = Object.freeze([]);

function refKey(pid: number | null, cpu: number | null, addr: string | null): string | number | null {
  // A pid is its own key (a number: no string built per record of a 100,000-line list).
  if (pid !== null && pid > 0) return pid;
  if (pid === 0) return addr ? `addr:${addr}` : `idle:${cpu ?? '?'}`;
  if (addr) return `addr:${addr}`;
  return null;
}

/** N for an id `task:N` as taskIdFor writes it for a pid N > 0 (no sign, no leading
 *  zero), else 0. */
function pidOfTaskId(id: string): number {
  const n = id.length;
  if (n < 6 || n > 15 || !id.startsWith('task:')) return 0;
  let v = 0;
  for (let i = 5; i < n; i++) {
    const c = id.charCodeAt(i);
    if (c < 48 || c > 57 || (i === 5 && c === 48)) return 0;
    v = v * 10 + (c - 48);
  }
  return v;
}

export function taskIdFor(pid: number | null, cpu: number | null, addr: string | null, anon: number): string {
  if (pid !== null && pid > 0) return `task:${pid}`;
  // Every CPU has an idle task with pid 0: tell them apart by CPU.
  if (pid === 0) return cpu !== null ? `task:0@cpu${cpu}` : 'task:0';
  if (addr) return `task:@${addr}`;
  return `task:@unknown-${anon}`;
}

/**
 * One task from the records that name it (a ps row, a /proc stack, a crash bt, a lockdep
 * holder line …). A function of its own, called once per task, so V8 optimises it: the
 * callbacks below then cost no allocation (in one big loop they made a closure each per
 * task).
 */
function mergeRecords(
  table: FrameTable,
  recs: TaskRecord[],
  info: (frames: readonly StackFrame[]) => StackInfo,
  anonN: number,
  captureOf: ((line: number) => number) | null,
): ModelTask {
  const pid = recs.find((r) => r.pid !== null)?.pid ?? null;
  const taskAddr = recs.find((r) => r.taskAddr)?.taskAddr ?? null;
  const comm = recs.find((r) => r.comm && r.format !== 'proc_stack')?.comm ?? recs.find((r) => r.comm)?.comm ?? null;
  const state = recs.length === 1 ? recs[0].state : mergedState(recs);
  let best: TaskRecord | null = null;
  let bestRank = -1;
  let stackBefore: { frames: readonly StackFrame[]; capture: number } | null = null;
  if (captureOf === null) {
    for (const r of recs) {
      const rank = framesRank(r, info(r.frames));
      if (rank >= 0 && (!best || rank > bestRank)) {
        best = r;
        bestRank = rank;
      }
    }
  } else {
    // Several captures: the newest capture's stack is where the task is now; the best of
    // the capture before it is kept beside it, for what the new capture changed.
    let bestCapture = -1;
    for (const r of recs) {
      const rank = framesRank(r, info(r.frames));
      if (rank < 0) continue;
      const c = captureOf(r.span.line);
      if (!best || c > bestCapture || (c === bestCapture && rank > bestRank)) {
        best = r;
        bestRank = rank;
        bestCapture = c;
      }
    }
    let prev: TaskRecord | null = null;
    let prevRank = -1;
    let prevCapture = -1;
    for (const r of recs) {
      const rank = framesRank(r, info(r.frames));
      if (rank < 0) continue;
      const c = captureOf(r.span.line);
      if (c < bestCapture && (c > prevCapture || (c === prevCapture && rank > prevRank))) {
        prev = r;
        prevRank = rank;
        prevCapture = c;
      }
    }
    if (prev) stackBefore = { frames: prev.frames, capture: prevCapture + 1 };
  }
  // A register dump whose stack is its IP alone (the sender cut the trace after the
  // registers, `[...]`, and pasted it under a second `CPU:` header) says less than the
  // trace of the same capture that runs through that IP.
  if (best?.registers) {
    const bi = info(best.frames);
    if (bi.taskFrames <= 1 && bi.ipFn) {
      const at = captureOf === null ? 0 : captureOf(best.span.line);
      const through = recs.find(
        (r) =>
          r !== best &&
          (captureOf === null || captureOf(r.span.line) === at) &&
          info(r.frames).taskFrames > 1 &&
          r.frames.some((f) => f.fn === bi.ipFn),
      );
      if (through) best = through;
    }
  }
  // A task migrates between CPUs: the CPU of the record whose stack is kept, else the
  // last one the text names (a WARNING on cpu 0 and, later, a soft lockup on cpu 2: it
  // is stuck on cpu 2 now).
  let cpu = best?.cpu ?? null;
  for (let k = recs.length - 1; cpu === null && k >= 0; k--) cpu = recs[k].cpu;
  let frames = best?.frames ?? NO_FRAMES;
  let frameLines = best?.frameLines ?? NO_LINES;
  // A later `bt` often repeats the task context only; keep the handler frames (NMI,
  // watchdog) of an earlier full one so the reader and the report detection see them.
  const ip = info(frames).ipFn;
  if (best && ip && !info(frames).hasHandler) {
    const full = recs.find(
      (r) => r !== best && info(r.frames).hasHandler && r.frames.some((f) => f.isIp && f.fn === ip),
    );
    if (full) {
      const keep = full.frames.map((f, k) => k).filter((k) => isHandler(full.frames[k]));
      frames = table.stack([...keep.map((k) => full.frames[k]), ...frames]);
      frameLines = [...keep.map((k) => full.frameLines?.[k] ?? full.span.line), ...frameLines];
    }
  }
  const registers = best?.registers ?? recs.find((r) => r.registers)?.registers ?? null;
  // Indexes into best's frames: kept only when those are the task's frames as they are.
  const stops = best?.stops && frames === best.frames ? best.stops : NO_STOPS;
  // Most tasks have no memory words: they share one empty list (attachMemoryWords gives
  // a task its own when it finds one).
  let words = NO_WORDS;
  for (const r of recs)
    if (r.stackWords) for (const w of r.stackWords) (words === NO_WORDS ? (words = []) : words).push(w);
  const wq = recs.find((r) => r.workqueue)?.workqueue ?? null;
  const blocked = recs.find((r) => r.blockedSeconds != null)?.blockedSeconds ?? null;
  let evidence: Span[];
  if (recs.length === 1 && !recs[0].evidence) evidence = [recs[0].span];
  else {
    evidence = [];
    for (const r of recs) {
      evidence.push(r.span);
      if (r.evidence) evidence.push(...r.evidence);
    }
    evidence = mergeSpans(evidence);
  }
  const interrupted = frames.length > 0 && info(frames).interrupted;
  const onCpu = recs.some((r) => r.onCpu) || interrupted;
  const idle = pid === 0 || recs.some((r) => r.idle);
  return new ModelTask({
    id: taskIdFor(pid, cpu, pid === 0 ? null : taskAddr, anonN),
    pid,
    comm,
    state,
    cpu,
    taskAddr,
    frames,
    frameLines,
    registers,
    stackWords: words,
    stops,
    workqueue: wq,
    blockedSeconds: blocked,
    tgid: recs.find((r) => r.tgid != null)?.tgid ?? null,
    onCpu,
    idle,
    evidence,
    framesSpan: best?.span ?? null,
    stackBefore,
    sinceRun: recs.find((r) => r.sinceRunSeconds != null)?.sinceRunSeconds ?? null,
  });
}

/**
 * Lock holders named by lockdep lists and lock facts, as task records to merge: kept in
 * columns, one entry per run of consecutive lines naming the same holder (a lockdep list
 * names its holder once per lock), and made into a record only when merged. A list of
 * 30,000 holders made as many records that all lived until the model was built.
 */
class HolderMentions {
  #pids: number[] = [];
  #comms: (string | null)[] = [];
  #addrs: (string | null)[] = [];
  #lines: number[] = [];
  #endLines: number[] = [];

  get length(): number {
    return this.#pids.length;
  }
  add(ref: TaskRef | null | undefined, line: number, endLine: number): void {
    if (!ref || ref.pid === null || ref.pid <= 0) return;
    const k = this.#pids.length - 1;
    if (
      k >= 0 &&
      this.#pids[k] === ref.pid &&
      this.#comms[k] === ref.comm &&
      this.#addrs[k] === ref.taskAddr &&
      line >= this.#lines[k] &&
      line <= this.#endLines[k] + 1
    ) {
      this.#endLines[k] = Math.max(this.#endLines[k], endLine);
      return;
    }
    this.#pids.push(ref.pid);
    this.#comms.push(ref.comm);
    this.#addrs.push(ref.taskAddr);
    this.#lines.push(line);
    this.#endLines.push(endLine);
  }
  /** The pid of mention k (always > 0). */
  pid(k: number): number {
    return this.#pids[k];
  }
  record(k: number): TaskRecord {
    return {
      pid: this.#pids[k],
      comm: this.#comms[k],
      state: null,
      cpu: null,
      taskAddr: this.#addrs[k],
      frames: NO_FRAMES,
      span: { line: this.#lines[k], endLine: this.#endLines[k] },
      format: 'lock_holder',
    };
  }
}

// (An empty list kept so that its class outlives the runs: warm-shapes.ts.)
keepShape(new HolderMentions());

export function buildModel(records: Records, text: string, kernel: string | null = null): Model {
  // 1. Resolve addresses to pids first, so records that carry only an address merge.
  //    (Built when the first such record asks: most dumps give every record its pid.)
  let pidByAddr: Map<string, TaskRef> | null = null;
  const pidOfAddr = (addr: string): number | null => {
    if (!pidByAddr) {
      pidByAddr = new Map();
      for (const f of records.addresses) if (f.kind === 'task' && f.task.pid !== null) pidByAddr.set(f.addr, f.task);
      for (const r of records.tasks)
        if (r.taskAddr && r.pid !== null) pidByAddr.set(r.taskAddr, { pid: r.pid, comm: r.comm, taskAddr: r.taskAddr });
    }
    return pidByAddr.get(addr)?.pid ?? null;
  };

  // Tasks named only as lock holders (lockdep lists, "likely owned by" hints) are tasks
  // too: the owner of a lock must be a node even when its stack is not in the dump.
  const named = new HolderMentions();
  // Indexed loops over the per-record lists: buildModel runs once per analysis, often
  // before it is optimised, where for-of allocates an iterator result per element.
  const held = records.heldLocks;
  for (let k = 0; k < held.length; k++) named.add(held[k].holder, held[k].line, held[k].line);
  for (const f of records.lockFacts) named.add(f.owner, f.span.line, f.span.endLine);
  // So are the tasks an RCU stall report lists as blocking the grace period (`P1234`):
  // the report names them, by pid alone, whether or not their stacks follow.
  for (const r of records.reports)
    if (r.blockedPids)
      for (const b of r.blockedPids) named.add({ pid: b.pid, comm: null, taskAddr: null }, b.line, b.line);
  // Records by task: the group of each key (a pid > 0 is its own key, so the same map
  // later finds a task by pid; see taskByPid), and each group's records as a list linked
  // through typed arrays: an array per group (tens of thousands of them, most holding one
  // record) lived until every task was merged and was most of the model's garbage.
  // Records 0 … nRecords-1 are the parsers' task records, the rest the holder mentions.
  const groups = new Map<string | number, number>();
  const nRecords = records.tasks.length;
  const n = nRecords + named.length;
  const first = new Int32Array(n);
  const last = new Int32Array(n);
  const next = new Int32Array(n).fill(-1);
  // A record whose pid was found from its task address is merged as that pid's.
  const stackInfo = new Map<readonly StackFrame[], StackInfo>();
  const info = (frames: readonly StackFrame[]) => stackInfoOf(stackInfo, frames);
  let resolved: Map<number, TaskRecord> | null = null;
  let groupCount = 0;
  let anon = 0;
  // A CPU's stack with no task line (a lockup headline's trimmed show_regs): the task of
  // the one pid the records show running on that CPU. None when they show several (the
  // CPU ran different tasks in different parts of the text): which one is unknown.
  let onCpuPid: Map<number, number> | null = null;
  const pidOnCpu = (cpu: number): number | null => {
    if (!onCpuPid) {
      onCpuPid = new Map();
      for (const r of records.tasks) {
        if (r.cpu === null || r.pid === null || r.pid <= 0) continue;
        // Running there: said so (a CPU's dump), or stopped there by an interrupt (a crash
        // bt through an NMI or exception frame).
        if (!r.onCpu && !(r.frames.length > 0 && info(r.frames).interrupted)) continue;
        const seen = onCpuPid.get(r.cpu);
        onCpuPid.set(r.cpu, seen === undefined || seen === r.pid ? r.pid : -1);
      }
    }
    const p = onCpuPid.get(cpu);
    return p !== undefined && p > 0 ? p : null;
  };
  // A stack with no task line but its worker's `Workqueue: wq fn` line: the one worker a
  // busy-workqueue dump shows running fn on wq (`in-flight: 441:mei_cl_bus_rescan_work`).
  // None when it shows several: which one is unknown.
  let workerOf: Map<string, number> | null = null;
  const pidRunning = (wq: { wq: string; fn: string }): number | null => {
    if (!workerOf) {
      workerOf = new Map();
      for (const w of records.works) {
        if (w.state !== 'running' || w.workerPid == null || w.wq === null) continue;
        const key = `${w.wq} ${w.fn}`;
        const seen = workerOf.get(key);
        workerOf.set(key, seen === undefined || seen === w.workerPid ? w.workerPid : -1);
      }
    }
    const p = workerOf.get(`${wq.wq} ${wq.fn}`);
    return p !== undefined && p > 0 ? p : null;
  };
  for (let k = 0; k < n; k++) {
    let key: string | number | null;
    if (k < nRecords) {
      const r = records.tasks[k];
      let pid = r.pid;
      if (pid === null && r.taskAddr) pid = pidOfAddr(r.taskAddr);
      if (pid === null && !r.taskAddr && r.onCpu && r.cpu !== null && r.format === 'cpu_dump') pid = pidOnCpu(r.cpu);
      if (pid === null && !r.taskAddr && r.workqueue && r.format === 'stack' && records.works.length > 0)
        pid = pidRunning(r.workqueue);
      key = refKey(pid, r.cpu, r.taskAddr);
      if (pid === 0 && r.taskAddr) key = `addr:${r.taskAddr}`;
      if (key === null) key = `anon:${anon++}`;
      if (r.pid !== pid) (resolved ??= new Map()).set(k, { ...r, pid });
    } else key = named.pid(k - nRecords);
    const g = groups.get(key);
    if (g === undefined) {
      groups.set(key, groupCount);
      first[groupCount] = last[groupCount] = k;
      groupCount++;
    } else {
      next[last[g]] = k;
      last[g] = k;
    }
  }

  const tasks: ModelTask[] = [];
  // Several captures of one incident (parse/run.ts): a line's capture, 0 for the first.
  const marks = records.captureMarks;
  const captureOf =
    marks.length === 0
      ? null
      : (line: number) => {
          let c = 0;
          while (c < marks.length && marks[c].line < line) c++;
          return c;
        };
  const recordAt = (k: number): TaskRecord =>
    k < nRecords ? (resolved?.get(k) ?? records.tasks[k]) : named.record(k - nRecords);
  for (let g = 0; g < groupCount; g++) {
    // The group's records, in input order (short-lived: made for the merge only).
    const recs = [recordAt(first[g])];
    for (let k = next[first[g]]; k >= 0; k = next[k]) recs.push(recordAt(k));
    tasks.push(mergeRecords(records.frames, recs, info, g, captureOf));
  }
  // Idle tasks keyed by address may collide on `task:0@cpuN` ids only if the dump is
  // inconsistent; keep ids unique regardless. (Other ids are unique by construction:
  // one group per pid, per address, or an anonymous counter.)
  const seen = new Set<string>();
  let idle: ModelTask | null = null;
  for (const t of tasks) {
    if (t.pid !== 0) continue;
    let id = t.id;
    for (let k = 2; seen.has(id); k++) id = `${t.id}#${k}`;
    t.id = id;
    seen.add(id);
    idle = seen.size === 1 ? t : null;
  }
  // The shared contract names a task by its pid (`task:0`); the CPU is only needed to tell
  // several idle tasks apart. A dump that shows one idle task gets the contract's id.
  if (idle && seen.size === 1) idle.id = 'task:0';
  // Indexes of the tasks. A big dump has tens of thousands of tasks and a Map costs
  // ~0.3 µs per entry to fill, so the pid index is the grouping map itself (one group,
  // hence one task, per pid), and ids of the `task:PID` form are looked up through it:
  // only the other ids get a map of their own.
  const taskByPid: TaskLookup<number> = {
    get: (pid) => {
      const g = groups.get(pid);
      return g === undefined ? undefined : tasks[g];
    },
  };
  const otherIds = new Map<string, ModelTask>();
  const taskByAddr = new Map<string, ModelTask>();
  for (let k = 0; k < tasks.length; k++) {
    const t = tasks[k];
    const idPid = pidOfTaskId(t.id);
    if (idPid === 0 || idPid !== t.pid) otherIds.set(t.id, t);
    if (t.taskAddr) taskByAddr.set(t.taskAddr, t);
  }
  const taskById: TaskLookup<string> = {
    get: (id) => {
      const pid = pidOfTaskId(id);
      const t = pid > 0 ? taskByPid.get(pid) : undefined;
      return t !== undefined && t.id === id ? t : otherIds.get(id);
    },
  };

  // Which task's kernel stack holds an address: built when first asked (memory words to
  // place, a waiter entry to find); a `foreach bt` of 17,000 tasks rarely needs it.
  let stackOwner: Map<StackBlockKey, ModelTask> | null = null;
  const owners = () => (stackOwner ??= stackOwners(records, taskByPid, taskByAddr));
  if (records.memWords.length) attachMemoryWords(records, owners());
  const taskOfStackAddr = (addr: string): ModelTask | undefined => {
    if (!HEX_ADDR.test(addr)) return undefined;
    return owners().get(stackBlockKey(addr));
  };

  const cpus = buildCpus(records, tasks, taskByPid, taskByAddr);
  const percpuBases: { cpu: number; base: bigint }[] = [];
  for (const a of records.addresses)
    if (a.kind === 'percpu_base') percpuBases.push({ cpu: a.cpu, base: BigInt('0x' + a.addr) });
  percpuBases.sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
  // Boot banners, `Hardware name:` lines and people's notes sit near the start or the end.
  const sample = text.length > 400_000 ? text.slice(0, 200_000) + text.slice(-200_000) : text;
  const virtualized = VIRTUALIZATION_WORDS.test(sample);
  return { tasks, taskById, taskByAddr, taskByPid, cpus, records, percpuBases, virtualized, taskOfStackAddr, kernel };
}

const HEX_ADDR = /^[0-9a-f]{1,16}$/;

/**
 * The task whose kernel stack each 16 KiB block is: known from `task_struct.stack` (the
 * stack base), from `bt` frame addresses, or from `kmem ADDR` naming the owning task.
 * x86_64 kernel stacks are THREAD_SIZE (16 KiB) aligned, so an address's stack is its
 * 16 KiB-aligned block.
 */
function stackOwners(
  records: Records,
  byPid: TaskLookup<number>,
  byAddr: Map<string, ModelTask>,
): Map<StackBlockKey, ModelTask> {
  // Keyed by the 16 KiB block (x86_64 THREAD_SIZE) as the parsers key it.
  const stackOwner = new Map<StackBlockKey, ModelTask>();
  const find = (ref: TaskRef): ModelTask | undefined =>
    (ref.taskAddr ? byAddr.get(ref.taskAddr) : undefined) ??
    (ref.pid !== null && ref.pid > 0 ? byPid.get(ref.pid) : undefined);
  for (const f of records.addresses) {
    if (f.kind !== 'stack' && f.kind !== 'stack_base') continue;
    const t = find(f.task);
    if (t) stackOwner.set(stackBlockKey(f.addr), t);
  }
  for (const s of records.structs) {
    // `task_struct.stack TASK` → `stack = 0xffff8800506d0000`
    if (s.type === 'task_struct' && s.addr && s.fields.stack) {
      const t = byAddr.get(s.addr);
      const base = /^0x([0-9a-f]{8,16})/.exec(s.fields.stack);
      if (t && base) stackOwner.set(stackBlockKey(base[1]), t);
    }
  }
  return stackOwner;
}

/** Memory words from `rd`/`search` belong to the task whose kernel stack holds them. */
function attachMemoryWords(records: Records, stackOwner: Map<StackBlockKey, ModelTask>): void {
  const grown = new Set<ModelTask>();
  for (const w of records.memWords) {
    if (!w.at) continue;
    const t = stackOwner.get(stackBlockKey(w.at));
    if (t) {
      if (t.stackWords === NO_WORDS) t.stackWords = [];
      t.stackWords.push(w);
      t.evidence.push({ line: w.line, endLine: w.line });
      grown.add(t);
    }
  }
  for (const t of grown) t.evidence = mergeSpans(t.evidence);
}

function buildCpus(
  records: Records,
  tasks: ModelTask[],
  byPid: TaskLookup<number>,
  byAddr: Map<string, ModelTask>,
): Map<number, ModelCpu> {
  const cpus = new Map<number, ModelCpu>();
  const get = (n: number): ModelCpu => {
    let c = cpus.get(n);
    if (!c) {
      c = { cpu: n, current: null, idle: false, stuck: false, stuckReason: null, runnable: [], evidence: [] };
      cpus.set(n, c);
    }
    return c;
  };
  const idleByCpu = new Map<number, ModelTask>();
  for (let k = 0; k < tasks.length; k++) {
    const t = tasks[k];
    if (t.pid === 0 && t.cpu !== null && !idleByCpu.has(t.cpu)) idleByCpu.set(t.cpu, t);
  }
  const idOf = (ref: TaskRef | null | undefined, cpu: number): string | null => {
    if (!ref) return null;
    if (ref.taskAddr && byAddr.has(ref.taskAddr)) return byAddr.get(ref.taskAddr)!.id;
    if (ref.pid !== null && ref.pid > 0) return byPid.get(ref.pid)?.id ?? null;
    if (ref.pid === 0) return idleByCpu.get(cpu)?.id ?? null;
    return null;
  };
  for (const r of records.cpus) {
    const c = get(r.cpu);
    c.evidence.push(r.span);
    const cur = idOf(r.current, r.cpu);
    if (cur) c.current = cur;
    if (r.idle) c.idle = true;
    if (r.stuck) {
      c.stuck = true;
      c.stuckReason ??= r.stuckReason ?? null;
    }
    for (const q of r.runnable ?? []) {
      const id = idOf(q, r.cpu);
      if (id && !c.runnable.includes(id)) c.runnable.push(id);
    }
  }
  for (const t of tasks) {
    if (t.cpu === null || !t.onCpu) continue;
    const c = get(t.cpu);
    c.current ??= t.id;
    if (t.idle) c.idle = true;
    c.evidence.push(...t.evidence.slice(0, 1));
  }
  for (const rep of records.reports) {
    const stuckKinds = ['soft_lockup', 'hard_lockup'];
    if (stuckKinds.includes(rep.kind) && rep.cpu != null) {
      const c = get(rep.cpu);
      c.stuck = true;
      c.stuckReason ??= rep.header;
      c.evidence.push(rep.span);
    }
    if (rep.kind === 'rcu_stall') {
      for (const n of rep.cpus ?? []) {
        const c = get(n);
        c.stuck = true;
        c.stuckReason ??= rep.header;
        c.evidence.push(rep.span);
      }
    }
  }
  // CSD-lock debugging states both ends of a cross-CPU call that is not answered: the
  // CPU spinning for the answer, and the CPU that has not run the call.
  for (const w of records.ipiWaits) {
    const secs = w.waitedNs !== null ? ` for ${Math.round(w.waitedNs / 1e9)}s` : '';
    const from = get(w.fromCpu);
    from.stuck = true;
    from.stuckReason ??= `waits${secs} for cpu ${w.toCpu} to run ${w.func ?? 'a cross-CPU call'} (non-responsive CSD lock)`;
    from.evidence.push(w.span);
    if (w.toCpu === w.fromCpu) continue;
    const to = get(w.toCpu);
    to.stuck = true;
    to.stuckReason ??= `has not run cpu ${w.fromCpu}'s cross-CPU call${w.func ? ` ${w.func}` : ''}${secs} (non-responsive CSD lock)`;
    to.evidence.push(w.span);
  }
  // A CPU-bound worker pool that made no progress (workqueue watchdog, or a dump's
  // `hung=Ns` past its threshold): that CPU is reported stuck.
  for (const p of records.stuckPools) {
    if (!/^\d{1,5}$/.test(p.cpus)) continue;
    const c = get(Number(p.cpus));
    c.stuck = true;
    c.stuckReason ??= `workqueue pool cpus=${p.cpus} made no progress for ${p.seconds}s`;
    c.evidence.push(p.span);
  }
  // A worker the watchdog shows running in a stalled CPU-bound pool: a per-CPU pool's
  // workers are bound to its CPU and named for it (`kworker/N:M`, `H` for the highpri
  // pool: create_worker, kernel/workqueue.c), so that CPU's pool is stuck with the worker
  // running there.
  for (const h of records.poolHogs) {
    const cpu = kworkerKind(h.comm)?.cpu ?? null;
    if (cpu === null) continue;
    const c = get(cpu);
    c.stuck = true;
    c.stuckReason ??= `its CPU-bound worker pool ${h.pool} stalled, with ${h.comm} (${h.pid}) running in it`;
    c.evidence.push(h.span);
    const t = byPid.get(h.pid);
    if (!t) continue;
    t.cpu ??= cpu;
    if (t.cpu === cpu) c.current ??= t.id;
  }
  // crash `runq` lists the current task in its priority queue too: it waits for nobody.
  // A current task that has not left its CPU for longer than the soft-lockup threshold
  // (crash `ps -m` gives the time since it got on it) while tasks wait on that CPU's run
  // queue holds the CPU as a soft lockup would: the CPU is stuck, its queue waits.
  const ran = new Map<string, ModelTask>();
  for (const t of tasks) if (t.sinceRun !== null) ran.set(t.id, t);
  for (const c of cpus.values()) {
    if (c.current && c.runnable.length > 0) c.runnable = c.runnable.filter((id) => id !== c.current);
    const cur = c.current ? ran.get(c.current) : undefined;
    if (!cur || cur.idle || cur.sinceRun === null || cur.sinceRun < SOFT_LOCKUP_THRESH_S || c.runnable.length === 0)
      continue;
    c.hog = { task: cur.id, seconds: cur.sinceRun };
    c.stuck = true;
    c.stuckReason ??= `${cur.comm ?? 'its current task'} (${cur.pid}) has not left it for ${cur.sinceRun}s while ${c.runnable.length} task(s) wait on its run queue`;
  }
  for (const c of cpus.values()) c.evidence = mergeSpans(c.evidence);
  return cpus;
}

/** Sort and merge overlapping or touching spans. */
export function mergeSpans(spans: Span[]): Span[] {
  if (spans.length <= 1) return spans.slice();
  // Spans mostly arrive in order already (they are read top to bottom): sort only if not.
  let sorted = true;
  for (let k = 1; k < spans.length && sorted; k++) {
    const a = spans[k - 1];
    const b = spans[k];
    if (b.line < a.line || (b.line === a.line && b.endLine < a.endLine)) sorted = false;
  }
  const s = sorted ? spans : sortedSpans(spans);
  // New span objects (the inputs may be shared), made field by field: a spread copy per
  // span was most of this function's time on a lock with thousands of waiters.
  let last: Span = { line: s[0].line, endLine: s[0].endLine };
  const out: Span[] = [last];
  for (let k = 1; k < s.length; k++) {
    const sp = s[k];
    if (sp.line <= last.endLine + 1) {
      if (sp.endLine > last.endLine) last.endLine = sp.endLine;
    } else out.push((last = { line: sp.line, endLine: sp.endLine }));
  }
  return out;
}

const bySpanStart = (a: Span, b: Span) => a.line - b.line || a.endLine - b.endLine;

/** A sorted copy. Most lists out of order are two or three spans (a frame's line and its
 *  task's record): sorted by insertion, where Array#sort allocates a work area each call. */
function sortedSpans(spans: Span[]): Span[] {
  const s = spans.slice();
  if (s.length > 8) return s.sort(bySpanStart);
  for (let k = 1; k < s.length; k++) {
    const x = s[k];
    let j = k - 1;
    while (j >= 0 && bySpanStart(s[j], x) > 0) {
      s[j + 1] = s[j];
      j--;
    }
    s[j + 1] = x;
  }
  return s;
}

/** The CPU whose per-cpu area holds `addr`, from `kmem -o` bases (null when unknown). */
export function cpuOfPercpuAddr(model: Model, addr: string): number | null {
  if (model.percpuBases.length === 0) return null;
  const a = BigInt('0x' + addr);
  let best: { cpu: number; base: bigint } | null = null;
  for (const b of model.percpuBases) if (b.base <= a) best = b;
  if (!best) return null;
  // Per-cpu areas are at most a few MiB apart; farther means "not per-cpu data".
  return a - best.base < PERCPU_UNIT_MAX ? best.cpu : null;
}
