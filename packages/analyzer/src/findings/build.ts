// Findings from the graph: cycles, root blockers, IPI stalls, contention, and what the
// dump leaves open (with concrete next steps). Most important first.

import { isLoopLeaf } from '../knowledge/loop-leaves.js';
import { isPrintkEntry } from '../knowledge/printk-entries.js';
import { STACK_BOTTOM_FRAMES } from '../knowledge/stack-ends.js';
import { idleHeldLock, waitedOn } from '../graph/waited-on.js';
import type { Confidence, Finding, GraphEdge, GraphNode, Kind, Lock, Span } from '../contract.js';
import { EXTERNAL_SITUATIONS, nextStepFields, type NextStepFields } from '../knowledge/next-steps.js';
import { mergeSpans, type Model } from '../model/build.js';
import type { IpiResult, StarvedCpu } from '../resolve/cpus.js';
import type { TaskWait } from '../waits/find.js';
import type { FlushTarget } from '../resolve/works.js';
import type { ModelTask } from '../model/build.js';
import { cycleOrder, stronglyConnected } from './cycles.js';
import { taskLabel } from '../graph/builder.js';
import { isGenericFrame } from '../knowledge/waits.js';
import { countWords, proseName } from '../summary/names.js';
import { LOCK_WRAPPERS } from '../knowledge/lock-wrappers.js';
import { stoppedHolding } from '../resolve/locks/stopped-holder.js';
import { SELF_HOLD_LEAD } from '../resolve/locks/owners-from-frames.js';
import { inInterruptFrame } from '../resolve/locks/waiters-from-frames.js';
import { locksHeldByFrames } from '../resolve/locks/frame-held.js';

/** What to capture next about a root blocker outside the dump's tasks. */
function rootNextSteps(
  id: string,
  type: GraphNode['type'],
  edges: GraphEdge[],
  model: Model,
  waits: Map<string, TaskWait>,
): NextStepFields | Record<string, never> {
  if (id === 'external:hypervisor') return { ...nextStepFields('starved_vcpu') };
  const via = type === 'external' ? edges.find((e) => e.to === id)?.from : id;
  const w = via ? waits.get(via) : undefined;
  if (w?.rule.kind === 'poll_sleep')
    return { ...nextStepFields('poll_external', { pid: w.task.pid, culprit: w.culprit?.fn ?? w.frame.fn }) };
  if (type === 'external') return { ...nextStepFields(EXTERNAL_SITUATIONS[id] ?? 'hung_task_general') };
  return {};
}

export interface FindingInputs {
  model: Model;
  kind: Kind;
  waits: Map<string, TaskWait>;
  nodes: GraphNode[];
  edges: GraphEdge[];
  locks: Lock[];
  unresolvedFlushes: { waiter: ModelTask; target: FlushTarget; wait: TaskWait }[];
  ipis: IpiResult[];
  starved: StarvedCpu[];
}

export interface Analysis {
  findings: Finding[];
  cycles: string[][];
  roots: { node: string; waiters: number }[];
}

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 };
const KIND_ORDER: Record<string, number> = {
  deadlock_cycle: 0,
  self_deadlock: 0,
  known_issue: 1,
  ipi_stall: 2,
  root_blocker: 3,
  lock_left_held: 3,
  starved_cpu: 4,
  lock_contention: 5,
  stuck_cpu: 6,
  missing_evidence: 7,
};

/** What a lockdep report of a lock left held (knowledge/lockdep.ts LOCKDEP_REPORTS)
 *  says the reporter did, given the locks it holds. */
const LEFT_HELD: Record<string, (locks: string) => string> = {
  held_lock_freed: (locks) =>
    `freed memory with a lock inside it still held (lockdep: held lock freed; it holds ${locks}): that lock is never released, and whatever reuses the memory finds it locked or corrupt`,
  held_returning_to_user: (locks) =>
    `returned to user space still holding ${locks} (lockdep: lock held when returning to user space): nothing will release them, so the next task that takes one waits forever`,
};

/** The graph's nodes by id, with the model of the run for the tasks that are no node. */
class NodeNames extends Map<string, GraphNode> {
  constructor(readonly model: Model) {
    super();
  }
}

/** What a summary calls a node (its label; a lock keyed internally in words). */
function label(nodes: NodeNames, id: string): string {
  const n = nodes.get(id);
  if (n) return proseName(id, n.label);
  const t = nodes.model.taskById.get(id);
  return t ? taskLabel(t) : id;
}

/**
 * The tasks a report says are blocked (a hung-task headline's, else those a dump shows in
 * D state) when the text holds none of their stacks (the paste was cut before the trace,
 * or its frames are unreadable): who is stuck is still worth saying.
 */
