// A stable id for "the same bug": what the culprit is doing and where, the kind of wait,
// and for lockdep the lock classes it reports. The same on another boot, host or build
// (no addresses, pids, CPU numbers, offsets, times or compiler suffixes), different for a
// different bug. It describes the culprit — the root blocker, the stuck CPU's task, the
// tasks of a cycle — not the victim the detector happened to sample; and a root outside
// the dump ("a CPU", "storage", "a lock nobody holds") is never the whole key: the task
// that waits on it says which bug it is. The report's kind is not in the key, so a
// hung-task report and an RCU stall caused by the same culprit group.
//
// The key is built as readable text (`fingerprintBasis`, shown by tests and the docs)
// and hashed. Rules and examples: docs/analysis-contract.md, "The fingerprint".

import { idleHeldLock, waitedOn } from '../graph/waited-on.js';
import type { Analysis } from '../findings/build.js';
import type { GraphEdge, GraphNode, Lock } from '../contract.js';
import type { Model, ModelTask } from '../model/build.js';
import type { TaskWait } from '../waits/find.js';
import { isGenericFrame, matchWaitRule } from '../knowledge/waits.js';
import { lockWrapperFor } from '../knowledge/lock-wrappers.js';
import { isFingerprintNoise } from '../knowledge/fingerprint-frames.js';
import { STALL_ANCHORS } from './title.js';

