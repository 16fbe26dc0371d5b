// Typed records that format parsers emit. The model stage merges them; no parser
// knows about any other parser's records.

import type { Frame, Kind, LockType, Span, TaskState } from '../contract.js';
import { FrameTable } from './frame-table.js';

/** Where a frame ran: the interrupted task context, or an interrupt/NMI stack on top. */
export type FrameContext = 'task' | 'irq' | 'nmi' | 'exception';

/** A frame as a parser reads it: with the input line it came from. */
export interface ParsedFrame extends Frame {
  line: number;
  context?: FrameContext;
  /** The frame came from an `[exception RIP: …]`/`RIP:`/`pc :` line: where the CPU was. */
  isIp?: boolean;
}

/**
 * A frame of a stored task: interned (one object per distinct frame of the analysis,
 * shared by every task whose stack holds it, never mutated); its input line is in the
 * task's `frameLines` at the same index.
 */
export type StackFrame = Readonly<Omit<ParsedFrame, 'line'>>;

/** One line of a 32-bit ARM backtrace: the function, and the frame it was called from. */
export interface ArmCall {
  callee: StackFrame;
  caller: StackFrame;
}

/** A raw stack or memory word (`bt -f`, `rd -s`, `search`), kept to search addresses. */
export interface StackWord {
  /** Address of the word, when printed. */
  at: string | null;
  /** Hex value (lower case, no 0x) or a symbol like `schedule+41`. */
  value: string;
  line: number;
}

/**
 * An interrupted context's own `RIP:` line and registers, printed inside a trace below an
 * interrupt's frames (x86 show_trace_log_lvl prints the pt_regs of each exception frame
 * it crosses): where, and with what in its registers, the code the interrupt stopped
 * was. `frame` indexes the record's frames (the IP frame).
 */
export interface Stop {
  frame: number;
  registers: Record<string, string>;
  /** The IP line through its last register line. */
  span: Span;
}

export interface TaskRecord {
  pid: number | null;
  comm: string | null;
  state: TaskState | null;
  cpu: number | null;
  taskAddr: string | null;
  ppid?: number | null;
  /** Thread group (process) id, when printed (`tgid:` in 6.x task lines, `ps -L`). */
  tgid?: number | null;
  /** Innermost first; identical stacks share one array (see Records.addTask). */
  frames: readonly StackFrame[];
  /** Input line of each frame (same index as `frames`). Set by a parser that took its
   *  frames from the frame table already; else addTask moves them out of ParsedFrames. */
  frameLines?: number[];
  registers?: Record<string, string>;
  /** Registers of contexts an interrupt stopped, below the first IP block (see Stop). */
  stops?: Stop[];
  stackWords?: StackWord[];
  workqueue?: { wq: string; fn: string } | null;
  blockedSeconds?: number | null;
  /** crash `ps -m` of a running (RU) task: seconds since it last got on a CPU. */
  sinceRunSeconds?: number | null;
  /** This record is the current task of a CPU (crash `bt`, `CPU: N PID: N` lines). */
  onCpu?: boolean;
  /** The task is the idle task of its CPU. */
  idle?: boolean;
  span: Span;
  /** Extra lines that support this record (e.g. a `ps` row elsewhere). */
  evidence?: Span[];
  format: string;
}

export interface TaskRef {
  pid: number | null;
  comm: string | null;
  taskAddr: string | null;
}

export interface CpuRecord {
  cpu: number;
  current?: TaskRef | null;
  idle?: boolean;
  stuck?: boolean;
  stuckReason?: string | null;
  runnable?: TaskRef[];
  span: Span;
  format: string;
}

/**
 * A lock held by a task, from lockdep's held-locks lists. A list on a big machine names
 * 100,000 of them, kept until the graph asks, so each is small: its line rather than a
 * span object (made when asked for), and the parser interns the lock's name and call
 * site (a few hundred distinct ones) instead of keeping a string per line.
 */