function stacklessNamed(model: Model): { summary: string; evidence: Span[] } | null {
  let tasks = model.tasks.filter((t) => t.pid !== null && t.blockedSeconds != null);
  if (tasks.length === 0) tasks = model.tasks.filter((t) => t.pid !== null && t.state === 'D');
  if (tasks.length === 0) return null;
  const names = tasks.slice(0, 3).map((t) => taskLabel(t));
  const more = tasks.length > 3 ? ` and ${tasks.length - 3} more` : '';
  const t = tasks[0];
  const summary =
    tasks.length === 1
      ? `${names[0]} is ${t.blockedSeconds != null ? `reported blocked for more than ${t.blockedSeconds} seconds` : 'blocked (D)'}, but the text holds none of its kernel stack: capture it to see what it waits for`
      : `${tasks.length} tasks are reported blocked (${names.join(', ')}${more}), but the text holds none of their kernel stacks: capture them to see what they wait for`;
  return { summary, evidence: mergeSpans(tasks.slice(0, 8).flatMap((x) => x.evidence)) };
}

/** Where a task without a named wait is: its first frame that says something (not the
 *  scheduler or other plumbing), else — a stack of `?` frames only — its first such
 *  unreliable frame, marked so; else its first frame of its own context. */
function whereIs(task: ModelTask): string {
  const own = task.frames.filter((f) => f.context !== 'irq' && f.context !== 'nmi');
  const k = own.findIndex((f) => f.reliable && !isGenericFrame(f.fn));
  if (k >= 0) {
    // A CPU caught printing: the loop that prints is printk's caller's, or its caller's.
    const printing = printingFor(own, k);
    if (printing) return `${own[k].fn} (${printing})`;
    // A delay or bit-search helper is the loop's body: the loop is its caller's.
    if (!isLoopLeaf(own[k].fn)) return own[k].fn;
    const caller = own.slice(k + 1).find((f) => f.reliable && !isGenericFrame(f.fn) && !isLoopLeaf(f.fn));
    return caller ? `${own[k].fn} in ${caller.fn}` : own[k].fn;
  }
  const guess = own.every((f) => !f.reliable) ? own.find((f) => !isGenericFrame(f.fn)) : undefined;
  if (guess) return `${guess.fn} (from unreliable '?' frames)`;
  return (own[0] ?? task.frames[0]).fn;
}

/**
 * `printing for CALLER, called by CALLER2` when the frame at k is printk itself or below
 * it (console_unlock, a console driver's write): the first two reliable frames above the
 * printk entry that are not printk's own. Undefined when the stack does not go through
 * printk there.
 */
function printingFor(own: ModelTask['frames'], k: number): string | undefined {
  let p = -1;
  for (let i = k; i < own.length && i < k + 24; i++) {
    if (own[i].reliable && isPrintkEntry(own[i].fn)) p = i;
    else if (p >= 0) break;
  }
  if (p < 0) return undefined;
  const callers = own
    .slice(p + 1)
    .filter((f) => f.reliable && !isGenericFrame(f.fn) && !isPrintkEntry(f.fn) && !STACK_BOTTOM_FRAMES.test(f.fn));
  if (!callers.length) return undefined;
  return `printing for ${callers[0].fn}${callers[1] ? `, called by ${callers[1].fn}` : ''}`;
}

/** A node's own evidence and that of every edge into it, in one list. */
function evidenceInto(node: string, own: Span[], edges: GraphEdge[]): Span[] {
  const out = own.slice();
  for (const e of edges) if (e.to === node) for (const sp of e.evidence) out.push(sp);
  return out;
}

function edgeEvidence(edges: GraphEdge[], ids: Set<string>): Span[] {
  return mergeSpans(edges.filter((e) => ids.has(e.from) && ids.has(e.to)).flatMap((e) => e.evidence)).slice(0, 20);
}

/** The weakest confidence of the edges inside a set of nodes. */
function weakestIn(edges: GraphEdge[], ids: Set<string>): Confidence {
  let w: Confidence = 'certain';
  for (const e of edges) {
    if (!ids.has(e.from) || !ids.has(e.to)) continue;
    if (e.confidence === 'guess') return 'guess';
    if (e.confidence === 'likely') w = 'likely';
  }
  return w;
}

/** The locks of a lock-order cycle in order, following its lock_order edges. */
function lockLoop(order: string[], edges: GraphEdge[]): string[] {
  const inComp = new Set(order);
  const next = new Map<string, string>();
  for (const e of edges)
    if (e.kind === 'lock_order' && inComp.has(e.from) && inComp.has(e.to) && !next.has(e.from)) next.set(e.from, e.to);
  const start = order.find((n) => next.has(n));
  const out: string[] = [];
  for (let n = start; n !== undefined && !out.includes(n) && out.length < order.length; n = next.get(n)) out.push(n);
  return out;
}