/** FNV-1a, 64-bit: small, dependency-free, stable across platforms. */
export function fnv1a64(s: string): string {
  let h = 0xcbf29ce484222325n;
  const p = 0x100000001b3n;
  for (let i = 0; i < s.length; i++) {
    h ^= BigInt(s.charCodeAt(i));
    h = (h * p) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

/**
 * Which rules made a fingerprint and a frame signature (summary/similarity.ts). Raised
 * whenever a change of these rules (or of the tables they read) changes either, so a
 * store can tell which of its incidents were grouped or compared by older rules and
 * recompute them; it is not part of the document.
 */
export const FINGERPRINT_VERSION = 3;

/** How many of the culprit's frames name where it is: a waiting task's callers of the
 *  wait, a running task's frames just inside its entry point. */
const WAIT_FRAMES = 3;
const RUN_FRAMES = 2;

/** Compiler clones of a function (`.isra.3`, `.constprop.0`, `.part.12`, `.cold`, LTO's
 *  `.llvm.123…`) are the same source function; their numbers change from build to build. */
const CLONE_SUFFIX = /(?:\.(?:isra|constprop|part|cold|llvm|lto_priv|localalias)(?:\.\d+)?)+$/;
/** Syscall wrappers name the syscall under a prefix that depends on the kernel version
 *  and architecture (`SyS_`, `__x64_sys_`, `__se_sys_`, `__do_sys_`, `ksys_` …). */
const SYSCALL_PREFIX =
  /^(?:__(?:x64|ia32|arm64|riscv|s390x?|powerpc)_(?:compat_)?sys_|__se_(?:compat_)?sys_|__do_(?:compat_)?sys_|compat_SyS_|compat_SYSC_|C_SYSC_|SyS_|SYSC_|ksys_|_{2,4}sys_)/;

/** A function name as the fingerprint keys it. */
export function normalizeFunction(fn: string): string {
  const bare = fn.replace(CLONE_SUFFIX, '');
  return SYSCALL_PREFIX.test(bare) ? 'sys_' + bare.replace(SYSCALL_PREFIX, '') : bare;
}

/** A lockdep class as the fingerprint keys it: without the instance number lockdep adds
 *  to a class name it has seen before (`#2`), the subclass (`/1`), and in the pre-4.16
 *  spelling of a spinlock inside a struct (`&(&info->lock)->rlock` is `&info->lock`). */
export function normalizeLockClass(name: string): string {
  // (`mmap_lock@tgid:16653`: one process's mmap_lock; its pid is this boot's. So is the
  // waiter's in `rwsem@rwsem_down_write_failed~14291`, a stack cut after the slow path,
  // and the address of the struct a lock is named after, `inode.i_rwsem@ffffa0e401865638`.)
  let s = name
    .trim()
    .replace(/@(?:tgid|comm):.*$/, '')
    .replace(/@[0-9a-f]{8,16}$/, '')
    .replace(/~[\w:@.-]{1,60}$/, '')
    .replace(/(?:#\d+|\/\d+)+$/, '');
  const rlock = /^&\((&.+)\)->rlock$/.exec(s);
  if (rlock) s = rlock[1];
  return s;
}

/** A frame without a symbol (`0xffffffffa03d8399`, `ffffffffc0a1b2c3`): an address. */
const UNNAMED = /^(?:0x)?[0-9a-f]{6,}$/;

function skipped(fn: string): boolean {
  return UNNAMED.test(fn) || isGenericFrame(fn) || isFingerprintNoise(fn);
}

/** The culprit's frames while it waits: the callers of the wait, innermost first. The
 *  wait's own frames (mutex_lock, schedule, a lock wrapper like rtnl_lock) are the wait
 *  kind and the lock, said separately. */
function waitingFrames(t: ModelTask): string[] {
  const out: string[] = [];
  let leading = true;
  for (const f of t.frames) {
    if (f.context === 'irq' || f.context === 'nmi' || !f.reliable) continue;
    const fn = normalizeFunction(f.fn);
    if (skipped(fn)) continue;
    if (leading && (matchWaitRule(f.fn) || matchWaitRule(fn) || lockWrapperFor(fn))) continue;
    leading = false;
    if (out[out.length - 1] !== fn) out.push(fn);
    if (out.length === WAIT_FRAMES) break;
  }
  return out;
}

/** The culprit's frames while it runs (a stuck CPU, a spinning task): where exactly the
 *  CPU was stopped varies from one report to the next inside the same loop, so the frames
 *  are the ones just inside what it was called for — the syscall, work item, timer or
 *  softirq handler (syzkaller's stall anchors) — and the innermost ones without an anchor. */
function runningFrames(t: ModelTask): string[] {
  const own: string[] = [];
  for (const f of t.frames) {
    if (f.context === 'nmi' || !f.reliable) continue;
    const fn = normalizeFunction(f.fn);
    if (STALL_ANCHORS.some((re) => re.test(fn))) {
      if (own.length) return own.slice(-RUN_FRAMES);
      continue;
    }
    if (!skipped(fn) && own[own.length - 1] !== fn) own.push(fn);
  }
  return own.slice(0, RUN_FRAMES);
}

function waitKind(w: TaskWait): string {
  const r = w.rule;
  return `${r.kind}${r.lockType ? `/${r.lockType}` : ''}${r.mode ? `/${r.mode}` : ''}`;
}

/** A task that sleeps in a wait; the others are on a CPU — running, or spinning on a lock
 *  or a cross-CPU call, which from one sample of a stuck CPU is where the loop happened
 *  to be, not a different bug. */
function sleeps(t: ModelTask, waits: Map<string, TaskWait>): TaskWait | null {
  const w = waits.get(t.id);
  return w && !w.rule.spins ? w : null;
}

/** One task's situation: the kind of its wait (or `on-cpu`) and its own frames; null
 *  for a task the dump shows no stack of. */
function describeTask(t: ModelTask, waits: Map<string, TaskWait>): string | null {
  const w = sleeps(t, waits);
  const frames = w ? waitingFrames(t) : runningFrames(t);
  if (!frames.length && !w) return null;
  return `${w ? waitKind(w) : 'on-cpu'} ${frames.join(' < ')}`.trim();
}

/** lockdep names a statically allocated lock by its variable (`rtnl_mutex`,
 *  `console_sem`, `cpu_hotplug_lock.rw_sem`) and a lock inside an object by the
 *  expression that reaches it (`&bdev->bd_mutex`, `&(&info->lock)->rlock`,
 *  `(wq_completion)events`): kernel/locking/lockdep.c register_lock_class, keyed by the
 *  lock's static key, which is its name for static locks. */
export function isGlobalLockClass(name: string): boolean {
  // One process's mmap_lock (`mmap_lock@tgid:16653`) is no static lock, nor one named
  // after the struct that embeds it (`inode.i_rwsem@ffffa0e401865638`).
  if (/@(?:tgid|comm):|@[0-9a-f]{8,16}$/.test(name)) return false;
  return /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(normalizeLockClass(name));
}

/** A lock by its class (or call site); its type is left to the waiter's wait kind, which
 *  reads it off the stack, where the lock's own record may not say. */
function lockKey(l: Lock | undefined): string {
  return l?.name ? `lock ${normalizeLockClass(l.name)}` : 'lock';
}

export interface FingerprintInputs {
  model: Model;
  waits: Map<string, TaskWait>;
  analysis: Analysis;
  graph: { nodes: GraphNode[]; edges: GraphEdge[]; locks: Lock[]; heldByFrames?: Set<string> };
  /** The task the report is about (the hung task, the stalled CPU's task). */
  subject: ModelTask | null;
  title: string;
}

/** What a lockdep report says the culprit does: the lock class it takes and where, and
 *  the classes it already holds in the report (the held-locks list printed after the
 *  report names locks that are not part of the bug). The rest of the dependency chain is
 *  left out: lockdep prints the first chain it finds, which depends on what ran before.
 *  Only the first report counts: lockdep turns itself off after one (debug_locks_off). */
function lockdepKey(model: Model): string | null {
  const r = model.records.reports.find((x) => x.format === 'lockdep');
  if (!r) return null;
  const within = (line: number) => line >= r.span.line && line <= r.span.endLine;
  const taking = new Set<string>();
  const held = new Set<string>();
  for (const f of model.records.lockFacts) {
    if (f.format !== 'lockdep' || !f.name || !within(f.span.line)) continue;
    const site = f.at ? normalizeFunction(/^[A-Za-z0-9_.]+/.exec(f.at)?.[0] ?? '') : '';
    taking.add(`${normalizeLockClass(f.name)}${site ? ` at ${site}` : ''}`);
  }
  for (const h of model.records.heldLocks) if (h.name && within(h.line)) held.add(normalizeLockClass(h.name));
  if (!taking.size && !held.size) return null;
  return `lockdep takes ${[...taking].sort().join(' + ')} holding ${[...held].sort().join(' + ')}`;
}

/** How the waiters reach a culprit task, when that is part of the bug: the locks it
 *  holds that others wait for, or a cross-CPU call its CPU does not answer. */
function howReached(task: string, edges: GraphEdge[], lockById: Map<string, Lock>): string {
  const held = new Set<string>();
  let ipi = false;
  // Only the held locks something waits on lead here (lockdep lists others too).
  let waited: Set<string> | null = null;
  for (const e of edges) {
    if (e.to !== task) continue;
    if (e.kind === 'held_by' && !idleHeldLock(e, (waited ??= waitedOn(edges)))) held.add(lockKey(lockById.get(e.from)));
    if (e.kind === 'on_cpu' && edges.some((x) => x.kind === 'ipi_wait' && x.to === e.from)) ipi = true;
  }
  return `${held.size ? `holds ${[...held].sort().join(' + ')} : ` : ''}${ipi ? 'ipi target : ' : ''}`;
}

/** Is the task reached by waiters only through locks its frames alone say it holds? */
function heldOnlyByFrames(task: string, edges: GraphEdge[], heldByFrames: Set<string> | undefined): boolean {
  if (!heldByFrames?.size || !task.startsWith('task:')) return false;
  let any = false;
  for (const e of edges) {
    if (e.to !== task) continue;
    if (e.kind !== 'held_by' || !heldByFrames.has(`${e.from} ${task}`)) return false;
    any = true;
  }
  return any;
}

/** The readable key the fingerprint hashes. */
export function fingerprintBasis(inp: FingerprintInputs): string {
  const { model, waits, analysis, graph, subject } = inp;
  // Tasks with one stack and one wait share their situation: worked out once (a root
  // outside the dump may have 50,000 waiters).
  const memo = new Map<readonly unknown[], Map<TaskWait['rule'] | null, string | null>>();
  const situation = (t: ModelTask): string | null => {
    const rule = waits.get(t.id)?.rule ?? null;
    let byRule = memo.get(t.frames);
    if (!byRule) memo.set(t.frames, (byRule = new Map()));
    if (!byRule.has(rule)) byRule.set(rule, describeTask(t, waits));
    return byRule.get(rule)!;
  };
  const describe = (id: string): string | null => {
    const t = model.taskById.get(id);
    return t ? situation(t) : null;
  };
  const lockdep = lockdepKey(model);
  if (lockdep) return lockdep;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const lockById = new Map(graph.locks.map((l) => [l.id, l]));
  if (analysis.cycles.length) {
    const parts = analysis.cycles.map((c) =>
      c
        .map((id) => (id.startsWith('lock:') ? lockKey(lockById.get(id)) : (describe(id) ?? byId.get(id)?.type ?? '')))
        .sort()
        .join(' + '),
    );
    return `cycle ${parts.sort().join(' ++ ')}`;
  }
  const root = analysis.roots.find((r) => r.waiters > 0);
  if (root) {
    let node = root.node;
    // A holder known only because its frames hold the lock (rtnetlink_rcv_msg holds
    // rtnl_mutex) was sampled wherever it happened to be inside that lock: the lock, not
    // that sample, is what reports of the bug share.
    const sampledHolder = heldOnlyByFrames(node, graph.edges, graph.heldByFrames);
    const own = sampledHolder ? null : describe(node);
    if (own) return `${howReached(node, graph.edges, lockById)}${own}`;
    // A holder the dump shows no stack of: the lock it holds is where the chain ends.
    // (One something waits on: lockdep lists the holder's other locks too.)
    if (node.startsWith('task:')) {
      const task = node;
      const held = graph.edges.filter((e) => e.to === task && e.kind === 'held_by');
      const ws = waitedOn(graph.edges);
      const waited = held.find((e) => !idleHeldLock(e, ws));
      node = (waited ?? held[0])?.from ?? node;
    }
    const n = byId.get(node);
    if (n?.type === 'cpu') {
      const cur = model.cpus.get(Number(node.slice(4)))?.current;
      const d = cur ? describe(cur) : null;
      if (d) return d;
    }
    // A root outside the dump's tasks: what it is, and the situation of whoever waits on
    // it (the report's subject when it is one of them, else the first in a stable order).
    // A vCPU the host did not run is left out: the stalled task's frames say which bug.
    // So is a task with no stack and no lock to go by: its id is this boot's pid.
    const what =
      n?.type === 'lock'
        ? lockKey(lockById.get(node))
        : n?.type === 'cpu' || n?.type === 'task' || node === 'external:hypervisor'
          ? ''
          : node.replace(/@.*/, '');
    const waiterTasks = graph.edges
      .filter((e) => e.to === node)
      .flatMap((e) => {
        if (!e.from.startsWith('cpu:')) return [e.from];
        const cur = model.cpus.get(Number(e.from.slice(4)))?.current;
        return cur ? [cur] : [];
      });
    let viaTask: ModelTask | null = subject && waiterTasks.includes(subject.id) ? subject : null;
    if (!viaTask) {
      let best: string | null = null;
      for (const id of waiterTasks) {
        const t = model.taskById.get(id);
        const d = t ? situation(t) : null;
        if (t && d !== null && (best === null || d < best)) [viaTask, best] = [t, d];
      }
    }
    viaTask ??= subject;
    const via = viaTask ? situation(viaTask) : null;
    if (via) {
      const w = sleeps(viaTask!, waits);
      // A stuck CPU spinning on a lock nobody in the dump holds: what that CPU was doing.
      if (!w || !what) return via;
      // A global lock (lockdep names a static lock by its variable, `rtnl_mutex`; a lock
      // inside an object is `&obj->field`) whose holder is not in the dump: the lock is
      // the culprit's one trace, and the waiters are whoever came by.
      const lock = n?.type === 'lock' ? lockById.get(node) : undefined;
      if (lock?.name && isGlobalLockClass(lock.name)) return `${what} < ${waitKind(w)}`;
      return `${what} < ${via}`;
    }
  }
  const d = subject ? situation(subject) : null;
  if (d) return d;
  // A workqueue lockup without a stack to read: the work items the stuck pool runs.
  const inflight = [
    ...new Set(model.records.works.filter((w) => w.state === 'running').map((w) => normalizeFunction(w.fn))),
  ].sort();
  if (inflight.length) return `in-flight ${inflight.join(' + ')}`;
  return `title ${inp.title.replace(/^.* in /, '')}`;
}

export function fingerprint(inp: FingerprintInputs): string {
  return fnv1a64(fingerprintBasis(inp));
}