export class HeldLockRecord {
  constructor(
    readonly holder: TaskRef,
    readonly addr: string | null,
    readonly name: string | null,
    /** Function that acquired it (`at: fn+off/len`). */
    readonly at: string | null,
    readonly index: number,
    /** Its input line (1-based). */
    readonly line: number,
    /** lockdep's usage bits say the class was never taken for read (an exclusive lock:
     *  one holder at a time); false when they say otherwise or are not printed. */
    readonly exclusive = false,
  ) {}

  /** The one-line span of the entry (a new object: callers may keep or merge it). */
  get span(): Span {
    return { line: this.line, endLine: this.line };
  }
}

/** A fact about a lock stated by the dump: struct dumps, hung-task hints, lockdep. */
export interface LockFactRecord {
  addr: string | null;
  name?: string | null;
  type?: LockType | null;
  /** Owner as a task_struct address (struct mutex owner field, flag bits masked). */
  ownerAddr?: string | null;
  owner?: TaskRef | null;
  /** The lock is stated free (count 1 / owner 0). */
  free?: boolean;
  /** Where a waiter is taking it, as printed (lockdep's `at: fn+0x1e/0x40`). */
  at?: string | null;
  waiterAddrs?: string[];
  waiters?: TaskRef[];
  /** Address of the first waiter struct on wait_list (mutex_waiter etc.). */
  waitListNext?: string | null;
  span: Span;
  format: string;
}

/** A `struct mutex_waiter` style record: a waiter node at `addr` for task `taskAddr`. */
export interface WaiterRecord {
  addr: string;
  taskAddr: string | null;
  /** The lock whose wait_list this waiter links to, when its list pointers say so. */
  listHead: string | null;
  span: Span;
}

export interface WorkRecord {
  fn: string;
  wq: string | null;
  state: 'running' | 'pending' | 'delayed' | 'unknown';
  workerPid?: number | null;
  /** CPUs of the worker pool, when printed (`pool cpus=1`). */
  poolCpus?: string | null;
  span: Span;
  format: string;
}

/**
 * A lockdep circular-dependency chain (print_circular_bug): entry #0 is the lock being
 * acquired; entry #i (i ≥ 1) was acquired, at `frames`, while holding entry #(i-1)'s lock.
 */
export interface LockdepChainRecord {
  reporter: TaskRef | null;
  /** `implied`: an end of a cut chain, added from the report's own lock lines (parse/dmesg/lockdep.ts completeCutChain). */
  entries: { index: number; name: string; frames: string[]; span: Span; implied?: true }[];
  span: Span;
  /** Part of the chain was cut: the dependency between its implied ends is stated by the
   *  report, the locks it went through are not in the text. */
  cut?: true;
  /** An irq report's cycle (parse/dmesg/lockdep.ts irqCycle): the last class is closed
   *  to the first by an interrupt, not by a recorded order. */
  irq?: true;
}

/** What an address is: learned from ps/bt headers, kmem, per-cpu dumps. */
export type AddressFact =
  | { kind: 'task'; addr: string; task: TaskRef; span: Span }
  /** An address inside a task's kernel stack (kmem on a stack address, bt frame addresses). */
  | { kind: 'stack'; addr: string; task: TaskRef; span: Span }
  /** A task's kernel stack base (task_struct.stack). */
  | { kind: 'stack_base'; addr: string; task: TaskRef; span: Span }
  | { kind: 'percpu_base'; addr: string; cpu: number; span: Span }
  /** A per-cpu pointer: a value whose per-cpu instances are the base + offset. */
  | { kind: 'percpu_offset_of'; name: string; cpu: number; field: string; value: string; span: Span };

/** A crash `struct NAME ADDR` / `p VAR` dump, kept whole for specialised readers. */
export interface StructDump {
  /** Type name (`mutex`, `call_single_data`, `cpumask`) or variable (`cpu_stopper`). */
  type: string;
  addr: string | null;
  /** The global variable dumped (`struct mutex.owner cgroup_mutex`), when no address. */
  symbol?: string | null;
  /** `p var:N` → N. */
  cpu: number | null;
  /** Flattened fields: `owner`, `wait_list.next`, `rlock.raw_lock.val.counter`, … */
  fields: Record<string, string>;
  /** Where members live, when crash printed them with `-o` and a base address
   *  (`[ffff9a20c0063270] struct rw_semaphore mmap_lock;`): member path → address. */
  memberAt?: Record<string, string>;
  /** The task the session was looking at when it printed this dump (the last `set PID` /
   *  `bt PID`): a lock printed then is most likely the one that task waits for. */
  subject?: TaskRef;
  /** The line of the `set`/`bt` command that made it the subject. */
  subjectLine?: number;
  span: Span;
}

