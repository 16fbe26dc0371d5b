// For each task: what it waits on, named from the wait-semantics table.

import type { FnKnowledge } from '../knowledge/by-name.js';
import { CALLER_RULES, GENERIC_WAITS, SPIN_HELPERS, type WaitRule } from '../knowledge/waits.js';
import type { Model, ModelTask } from '../model/build.js';
import type { StackFrame } from '../parse/records.js';

/** A frame of one task together with its input line. */
export type LocatedFrame = StackFrame & { readonly line: number };

/**
 * What one task waits on. The wait is read off the stack once per distinct stack
 * (StackWait, shared by every task with that stack); this adds the task, and makes the
 * frames — with this task's input lines — when asked. (A foreach bt of 17,000 tasks kept
 * three frame copies per task until the analysis ended: ~7 MB of a 10 MB dump's peak.)
 */
export class TaskWait {
  constructor(
    readonly task: ModelTask,
    private readonly sw: StackWait,
    /** Lock / csd address read from the spinning frame's argument register. */
    readonly argAddr: string | null,
  ) {}
  get rule(): WaitRule {
    return this.sw.rule;
  }
  /** The run's knowledge of function names (its frame table), for the stages that read on. */
  get known(): FnKnowledge {
    return this.sw.known;
  }
  /** The frame that names the wait. */
  get frame(): LocatedFrame {
    return this.at(this.sw.frame);
  }
  /** The outermost frame of the same wait kind right below `frame` (the API the caller
   *  used: `mutex_lock` over `__mutex_lock`, `synchronize_rcu` over `__wait_rcu_gp`). */
  get api(): LocatedFrame {
    return this.at(this.sw.api);
  }
  /** The wait's frames from the API inwards (`synchronize_net → synchronize_rcu → __wait_rcu_gp`). */
  get run(): string[] {
    return this.sw.run;
  }
  /** First caller frame that is neither plumbing nor a wait primitive: "who asked". */
  get culprit(): LocatedFrame | null {
    return this.sw.culprit < 0 ? null : this.at(this.sw.culprit);
  }
  /** The function that called the wait's API: the culprit, or a syscall entry that the
   *  culprit search skips as plumbing (2.6's sys_mprotect took mmap_sem itself). */
  get caller(): LocatedFrame | null {
    return this.firstOwnFrameAfterApi((f) => Boolean(this.sw.known.waitRule(f)));
  }
  /** The first frame of the task's own context outside the wait's API, even one that is
   *  itself a wait (sync_inodes_sb, itself a writeback wait, takes s_sync_lock inline):
   *  the function that took the lock a primitive waits for. */
  get directCaller(): LocatedFrame | null {
    return this.firstOwnFrameAfterApi((f) => this.sw.known.isGeneric(f));
  }
  /** The first reliable frame of the task's own context (not an IRQ or NMI stack) outside
   *  the wait's API that `skip` does not pass over. */
  private firstOwnFrameAfterApi(skip: (f: StackFrame) => boolean): LocatedFrame | null {
    const all = this.task.frames;
    for (let c = this.sw.api + 1; c < all.length; c++) {
      const f = all[c];
      if (f.context === 'irq' || f.context === 'nmi' || !f.reliable || skip(f)) continue;
      return this.at(c);
    }
    return null;
  }
  /** From caller rules: the work function / workqueue being flushed. */
  get work(): string | null {
    return this.sw.work;
  }
  get wq(): string | null {
    return this.sw.wq;
  }
  get ruleSource(): string | null {
    return this.sw.ruleSource;
  }
  /** From caller rules: the flushed work is queued on every CPU's pool of a per-CPU queue. */
  get everyCpu(): boolean {
    return this.sw.everyCpu;
  }
  private at(k: number): LocatedFrame {
    return located(this.task.frames[k], this.task.frameLines[k]);
  }
}

/** A 64-bit register value as printed (made once: used per task). */
const FULL_HEX_WORD = /^[0-9a-f]{16}$/;

/** How many non-generic frames may precede the one that names the wait. */
const MAX_UNNAMED = 2;

/** The frames of the task's own context, innermost first (interrupt handlers dropped). */
export function taskContextFrames(t: ModelTask): LocatedFrame[] {
  const out: LocatedFrame[] = [];
  for (let k = 0; k < t.frames.length; k++) {
    const f = t.frames[k];
    if (f.context !== 'irq' && f.context !== 'nmi') out.push(located(f, t.frameLines[k]));
  }
  return out;
}

/**
 * Frames are shared between tasks; a located frame is this task's copy, with its line.
 * Its fields are copied by name, in the frame table's order (parse/frame-table.ts): an
 * object spread of a frozen frame takes V8's generic path, and findings ask for these
 * copies several times per waiting task.
 */
function located(f: StackFrame, line: number | undefined): LocatedFrame {
  // `line` is set last, where the spread put it (key order shows in JSON).
  const out = {
    fn: f.fn,
    offset: f.offset,
    size: f.size,
    module: f.module,
    addr: f.addr,
    reliable: f.reliable,
  } as { -readonly [K in keyof LocatedFrame]: LocatedFrame[K] };
  if (f.context !== undefined) out.context = f.context;
  if (f.isIp !== undefined) out.isIp = f.isIp;
  if (f.generic !== undefined) out.generic = f.generic;
  out.line = line ?? 0;
  return out;
}

