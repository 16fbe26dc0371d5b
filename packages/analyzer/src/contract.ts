// The analysis contract: the JSON document every part of hangscope speaks.
// Public interface (see docs/analysis-contract.md). Core fields and node id forms are
// fixed; fields may be added. Bump SCHEMA_VERSION when a change would break a reader.

export const SCHEMA_VERSION = 1;

export type Kind =
  | 'hung_task'
  | 'soft_lockup'
  | 'hard_lockup'
  | 'rcu_stall'
  | 'deadlock'
  | 'workqueue_lockup'
  | 'blocked_tasks'
  | 'unknown';

/** 1-based, inclusive line range of the input text as uploaded. */
export interface Span {
  line: number;
  endLine: number;
  /** Documents of several captures (see AnalysisDocument.captures): the capture the
   *  span lies in, and its first line counted in that capture (1-based). */
  capture?: number;
  captureLine?: number;
}

export type Confidence = 'certain' | 'likely' | 'guess';

export interface Frame {
  fn: string;
  offset: string | null;
  size: string | null;
  module: string | null;
  addr: string | null;
  /** false for frames printed with a leading `?` (not reliable). */
  reliable: boolean;
  /** Source line of this frame in the input: documents of analyzer 0.1 only. Frames are
   *  now shared by the tasks whose stacks hold them; a task's lines are `Task.frameLines`. */
  line?: number;
  /** Absent for the task's own context; `irq`/`nmi` for handler frames printed on top,
   *  `exception` for the interrupted instruction (RIP / pc). */
  context?: 'task' | 'irq' | 'nmi' | 'exception';
  /** Present (true) on frames that say nothing about why the task waits: scheduler,
   *  syscall/interrupt entry, kthread and workqueue plumbing, the code that prints the
   *  report (knowledge/waits.ts GENERIC_FRAMES, the analyzer's one list). Readers dim
   *  them; absent in documents of analyzer 0.2 and older. */
  generic?: true;
}

export type TaskState = 'R' | 'S' | 'D' | 'T' | 'Z' | 'I' | 'X' | 'P' | 'W' | 't';

export interface Task {
  id: string;
  pid: number | null;
  comm: string | null;
  state: TaskState | null;
  cpu: number | null;
  taskAddr: string | null;
  /** Innermost first. Tasks with identical stacks share one array: treat as read-only. */
  frames: Frame[];
  /** Input line (1-based) of each frame, same index as `frames`. */
  frameLines?: number[];
  evidence: Span[];
  /** Registers of the task's exception frame, lower-case names → hex (when printed). */
  registers?: Record<string, string>;
  /** `Workqueue: NAME FUNC` line printed for a kworker, when present. */
  workqueue?: { wq: string; fn: string } | null;
  /** Seconds the hung-task detector said the task was blocked for. */
  blockedSeconds?: number | null;
  /** The frame that names what the task waits on, and the kind of wait. */
  waitFrame?: string;
  waitKind?: string;
}

export interface Cpu {
  id: string;
  cpu: number;
  current: string | null;
  idle: boolean;
  stuck: boolean;
  runnable: string[];
  evidence: Span[];
  /** Why the CPU is stuck, in words ("hard LOCKUP", "soft lockup for 22s", ...). */
  stuckReason?: string | null;
}

export type LockType = 'mutex' | 'ww_mutex' | 'spinlock' | 'rwsem' | 'semaphore' | 'rwlock' | 'rcu' | 'other';

export interface Lock {
  id: string;
  addr: string | null;
  name: string | null;
  type: LockType;
  owner: string | null;
  waiters: string[];
  evidence: Span[];
  /** How sure the owner is: `certain` when the dump states it (owner field, lockdep). */
  ownerConfidence?: Confidence | null;
}

export interface Work {
  id: string;
  type: 'work' | 'wq';
  /** work function (for work) or workqueue name (for wq). */
  name: string;
  workqueue: string | null;
  /** task ids of workers running it. */
  runners: string[];
  state: 'running' | 'pending' | 'delayed' | 'unknown';
  evidence: Span[];
}

export type NodeType = 'task' | 'cpu' | 'lock' | 'work' | 'wq' | 'external';

export interface GraphNode {
  id: string;
  type: NodeType;
  label: string;
  /** For collapsed identical waiters: how many tasks this node stands for. */
  count?: number;
  /** Task ids folded into this node (collapsed waiters). */
  members?: string[];
  state?: string | null;
  /** Frame that names the wait, for task nodes. */
  waitFrame?: string | null;
  evidence?: Span[];
}