/** A cpumask value as printed (`struct cpumask`, `eval -b`'s "bits set"). */
export interface CpumaskRecord {
  addr: string | null;
  cpus: number[];
  span: Span;
}

/** A watchdog or lockdep report header: what kind of hang the text reports. */
export interface ReportRecord {
  kind: Exclude<Kind, 'blocked_tasks' | 'unknown'>;
  /** The headline line as printed, prefix-stripped. */
  header: string;
  cpu?: number | null;
  task?: TaskRef | null;
  seconds?: number | null;
  /** CPUs named by an RCU stall report. */
  cpus?: number[];
  /** Tasks an RCU stall report lists as blocking the grace period (`Tasks blocked on
   *  level-0 rcu_node (CPUs 0-3): P828 P1119/1:b..l`), with the line that lists each. */
  blockedPids?: { pid: number; line: number }[];
  /** For lockdep: circular / recursive / held-locks, etc. */
  subtype?: string | null;
  /** Title in syzkaller's naming, when the format parser can tell (see summary/title). */
  title?: string | null;
  altTitles?: string[];
  span: Span;
  format: string;
}

export interface PanicRecord {
  reason: string;
  /** The report kind the panic ends (knowledge/panic-reasons), or null for another panic. */
  kind: ReportRecord['kind'] | null;
  cpu: number | null;
  task: TaskRef | null;
  span: Span;
}

export interface KernelFact {
  release: string;
  arch: string | null;
  /** Higher wins: a `Not tainted` line beats a version seen in prose. */
  strength: number;
  line: number;
}

/** A block the segmenter recognised (or did not), for the coverage report. */
export interface SegmentRecord {
  format: string;
  span: Span;
  status: 'parsed' | 'unparsed';
  note?: string;
}

/** A task record as a parser builds it: frames still carry their lines. */
export type NewTaskRecord = Omit<TaskRecord, 'frames' | 'frameLines'> & { frames: ParsedFrame[] };

export class Records {
  /** The run's frames: each distinct frame and stack once (frame-table.ts). */
  readonly frames = new FrameTable();
  /** Read-only for parsers: add through `addTask`, which interns the frames. */
  tasks: TaskRecord[] = [];

  /**
   * Store a task record. Its frames are replaced by interned ones (identical frames are
   * one object, identical stacks one array) and their lines move to `frameLines`: a
   * 50,000-task dump holds a few hundred distinct stacks, not a million frame objects.
   */
  addTask(r: NewTaskRecord | TaskRecord): TaskRecord {
    const rec = r as TaskRecord;
    if (rec.frameLines === undefined) {
      // Frames as parsed, each with its line.
      const parsed = r.frames as ParsedFrame[];
      const lines = new Array<number>(parsed.length);
      const frames = new Array<StackFrame>(parsed.length);
      for (let k = 0; k < parsed.length; k++) {
        lines[k] = parsed[k].line;
        frames[k] = this.frames.frame(parsed[k]);
      }
      rec.frames = this.frames.stack(frames);
      rec.frameLines = lines;
    } else {
      // Frames already from the frame table (readTrace), lines beside them.
      rec.frames = this.frames.stack(rec.frames);
    }
    // Comms repeat (threads of a process, kworkers, one daemon per CPU): one string each.
    if (rec.comm) rec.comm = this.intern(rec.comm);
    const regs = rec.registers;
    if (regs) {
      // A value equal to the one the previous task had in that register is that string.
      const last = this.#lastRegisters;
      for (const k in regs) {
        const v = regs[k];
        const prev = last[k];
        if (prev === v) regs[k] = prev;
        else last[k] = v;
      }
    }
    this.tasks.push(rec);
    return rec;
  }