/** A cycle with lockdep lock-order links: what lockdep reports, a deadlock that can happen. */
function lockOrderCycle(
  nodes: NodeNames,
  order: string[],
  edges: GraphEdge[],
  evidence: Span[],
  weakest: Confidence,
): Finding {
  const loop = lockLoop(order, edges);
  const names = loop.map((n) => label(nodes, n));
  const tasks = order.filter((n) => n.startsWith('task:'));
  return {
    kind: 'deadlock_cycle',
    severity: 'critical',
    summary: `Possible deadlock from lock order (lockdep): ${names.join(' → ')} → ${names[0]}, each lock held while the next is taken${tasks.length ? `; lockdep caught ${tasks.map((t) => label(nodes, t)).join(', ')} taking one of these links` : ''}. If these run at once they deadlock; lockdep saw the orders, the dump does not show tasks stuck in them`,
    nodes: order,
    evidence,
    // Never `certain`: the links are orders lockdep recorded, not waits the dump shows.
    confidence: weakest === 'certain' ? 'likely' : weakest,
  };
}

/** The lock class a waiter takes in its culprit frame and the outer frame of its own
 *  stack that holds one of that class (knowledge tables): null when none does. */
function frameSelfHold(w: TaskWait): { cls: string; holder: string } | null {
  const site = w.culprit;
  const taken = site ? w.known.lockTaken(site.fn) : undefined;
  if (!taken) return null;
  const names = new Set([taken, ...(taken.also ?? [])].map((x) => x.name));
  const hold = locksHeldByFrames(w.task.frames, w.known).find((h) => names.has(h.row.lock));
  return hold ? { cls: hold.row.lock, holder: w.task.frames[hold.index].fn } : null;
}

/** The lock of a self-deadlock when it is known by lockdep class only (no instance
 *  address printed, as before 4.x): then "the same lock" means "the same class". */
function lockClassOnly(locks: Lock[], id: string): Lock | null {
  const l = locks.find((x) => x.id === id);
  // `mutex@fn` names stand for a lock taken at a call site, not a lockdep class; a global
  // lock (rtnl_mutex) is its class's one instance.
  if (!l || l.addr !== null || l.name === null || l.name.includes('@')) return null;
  return LOCK_WRAPPERS.some((w) => !w.perObject && w.name === l.name) ? null : l;
}

/** A task taking a lock of a class it already holds, with no addresses to say whether
 *  they are one instance: a self-deadlock if so, lockdep's false positive for nesting it
 *  was not told about (two instances of one class) if not. */
function classSelfDeadlock(
  nodes: NodeNames,
  task: string,
  lock: Lock,
  order: string[],
  evidence: Span[],
  weakest: Confidence,
): Finding {
  return {
    kind: 'self_deadlock',
    severity: 'critical',
    summary: `${label(nodes, task)} takes a lock of class ${lock.name} while it holds one of that class (possible recursive locking). The dump prints no lock addresses: if both are the same lock the task deadlocks on itself; if they are two instances of one class (nested without a lockdep annotation) it is a false positive`,
    nodes: order,
    evidence,
    confidence: weakest === 'certain' || weakest === 'likely' ? 'guess' : weakest,
  };
}

/** How the finding of reportedButUnexplained() begins (the verdict ranks it below a
 *  known bug's mitigation). */
export const REPORTED_UNEXPLAINED_LEAD = 'Also reported hung';

/**
 * The tasks a hung-task report names whose stack the dump shows but whose wait the
 * analyzer cannot draw (no edge out of them), when other findings speak of other tasks:
 * the watchdog says they are stuck, so they are an open question of their own and must
 * not vanish behind another task's root blocker. One finding for all of them; null when
 * there are none or no finding named another task yet (then the lone-task finding above
 * already says where the blocked task is).
 */
function reportedButUnexplained(inp: FindingInputs, out: Finding[]): Finding | null {
  const { model, edges } = inp;
  if (out.length === 0) return null;
  const told = new Set(out.flatMap((f) => f.nodes));
  const waiting = new Set(edges.map((e) => e.from));
  const tasks: ModelTask[] = [];
  const seen = new Set<string>();
  for (const r of model.records.reports) {
    if (r.kind !== 'hung_task' || r.task?.pid == null) continue;
    const t = model.taskById.get(`task:${r.task.pid}`);
    if (!t || seen.has(t.id) || t.frames.length === 0 || waiting.has(t.id) || told.has(t.id)) continue;
    seen.add(t.id);
    tasks.push(t);
  }
  if (tasks.length === 0) return null;
  const nodes = new NodeNames(model);
  for (const n of inp.nodes) nodes.set(n.id, n);
  const shown = tasks
    .slice(0, 3)
    .map((t) => `${label(nodes, t.id)}${t.state ? ` [${t.state}]` : ''} in ${whereIs(t)}`)
    .join(', ');
  const more = tasks.length > 3 ? ` and ${tasks.length - 3} more` : '';
  return {
    kind: 'missing_evidence',
    severity: 'info',
    summary: `${REPORTED_UNEXPLAINED_LEAD}, in a wait this analyzer does not know, and nobody in the dump is shown to wake ${tasks.length === 1 ? 'it' : 'them'}: ${shown}${more}`,
    nodes: tasks.slice(0, 5).map((t) => t.id),
    evidence: tasks.slice(0, 5).flatMap((t) => (t.framesSpan ? [t.framesSpan] : t.evidence.slice(0, 1))),
  };
}