export type EdgeKind =
  | 'waits_lock'
  | 'held_by'
  | 'flushes'
  | 'runs'
  | 'ipi_wait'
  | 'on_cpu'
  | 'wakes'
  | 'waits_event'
  | 'starved_by'
  /** lock → lock: lockdep saw the second taken while the first was held (a lock-order
   *  cycle from a lockdep report: a possible deadlock, not a wait the dump shows). */
  | 'lock_order';

export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  confidence: Confidence;
  why: string;
  evidence: Span[];
}

export type FindingKind =
  | 'deadlock_cycle'
  | 'self_deadlock'
  | 'root_blocker'
  | 'lock_contention'
  | 'ipi_stall'
  | 'known_issue'
  | 'missing_evidence'
  | 'stuck_cpu'
  | 'starved_cpu'
  /** Another report in the same text, not the one that decided its kind and title. */
  | 'other_report'
  /** lockdep says a task freed a held lock or returned to user space holding locks. */
  | 'lock_left_held';

export interface KnownIssueRef {
  id: string;
  title: string;
  fixes: string[];
  mitigation: string;
  explanation?: string;
  affected?: string | null;
  fixedIn?: string[];
  links?: string[];
}

export interface Finding {
  kind: FindingKind;
  severity: 'critical' | 'warning' | 'info';
  summary: string;
  nodes: string[];
  evidence?: Span[];
  confidence?: Confidence;
  knownIssue?: KnownIssueRef;
  nextSteps?: string[];
  /** For each of `nextSteps` (same index), what scripts/hangscope-collect gives it: its
   *  flags (`--sysrq=w`, `--pid 4790`) and the sections of its output the answer is in;
   *  null for a step the collector cannot take. */
  collect?: (CollectorSource | null)[];
}

export interface CollectorSource {
  flags: string[];
  sections: string[];
}

/** The next capture to take with scripts/hangscope-collect, from every finding's steps. */
export interface NextCapture {
  /** The collector's arguments, in order (`--sysrq=wt`, `--pid`, `4790`, …). */
  args: string[];
  /** The tasks the next steps name, whose files the collector reads with their threads. */
  pids: number[];
  /** The sections of its output that answer the steps. */
  sections: string[];
}

export interface CoverageSegment {
  format: string;
  line: number;
  endLine: number;
  status: 'parsed' | 'prose' | 'unparsed';
  note?: string;
  /** Parsed segments: how many captures of this format were read back to back in these
   *  lines (absent: one). */
  count?: number;
}

export interface AnalysisDocument {
  schemaVersion: number;
  analyzerVersion: string;
  kind: Kind;
  title: string;
  altTitles?: string[];
  fingerprint: string;
  kernel: string | null;
  arch: string | null;
  tasks: Task[];
  cpus: Cpu[];
  locks: Lock[];
  works: Work[];
  graph: { nodes: GraphNode[]; edges: GraphEdge[] };
  findings: Finding[];
  verdict: string;
  /** What the analyzer read, skipped as prose, or could not parse. */
  coverage?: CoverageSegment[];
  /** Number of input lines. */
  lineCount?: number;
  /** What to run on the machine next (absent when no next step is the collector's). */
  nextCapture?: NextCapture;
  /** The captures of one incident analysed together (absent: one capture): each one's
   *  lines in the text analysed (captures after the first follow a marker line). */
  captures?: CaptureRange[];
}

export interface CaptureRange {
  /** 1 for the incident's first dump, then in the order they were added. */
  seq: number;
  line: number;
  endLine: number;
  /** When it was taken, as its marker states (null for the first: it has no marker). */
  createdAt: string | null;
}

// The diff of two captures (summary/diff.ts; GET /api/incidents/:id/diff).

export type TaskChange = 'stuck' | 'moved' | 'gone' | 'new';

export interface TaskDiff {
  id: string;
  pid: number | null;
  comm: string | null;
  change: TaskChange;
  stateA: string | null;
  stateB: string | null;
  /** Where it waits in each (the frame that names the wait, else its innermost frame). */
  atA: string | null;
  atB: string | null;
}

export interface LockDiff {
  id: string;
  name: string | null;
  ownerA: string | null;
  ownerB: string | null;
  waitersA: number;
  waitersB: number;
}

export interface CpuDiff {
  cpu: number;
  change: 'still_stuck' | 'recovered' | 'newly_stuck';
  reasonA: string | null;
  reasonB: string | null;
}

export interface AnalysisDiff {
  /** Counts over every task with a stack in either capture. */
  counts: Record<TaskChange, number>;
  /** Stuck first, then moved, gone, new; at most `limit` of them. */
  tasks: TaskDiff[];
  /** Locks in both whose owner is not the same. */
  locks: LockDiff[];
  cpus: CpuDiff[];
  /** One paragraph in plain words. */
  summary: string;
}