  /** Register values repeat from task to task (segment selectors, flags, zeroed
   *  registers) while stack and instruction pointers are each their own: each register's
   *  last value is kept, and an equal value takes that string (a table of every value
   *  cost more time than it saved memory). */
  readonly #lastRegisters: Record<string, string> = Object.create(null);

  readonly #interned = new Map<string, string>();
  /** One copy of each string kept (comms, lock names, call sites): a list of 100,000
   *  entries repeats a few hundred. Per analysis, so nothing outlives it. */
  intern(s: string): string {
    const known = this.#interned.get(s);
    if (known !== undefined) return known;
    this.#interned.set(s, s);
    return s;
  }

  cpus: CpuRecord[] = [];
  heldLocks: HeldLockRecord[] = [];
  lockdepChains: LockdepChainRecord[] = [];
  /** NMI backtrace requests (`Sending NMI from CPU 1 to CPUs 3:`) and the CPUs that answered. */
  nmiRequests: { fromCpu: number | null; cpus: number[] | 'all'; span: Span }[] = [];
  nmiAnswered = new Set<number>();
  /** `rcu_preempt kthread starved … ->cpu=3`: the GP kthread is runnable on that CPU but not run. */
  rcuStarvedOn: { cpu: number; span: Span }[] = [];
  /** `All QSes seen, last rcu_sched kthread activity N (…)`: every CPU passed a quiescent
   *  state, yet the grace-period kthread has not run for N jiffies. */
  rcuGpIdle: { kthread: string; jiffies: number; span: Span }[] = [];
  /** `rcu_sched kthread timer wakeup didn't happen for N jiffies!` and the `Possible timer
   *  handling issue on cpu=C` after it: the GP kthread sleeps on a timer that did not fire,
   *  and the kernel names the CPU whose timers are not handled (null when that line is cut). */
  rcuTimerMissed: { kthread: string; jiffies: number; cpu: number | null; span: Span }[] = [];
  /** `unregister_netdevice: waiting for DEV to become free`: a device reference not dropped. */
  netdevWaits: { dev: string; count: number; tid: number | null; span: Span }[] = [];
  /** NFS servers the client said were not responding (or came back). */
  nfsServers: { server: string; ok: boolean; span: Span }[] = [];
  /** The kernel's own statement that a CPU waits for another's answer to a call. */
  ipiWaits: { fromCpu: number; toCpu: number; func: string | null; waitedNs: number | null; span: Span }[] = [];
  lockFacts: LockFactRecord[] = [];
  waiters: WaiterRecord[] = [];
  works: WorkRecord[] = [];
  /** `BAR(N)` in a busy-workqueue dump: task N waits in flush_work for `fn`, the work
   *  the barrier was queued behind (kernel/workqueue.c insert_wq_barrier). */
  workBarriers: { pid: number; fn: string; wq: string | null; span: Span }[] = [];
  /** Worker pools reported stuck: `BUG: workqueue lockup - pool cpus=C …`, or a dump's
   *  `pool N: cpus=C … hung=Ns` at or past the watchdog's threshold. */
  stuckPools: { cpus: string; seconds: number; span: Span }[] = [];
  /** Workers the workqueue watchdog shows running in a stalled CPU-bound pool (`pool N:`
   *  then the worker's `sched_show_task` dump: show_cpu_pool_hog, kernel/workqueue.c 6.5+). */
  poolHogs: { pool: number; pid: number; comm: string; span: Span }[] = [];
  addresses: AddressFact[] = [];
  structs: StructDump[] = [];
  /** Memory words from `rd`/`search` not yet known to belong to a task. */
  memWords: StackWord[] = [];
  cpumasks: CpumaskRecord[] = [];
  reports: ReportRecord[] = [];
  /** `Kernel panic - not syncing: …`: what stopped the machine, and the CPU and task that
   *  panicked (the `CPU: N PID: N Comm:` line printed right after it), when printed. */
  panic: PanicRecord | null = null;
  kernels: KernelFact[] = [];
  segments: SegmentRecord[] = [];
  /** Capture markers (summary/captures.ts): where each capture after the first begins. */
  captureMarks: { seq: number; line: number; createdAt: string }[] = [];
  /** Architecture hints from register names and trace styles. */
  archHints: { arch: string; line: number }[] = [];
}