/**
 * What a stack waits on, by frame index into the stack: the same for every task with
 * that stack, so it is worked out once per distinct stack (they are interned).
 */
interface StackWait {
  known: FnKnowledge;
  rule: WaitRule;
  /** Indexes into the task's full frame list. */
  frame: number;
  api: number;
  culprit: number;
  run: string[];
  work: string | null;
  wq: string | null;
  ruleSource: string | null;
  everyCpu: boolean;
}

export function findWait(
  t: ModelTask,
  arch: string | null,
  known: FnKnowledge,
  memo?: Map<readonly StackFrame[], StackWait | null>,
): TaskWait | null {
  let sw = memo?.get(t.frames);
  if (sw === undefined) {
    sw = stackWait(known, t.frames);
    memo?.set(t.frames, sw);
  }
  if (!sw) return null;
  // The argument register is meaningful only where the CPU was stopped inside the
  // spinning function itself (the exception/NMI frame), not for a sleeping task.
  let argAddr: string | null = null;
  const reg = sw.rule.argReg?.[(arch === 'arm64' ? 'arm64' : 'x86_64') as 'x86_64' | 'arm64'];
  if (
    reg &&
    t.frames[sw.frame].isIp &&
    t.registers?.[reg] &&
    FULL_HEX_WORD.test(t.registers[reg]) &&
    t.registers[reg] !== '0000000000000000'
  ) {
    argAddr = t.registers[reg];
  }
  return new TaskWait(t, sw, argAddr);
}

/** Indexes of the frames read into the task's full frame list; null: the same. */
type Indexes = readonly number[] | null;
const fullIndex = (idx: Indexes, k: number) => (idx === null ? k : idx[k]);

const isHandlerFrame = (f: StackFrame) => f.context === 'irq' || f.context === 'nmi';

function stackWait(known: FnKnowledge, all: readonly StackFrame[]): StackWait | null {
  // The task's own context: indexes of the frames that are not interrupt handlers.
  // Most stacks have no handler frames: then the stack itself is read, not a copy.
  let frames = all;
  let idx: Indexes = null;
  if (all.some(isHandlerFrame)) {
    const own: number[] = [];
    for (let k = 0; k < all.length; k++) if (!isHandlerFrame(all[k])) own.push(k);
    frames = own.map((k) => all[k]);
    idx = own;
  }
  const elided = elidedLockWait(known, frames, idx);
  if (elided) return elided;
  let unnamed = 0;
  let generic: { k: number; rule: WaitRule } | null = null;
  for (let k = 0; k < frames.length; k++) {
    const f = frames[k];
    if (known.isGeneric(f) || SPIN_HELPERS.test(f.fn)) {
      const g: (typeof GENERIC_WAITS)[number] | undefined =
        f.reliable && !generic ? GENERIC_WAITS.find((x) => x.fn.test(f.fn)) : undefined;
      if (g) generic = { k, rule: { fn: g.fn, kind: g.kind, what: g.what } };
      continue;
    }
    if (!f.reliable) continue;
    const rule = known.waitRule(f);
    if (!rule) {
      if (++unnamed > MAX_UNNAMED) return generic ? genericWait(known, frames, idx, generic.k, generic.rule) : null;
      continue;
    }
    // A sleep-and-retry loop is how a wait is done, not what it waits for: when its caller
    // names a wait of its own (netdev_wait_allrefs → msleep), that caller says what.
    if (rule.kind === 'poll_sleep') {
      for (let c = k + 1; c < frames.length; c++) {
        if (known.isGeneric(frames[c]) || !frames[c].reliable) continue;
        const outer = known.waitRule(frames[c]);
        if (outer && outer.kind !== 'poll_sleep') return waitAt(known, frames, idx, c, outer, all);
        break;
      }
    }
    return waitAt(known, frames, idx, k, rule, all);
  }
  return generic ? genericWait(known, frames, idx, generic.k, generic.rule) : null;
}

/** How a lock taken inline is waited for, by the lock's type. */
const TAKER_WAIT_WHAT: Record<string, string> = { mutex: 'a mutex', rwsem: 'a rw_semaphore', semaphore: 'a semaphore' };

/**
 * /proc/PID/stack leaves out the scheduler's own functions (the `__sched` text: schedule,
 * the mutex and rwsem slow paths), so a sleeping task's stack can begin at the function
 * that took the lock (`open_shroot+0x43`, `lookup_slow+0x…`). A stack whose innermost
 * frame is a known lock taker, with no wait frame of its own and not the interrupted
 * instruction of a running CPU, sleeps on that lock.
 */