export function buildFindings(inp: FindingInputs): Analysis {
  const { model, waits, edges } = inp;
  const nodes = new NodeNames(model);
  for (const n of inp.nodes) nodes.set(n.id, n);
  const out: Finding[] = [];

  // 1. Cycles: first those of waits (what the dump shows stuck), then lockdep's lock-order
  //    cycles that are not one of them (a deadlock that can happen).
  const nodeIds = inp.nodes.map((n) => n.id);
  const hasOrder = edges.some((e) => e.kind === 'lock_order');
  const waitEdges = hasOrder ? edges.filter((e) => e.kind !== 'lock_order') : edges;
  const sccs = stronglyConnected(nodeIds, waitEdges);
  const cycles: string[][] = [];
  for (const comp of sccs) {
    const order = cycleOrder(comp, waitEdges);
    cycles.push(order);
    const tasks = comp.filter((n) => n.startsWith('task:'));
    const ids = new Set(comp);
    const evidence = edgeEvidence(waitEdges, ids);
    const weakest = weakestIn(waitEdges, ids);
    if (tasks.length === 1) {
      const t = tasks[0];
      const lock = comp.find((n) => n.startsWith('lock:'));
      const w = waits.get(t);
      const cls =
        lock && model.records.reports.some((r) => r.format === 'lockdep') ? lockClassOnly(inp.locks, lock) : null;
      if (cls) {
        out.push(classSelfDeadlock(nodes, t, cls, order, evidence, weakest));
        continue;
      }
      const sameCpu = w && lock === `lock:${w.argAddr}` ? stoppedHolding(w) : null;
      if (sameCpu) {
        out.push({
          kind: 'self_deadlock',
          severity: 'critical',
          summary: `${label(nodes, t)}${w!.task.cpu !== null ? ` on cpu ${w!.task.cpu}` : ''}: an interrupt handler${sameCpu.handler ? ` (${sameCpu.handler})` : ''} spins on ${label(nodes, lock!)}, which the code it interrupted on the same CPU holds (stopped in ${sameCpu.stopped}${sameCpu.takenIn ? `, taken in ${sameCpu.takenIn}` : ''}): a same-CPU spinlock deadlock — the handler cannot return until that code runs again`,
          nodes: order,
          evidence,
          confidence: weakest,
        });
        continue;
      }
      // A task that waits for itself with no lock between (an edge to itself): the edge
      // says why, and how sure it is.
      const selfEdge = lock ? undefined : waitEdges.find((e) => e.from === t && e.to === t);
      // A lock its own frames hold by the knowledge tables (no owner printed): the holding
      // frame and the lock's class name it. Taken in an interrupt on top of that frame:
      // the code the interrupt stopped on the same CPU holds it.
      const heldBy = lock ? waitEdges.find((e) => e.kind === 'held_by' && e.from === lock && e.to === t) : undefined;
      const lockRec = lock ? inp.locks.find((l) => l.id === lock) : undefined;
      const first = w ? frameSelfHold(w) : null;
      const own = heldBy?.why.startsWith(SELF_HOLD_LEAD) ? first : null;
      // The dump names the lock (spinlock debug's `lock: devtree_lock+0x0`): the tables
      // still say which outer frame took it first.
      const takenFirst = !own && first && lockRec?.name === first.cls ? first.holder : null;
      const verb = lockRec?.type === 'spinlock' ? 'spins on' : 'waits for';
      const cpu = w && w.task.cpu !== null ? ` on cpu ${w.task.cpu}` : '';
      out.push({
        kind: 'self_deadlock',
        severity: 'critical',
        summary: selfEdge
          ? `${label(nodes, t)} may be waiting on itself: it ${selfEdge.why}`
          : own && inInterruptFrame(w!)
            ? heldBy!.confidence === 'guess'
              ? `${label(nodes, t)}${cpu}: the interrupt handler ${w!.culprit!.fn} spins on ${own.cls}, and ${own.holder} — the code it interrupted on the same CPU — holds one of that class: if it is the same one (the dump does not say), a same-CPU spinlock deadlock`
              : `${label(nodes, t)}${cpu}: the interrupt handler ${w!.culprit!.fn} spins on ${own.cls}, which ${own.holder} — the code it interrupted on the same CPU — holds: a same-CPU spinlock deadlock, the handler cannot return until that code runs again`
            : own
              ? `${label(nodes, t)}${cpu} ${verb} ${own.cls} in ${w!.culprit!.fn}, which its own frame ${own.holder} already holds: a recursive self-deadlock`
              : `${label(nodes, t)} waits for ${lock ? label(nodes, lock) : 'something'} that it already holds${w ? ` (in ${w.api.fn}${w.culprit ? `, called from ${w.culprit.fn}` : ''})` : ''}${takenFirst ? `, taken first by its own outer frame ${takenFirst}` : ''}: a recursive self-deadlock`,
        nodes: order,
        evidence,
        confidence: weakest,
      });
    } else {
      out.push({
        kind: 'deadlock_cycle',
        severity: 'critical',
        summary: `Deadlock: ${order.map((n) => label(nodes, n)).join(' → ')} → ${label(nodes, order[0])}`,
        nodes: order,
        evidence,
        confidence: weakest,
      });
    }
  }
  if (hasOrder) {
    const shown = new Set<string>();
    for (const c of cycles) for (const n of c) shown.add(n);
    for (const comp of stronglyConnected(nodeIds, edges)) {
      if (comp.some((n) => shown.has(n))) continue;
      const order = cycleOrder(comp, edges);
      cycles.push(order);
      const ids = new Set(comp);
      out.push(lockOrderCycle(nodes, order, edges, edgeEvidence(edges, ids), weakestIn(edges, ids)));
    }
  }
  // 1c. lockdep's reports of a lock left held: nothing waits yet, but nothing will
  //     release it either (the task freed it, or returned to user space holding it).
  for (const r of model.records.reports) {
    const why = r.format === 'lockdep' && r.subtype ? LEFT_HELD[r.subtype] : undefined;
    const t = why && r.task?.pid ? model.taskByPid.get(r.task.pid) : undefined;
    if (!why || !t) continue;
    const held = inp.locks.filter((l) => l.owner === t.id);
    const names = held.map((l) => label(nodes, l.id));
    out.push({
      kind: 'lock_left_held',
      severity: 'critical',
      summary: `${label(nodes, t.id)} ${why(names.length ? names.join(', ') : 'its locks')}`,
      nodes: [t.id, ...held.map((l) => l.id)],
      evidence: mergeSpans([r.span, ...held.flatMap((l) => l.evidence)]).slice(0, 10),
      confidence: 'certain',
    });
  }
  // 1b. lockdep's inconsistent lock state with the task taking the lock in an interrupt:
  //     the class is also taken with that interrupt enabled, so the interrupt can arrive
  //     on a CPU whose code holds it (print_usage_bug's `<Interrupt>` scenario).
  for (const ch of model.records.lockdepChains) {
    if (!ch.irq || ch.entries.length !== 1) continue;
    const name = ch.entries[0].name;
    // The task takes it in the interrupt (it waits for it), or holds it with the
    // interrupt enabled (it owns it).
    const lock = inp.locks.find((l) => l.name === name && (l.waiters.length > 0 || l.owner !== null));
    const task = lock?.waiters[0] ?? lock?.owner;
    if (!lock || !task || cycles.some((c) => c.includes(lock.id))) continue;
    const inIrq = lock.waiters.length > 0;
    out.push({
      kind: 'self_deadlock',
      severity: 'critical',
      summary: inIrq
        ? `${label(nodes, task)} takes ${label(nodes, lock.id)} in interrupt context, and lockdep saw it taken with that interrupt enabled (inconsistent lock state): an interrupt that arrives on a CPU whose code holds it spins on it forever — a possible same-CPU deadlock`
        : `${label(nodes, task)} holds ${label(nodes, lock.id)} with interrupts enabled, and lockdep saw it taken in an interrupt (inconsistent lock state): that interrupt arriving on this CPU while it holds the lock spins on it forever — a possible same-CPU deadlock`,
      nodes: [task, lock.id],
      evidence: [ch.entries[0].span],
      // lockdep saw both usages; the dump does not show them at once.
      confidence: 'likely',
    });
  }
  // 2. Root blockers: where the waiters' chains end. Sources are blocked tasks and
  //    stuck CPUs; a sink (no outgoing edge) or a cycle is where the chain stops.
  // Sources: blocked tasks, stuck CPUs, and anything that waits while nothing waits on it
  // (in that order, each once; built by loops: a 512-CPU NMI dump has thousands).
  // (A lock nobody waits for — a held lock lockdep lists — is no waiter, and its holder
  // is not waited on through it.)
  const hasIn = waitedOn(edges);
  const sourceSet = new Set<string>(waits.keys());
  for (const c of model.cpus.values()) if (c.stuck) sourceSet.add(`cpu:${c.cpu}`);
  // (A work item run by a worker that is not blocked is no waiter: a busy-workqueue
  // dump's in-flight works would each make their worker a root blocker.)
  for (const e of edges)
    if (
      !hasIn.has(e.from) &&
      !idleHeldLock(e, hasIn) &&
      (e.kind !== 'runs' || waits.has(e.to) || model.taskById.get(e.to)?.state === 'D')
    )
      sourceSet.add(e.from);
  const sources: string[] = [];
  for (const s of sourceSet) if (nodes.has(s)) sources.push(s);
  // Where each source's chains end: computed once per node over the graph with its
  // cycles collapsed (a DAG), so thousands of waiters sharing a tail cost linear time.
  const compOf = new Map<string, string>();
  cycles.forEach((c, i) => c.forEach((n) => compOf.set(n, `cycle:${i}`)));
  const comp = (n: string) => compOf.get(n) ?? n;
  const compAdj = new Map<string, Set<string>>();
  for (const e of edges) {
    const a = comp(e.from);
    const b = comp(e.to);
    if (a === b) continue;
    let set = compAdj.get(a);
    if (!set) compAdj.set(a, (set = new Set()));
    set.add(b);
  }
  const sinksMemo = new Map<string, Set<string>>();
  const SINK_CAP = 64;
  const noSucc: ReadonlySet<string> = new Set<string>();
  // Empty after every call: each node is taken off as its walk ends.
  const onStack = new Set<string>();
  const sinksOf = (start: string): Set<string> => {
    const stack: { c: string; it: Iterator<string> }[] = [{ c: start, it: (compAdj.get(start) ?? noSucc).values() }];
    onStack.add(start);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const nx = top.it.next();
      if (!nx.done) {
        const child = nx.value;
        if (!sinksMemo.has(child) && !onStack.has(child)) {
          onStack.add(child);
          stack.push({ c: child, it: (compAdj.get(child) ?? noSucc).values() });
        }
        continue;
      }
      stack.pop();
      onStack.delete(top.c);
      const out = new Set<string>();
      const succ = compAdj.get(top.c);
      if (top.c.startsWith('cycle:') || !succ || succ.size === 0) out.add(top.c);
      for (const child of succ ?? []) {
        for (const k of sinksMemo.get(child) ?? []) {
          if (out.size >= SINK_CAP) break;
          out.add(k);
        }
      }
      sinksMemo.set(top.c, out);
    }
    return sinksMemo.get(start)!;
  };
  const reach = new Map<string, Set<string>>();
  for (const s of sources) {
    for (const key of sinksOf(comp(s))) {
      if (!reach.has(key)) reach.set(key, new Set());
      reach.get(key)!.add(s);
    }
  }
  const roots = [...reach.entries()]
    .map(([node, srcs]) => ({ node, waiters: [...srcs].filter((s) => s !== node).length }))
    .filter((r) => !r.node.startsWith('cycle:'))
    .sort((a, b) => b.waiters - a.waiters);
  for (const r of roots.slice(0, 3)) {
    if (r.waiters === 0) continue;
    const n = nodes.get(r.node);
    if (!n) continue;
    // A flushed work/queue with no runner is "missing evidence", reported below.
    if ((n.type === 'work' || n.type === 'wq') && inp.unresolvedFlushes.some((u) => u.target.id === r.node)) continue;
    const task = model.taskById.get(r.node);
    const w = task ? waits.get(task.id) : undefined;
    let what = label(nodes, r.node);
    if (n.type === 'external') {
      const via = edges.find((e) => e.to === r.node);
      const viaTask = via ? model.taskById.get(via.from) : undefined;
      const vw = viaTask ? waits.get(viaTask.id) : undefined;
      what = `${n.label}${viaTask ? `, via ${label(nodes, viaTask.id)}${vw ? ` in ${vw.culprit?.fn ?? vw.api.fn}${vw.culprit ? ` → ${vw.api.fn}` : ''}` : ''}` : via ? `, via ${label(nodes, via.from)}` : ''}`;
    } else if (task) {
      what = `${label(nodes, task.id)}${task.state ? ` [${task.state}]` : ''}${w ? `, in ${w.culprit?.fn ?? w.frame.fn}${w.culprit ? ` → ${w.api.fn}` : ''}` : task.frames[0] ? `, at ${whereIs(task)}` : ''}`;
    }
    out.push({
      kind: 'root_blocker',
      severity: r.waiters > 1 ? 'critical' : 'warning',
      summary: `Root blocker: ${what} — ${countWords(r.waiters)} waiter${r.waiters === 1 ? '' : 's'} lead${r.waiters === 1 ? 's' : ''} here`,
      nodes: [
        r.node,
        ...(task
          ? []
          : edges
              .filter((e) => e.to === r.node)
              .map((e) => e.from)
              .slice(0, 3)),
      ],
      evidence: mergeSpans(evidenceInto(r.node, n.evidence ?? [], edges)).slice(0, 10),
      confidence: 'likely',
      ...rootNextSteps(r.node, n.type, edges, model, waits),
    });
  }

  // 3. IPI stalls.
  for (const r of inp.ipis) {
    const t = r.waiter;
    if (r.pending.length) {
      const starved = r.pending.filter((p) => inp.starved.some((s) => s.cpu === p.cpu));
      out.push({
        kind: 'ipi_stall',
        severity: 'critical',
        summary: `${label(nodes, t.id)} on cpu ${t.cpu ?? '?'} spins in ${r.wait.frame.fn} waiting for cpu ${r.pending.map((p) => p.cpu).join(', ')} to ${r.awaits === 'stop' ? 'reach the stop machine state' : 'answer a cross-CPU call'}${r.answered.length ? `; cpu ${r.answered.join(', ')} answered` : ''}${starved.length ? `. cpu ${starved.map((s) => s.cpu).join(', ')} is idle with runnable tasks queued: it is not being run at all` : ''}`,
        nodes: [t.id, ...r.pending.map((p) => `cpu:${p.cpu}`)],
        evidence: mergeSpans(r.pending.flatMap((p) => p.evidence)).slice(0, 10),
        confidence: 'likely',
      });
    } else {
      out.push({
        kind: 'missing_evidence',
        severity: 'warning',
        summary: `${label(nodes, t.id)} waits in ${r.wait.frame.fn} for other CPUs to answer a cross-CPU call; the dump does not show which CPU has not answered`,
        nodes: [t.id],
        evidence: t.framesSpan ? [t.framesSpan] : [],
        ...nextStepFields('ipi_unknown_target', { cpu: t.cpu }),
      });
    }
  }

  // 4. Starved CPUs.
  for (const s of inp.starved) {
    out.push({
      kind: 'starved_cpu',
      severity: 'warning',
      summary: s.notExecuting
        ? `cpu ${s.cpu} is not executing: ${s.notExecuting}${model.virtualized ? ' — on a VM, the host is not running the vCPU' : ''}`
        : `cpu ${s.cpu} is idle while ${s.runnable.length} runnable task(s) wait on its runqueue (${s.runnable
            .map((id) => label(nodes, id))
            .slice(0, 4)
            .join(', ')})${model.virtualized ? ': on a VM this means the host is not running the vCPU' : ''}`,
      nodes: [`cpu:${s.cpu}`, 'external:hypervisor'],
      evidence: s.evidence,
      confidence: model.virtualized ? 'likely' : 'guess',
    });
  }

  // 5. Contention.
  for (const l of inp.locks) {
    if (l.waiters.length < 3) continue;
    out.push({
      kind: 'lock_contention',
      severity: 'warning',
      summary: `${countWords(l.waiters.length)} tasks wait on ${label(nodes, l.id)}${l.owner ? `, held by ${label(nodes, l.owner)}` : ''}`,
      nodes: [l.id, ...l.waiters.slice(0, 20)],
      evidence: l.evidence.slice(0, 10),
    });
  }

  // 6. What the dump leaves open.
  for (const u of inp.unresolvedFlushes) {
    out.push({
      kind: 'missing_evidence',
      severity: 'warning',
      summary: `${label(nodes, u.waiter.id)} waits for ${u.target.what}, but the worker running it is not in the dump`,
      nodes: [u.waiter.id, u.target.id],
      evidence: u.waiter.framesSpan ? [u.waiter.framesSpan] : u.waiter.evidence.slice(0, 2),
      ...nextStepFields('flush_no_runner', { work: u.wait.work ?? null, wq: u.wait.wq ?? null }),
    });
  }
  for (const l of inp.locks) {
    if (l.owner || l.waiters.length === 0) continue;
    // A lock of a lockdep lock-order cycle: the report says who would hold it, not who does.
    if (edges.some((e) => e.from === l.id && (e.kind === 'held_by' || e.kind === 'lock_order'))) continue;
    out.push({
      kind: 'missing_evidence',
      severity: 'warning',
      summary: `Nobody in the dump is known to hold ${label(nodes, l.id)}, which ${l.waiters.length === 1 ? 'one task waits' : `${countWords(l.waiters.length)} tasks wait`} for`,
      nodes: [l.id, ...l.waiters.slice(0, 5)],
      evidence: l.evidence.slice(0, 5),
      ...nextStepFields('lock_no_owner', { addr: l.addr }),
    });
  }
  // A stuck CPU whose task is known only from the watchdog's headline (`[comm:pid]`) has
  // no stack either.
  const stuckNoStack = [...model.cpus.values()].filter(
    (c) => c.stuck && (!c.current || (model.taskById.get(c.current)?.frames.length ?? 0) === 0),
  );
  for (const c of stuckNoStack) {
    out.push({
      kind: 'missing_evidence',
      severity: 'warning',
      summary: c.current
        ? `cpu ${c.cpu} is ${c.stuckInferred ? '' : 'reported '}stuck (${c.stuckReason ?? 'watchdog'}) running ${label(nodes, c.current)}, but the dump has no stack for it`
        : `cpu ${c.cpu} is ${c.stuckInferred ? '' : 'reported '}stuck (${c.stuckReason ?? 'watchdog'}) but the dump has no stack for it`,
      nodes: c.current ? [`cpu:${c.cpu}`, c.current] : [`cpu:${c.cpu}`],
      evidence: c.evidence,
      ...nextStepFields('stuck_cpu_no_stack', { cpu: c.cpu }),
    });
  }
  const stackTasks = model.tasks.filter((t) => t.frames.length > 0);
  // Aggregated stacks (bcc/bpftrace folded output) carry no pid or state: they show where
  // time goes, not who waits on whom.
  if (stackTasks.length > 0 && stackTasks.every((t) => t.pid === null)) {
    out.push({
      kind: 'missing_evidence',
      severity: 'info',
      summary: `The ${stackTasks.length} stack(s) here carry no pid or task state (aggregated or pasted without a header), so who waits on whom cannot be tied to tasks`,
      nodes: [],
      ...nextStepFields('no_capture'),
    });
  }
  if (
    inp.kind !== 'unknown' &&
    stackTasks.length === 0 &&
    model.tasks.length === 0 &&
    model.records.lockdepChains.length > 0
  ) {
    // A lockdep report pasted from its dependency chain on: the chain is read (its cycle
    // is a finding of its own); the task that tripped it is in the cut part.
    out.push({
      kind: 'missing_evidence',
      severity: 'info',
      summary:
        'The lockdep report starts at its dependency chain: the task that tripped it, the lock it held and its stack are not in the text',
      nodes: [],
      evidence: model.records.lockdepChains.slice(0, 1).map((c) => c.span),
      ...nextStepFields('lockdep_cut'),
    });
  } else if (inp.kind === 'unknown' || stackTasks.length === 0) {
    const named = stacklessNamed(model);
    out.push({
      kind: 'missing_evidence',
      severity: 'info',
      summary: named
        ? named.summary
        : model.tasks.length
          ? 'The text names tasks but holds no kernel stack to analyze: capture their stacks.'
          : 'No kernel capture was recognised in this text (no stack trace, hung-task report, lockup report, crash output or task dump).',
      nodes: [],
      ...(named ? { evidence: named.evidence } : {}),
      ...nextStepFields('no_capture'),
    });
  } else if (out.length === 0 && inp.kind === 'rcu_stall') {
    // An RCU stall whose report names no CPU or task this dump shows a stack for.
    const idle = model.records.rcuGpIdle[0];
    // The kthread's own stack is often dumped (`RCU grace-period kthread stack dump:`).
    const gp = idle ? model.tasks.find((t) => t.comm === idle.kthread && t.frames.length > 0) : undefined;
    out.push({
      kind: 'missing_evidence',
      severity: idle ? 'warning' : 'info',
      summary: idle
        ? `Every CPU passed a quiescent state, yet RCU's grace-period kthread (${idle.kthread}) has not run for ${idle.jiffies} jiffies: it is starved of CPU time, and the dump shows ${gp ? `the kthread (${gp.pid}) waiting to run but not` : 'neither the kthread nor'} what keeps it off its CPU`
        : 'The RCU stall report names no stalled CPU or blocked task whose stack this dump shows',
      nodes: [],
      ...(idle ? { evidence: [idle.span] } : {}),
      ...nextStepFields(idle ? 'rcu_gp_starved' : 'rcu_stall'),
    });
  } else if (out.length === 0) {
    // Stacks, but nothing links them: say what would.
    const first = [...waits.values()][0];
    // No wait the knowledge tables name: still say which task is stuck and where (its
    // first frame past the scheduler), a blocked (D) task first.
    const lone = first
      ? null
      : (stackTasks.find((t) => t.state === 'D' && t.pid !== null) ??
        stackTasks.find((t) => t.pid !== null && !t.idle));
    const others = lone ? stackTasks.filter((t) => t !== lone && t.state === 'D').length : 0;
    out.push({
      kind: 'missing_evidence',
      severity: 'info',
      summary: first
        ? `${label(nodes, first.task.id)} waits for ${first.rule.what} (${first.api.fn}${first.culprit && first.culprit.fn !== first.api.fn ? `, called from ${first.culprit.fn}` : ''}); the dump does not show who should wake it`
        : lone
          ? `${label(nodes, lone.id)}${lone.state ? ` [${lone.state}]` : ''} is blocked in ${whereIs(lone)}${others ? ` (and ${others} more blocked task${others > 1 ? 's' : ''})` : ''}: what it waits for is not a wait this analyzer knows, and the dump does not show who should wake it`
          : 'The stacks in the dump do not show what the blocked tasks wait for',
      nodes: first ? [first.task.id] : lone ? [lone.id] : [],
      ...(lone?.framesSpan ? { evidence: [lone.framesSpan] } : {}),
      ...nextStepFields(stackTasks.length === 1 ? 'single_stack' : 'hung_task_general', {
        pid: first?.task.pid ?? stackTasks[0].pid,
      }),
    });
  }

  // The kernel's own diagnosis of an RCU stall whose GP kthread was never woken by its
  // timer: told first among the open questions (ahead of those of its severity: the sort
  // below keeps their order), with the CPU it names.
  const timer = model.records.rcuTimerMissed[0];
  if (timer) {
    const where =
      timer.cpu !== null
        ? `the kernel points at timer handling on cpu ${timer.cpu} (its timer softirq did not run): what keeps cpu ${timer.cpu} from handling its timers is not in the dump`
        : 'the dump does not show which CPU failed to run it';
    out.unshift({
      kind: 'missing_evidence',
      severity: 'warning',
      summary: `RCU's grace-period kthread (${timer.kthread}) sleeps on a timer that has not fired for ${timer.jiffies} jiffies; ${where}`,
      nodes: [],
      evidence: [timer.span],
      ...nextStepFields('rcu_gp_starved'),
    });
  }
  const unexplained = reportedButUnexplained(inp, out);
  if (unexplained) out.push(unexplained);

  out.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9),
  );
  return { findings: out, cycles, roots };
}