function elidedLockWait(known: FnKnowledge, frames: readonly StackFrame[], idx: Indexes): StackWait | null {
  const f = frames[0];
  if (!f || !f.reliable || f.isIp || known.isGeneric(f) || known.waitRule(f)) return null;
  const taken = known.lockTaken(f);
  if (!taken) return null;
  const lockType = taken.type ?? 'other';
  return {
    known,
    rule: { fn: f.fn, kind: 'lock', lockType, what: TAKER_WAIT_WHAT[lockType] ?? 'a lock' },
    frame: fullIndex(idx, 0),
    api: fullIndex(idx, 0),
    // The taker is who asked: it names the lock (resolve/locks/waiters-from-frames.ts).
    culprit: fullIndex(idx, 0),
    run: [f.fn],
    work: null,
    wq: null,
    ruleSource: null,
    everyCpu: false,
  };
}

function waitAt(
  known: FnKnowledge,
  frames: readonly StackFrame[],
  idx: Indexes,
  k: number,
  rule: WaitRule,
  all: readonly StackFrame[],
): StackWait {
  const f = frames[k];
  let work: string | null = null;
  let wq: string | null = null;
  let ruleSource: string | null = null;
  let everyCpu = false;
  for (const cr of CALLER_RULES) {
    if (cr.kind !== rule.kind) continue;
    const hit = frames.slice(k, k + 1 + cr.within).some((c) => cr.caller.test(c.fn));
    if (hit) {
      work = cr.work ?? null;
      wq = cr.wq ?? null;
      ruleSource = cr.source;
      everyCpu = cr.everyCpu === true;
      break;
    }
  }
  let api = k;
  const run = [f.fn];
  for (let c = k + 1; c < frames.length; c++) {
    const fn = frames[c].fn;
    if (known.isGeneric(frames[c]) || !frames[c].reliable) continue;
    if (known.waitRule(frames[c])?.kind !== rule.kind) break;
    api = c;
    if (!run.includes(fn)) run.unshift(fn);
  }
  const culprit = firstCaller(known, frames, k, true);
  const handler = rule.spins ? handlerCaller(known, all, idx, k) : -1;
  return {
    known,
    rule,
    frame: fullIndex(idx, k),
    api: fullIndex(idx, api),
    culprit: handler >= 0 ? handler : culprit < 0 ? -1 : fullIndex(idx, culprit),
    run,
    work,
    wq,
    ruleSource,
    everyCpu,
  };
}

/**
 * A spin at the interrupted point whose next frames ran in an interrupt handler (x86
 * prints the stopped RIP first, then the handler's frames, then the code it interrupted):
 * the handler took the lock, so its first own frame is "who asked" — the code below the
 * handler did not call the spin. Full-stack index, -1 when the frames after the spin are
 * the task's own.
 */
function handlerCaller(known: FnKnowledge, all: readonly StackFrame[], idx: Indexes, k: number): number {
  if (idx === null) return -1;
  const end = k + 1 < idx.length ? idx[k + 1] : all.length;
  for (let c = idx[k] + 1; c < end; c++) {
    const f = all[c];
    if (known.isGeneric(f) || known.waitRule(f) || SPIN_HELPERS.test(f.fn) || !f.reliable) continue;
    return c;
  }
  return -1;
}

/**
 * The first reliable frame outside frame k that is not plumbing (nor, with `skipWaits`,
 * a wait primitive): "who asked". -1 when there is none.
 */
function firstCaller(known: FnKnowledge, frames: readonly StackFrame[], k: number, skipWaits: boolean): number {
  for (let c = k + 1; c < frames.length; c++) {
    const f = frames[c];
    if (known.isGeneric(f) || (skipWaits && known.waitRule(f)) || !f.reliable) continue;
    return c;
  }
  return -1;
}

/** A wait named only by generic plumbing (wait_for_completion, io_schedule). */
function genericWait(
  known: FnKnowledge,
  frames: readonly StackFrame[],
  idx: Indexes,
  k: number,
  rule: WaitRule,
): StackWait {
  const culprit = firstCaller(known, frames, k, false);
  return {
    known,
    rule,
    frame: fullIndex(idx, k),
    api: fullIndex(idx, k),
    culprit: culprit < 0 ? -1 : fullIndex(idx, culprit),
    run: [frames[k].fn],
    work: null,
    wq: null,
    ruleSource: null,
    everyCpu: false,
  };
}

export function findWaits(model: Model, arch: string | null): Map<string, TaskWait> {
  const out = new Map<string, TaskWait>();
  const memo = new Map<readonly StackFrame[], StackWait | null>();
  const known = model.records.frames;
  for (const t of model.tasks) {
    if (t.idle || t.frames.length === 0) continue;
    // A sleeping task's wait matters when it is blocked (D) or when we know nothing of
    // its state; a running task's spin matters when it is on a CPU (spins, not sleeps).
    const w = findWait(t, arch, known, memo);
    if (!w) continue;
    if (t.state === 'S' && !w.rule.spins && !t.onCpu && w.rule.kind === 'event') continue;
    if (w.rule.sleeps && t.onCpu && t.state !== 'D') continue;
    if (t.idle) continue;
    out.set(t.id, w);
  }
  return out;
}
