// Waits on something outside the lock/work/CPU resolvers: the IO, RCU, a polled device,
// a daemon — the thread that serves the wait when the dump shows it, else an external
// party; a network device whose references are never dropped; what holds up an RCU
// grace period. A fallback: a task whose wait another resolver explained is left alone.

import type { Confidence, EdgeKind, Span } from '../contract.js';
import type { TaskWait } from '../waits/find.js';
import { API_TARGETS, WAIT_TARGETS } from '../knowledge/wait-targets.js';
import {
  FOLIO_LOCK_HOLDERS,
  FOLIO_LOCK_WAIT_CALLERS,
  FOLIO_LOCK_WAIT_FRAMES,
  FOLIO_LOCKED_ACROSS,
  FOLIO_LOCK_AFTER_CALLBACK,
  WRITEBACK_WAIT_FRAMES,
} from '../knowledge/folio-locks.js';
import type { Model, ModelTask } from '../model/build.js';

/** A node an external link needs: a task, or an external party / CPU. */
export type ExternalNode =
  { task: ModelTask } | { id: string; type: 'external' | 'cpu'; label: string; evidence?: Span[] };

export interface ExternalLink {
  nodes: ExternalNode[];
  from: string;
  to: string;
  kind: EdgeKind;
  confidence: Confidence;
  why: string;
  evidence: Span[];
}

/**
 * The external links, in order. `explained`: the ids of tasks (and CPUs) another
 * resolver already links to what they wait for.
 */
export function resolveExternals(model: Model, waits: Map<string, TaskWait>, explained: Set<string>): ExternalLink[] {
  const links: ExternalLink[] = [];
  const made = new Set<string>();
  const link = (l: ExternalLink) => {
    explained.add(l.from);
    for (const n of l.nodes) if ('id' in n) made.add(n.id);
    links.push(l);
  };
  const serverCache = new Map<RegExp, ModelTask[]>();
  const servers = (re: RegExp): ModelTask[] => {
    let l = serverCache.get(re);
    if (!l) serverCache.set(re, (l = model.tasks.filter((t) => t.comm !== null && re.test(t.comm)).slice(0, 2)));
    return l;
  };
  // A blocked task with one of these functions on its stack (the thread that serves the
  // wait, known by what it is doing when its comm is not in the capture).
  const frameServers = (re: RegExp): ModelTask[] => {
    let l = serverCache.get(re);
    if (!l)
      serverCache.set(
        re,
        (l = [...waits.values()]
          .filter(
            (x) =>
              re.test(x.frame.fn) ||
              re.test(x.api.fn) ||
              x.task.frames.some((f) => f.context === undefined && re.test(f.fn)),
          )
          .map((x) => x.task)
          .slice(0, 2)),
      );
    return l;
  };
  // A task blocked on a lock with one of these functions in its own frames.
  const lockWaiterServers = (re: RegExp): ModelTask[] => {
    let l = serverCache.get(re);
    if (!l)
      serverCache.set(
        re,
        (l = [...waits.values()]
          .filter((x) => x.rule.kind === 'lock' && x.task.frames.some((f) => f.context === undefined && re.test(f.fn)))
          .map((x) => x.task)
          .slice(0, 2)),
      );
    return l;
  };
  // Any task with one of these functions in its own frames, blocked or running.
  const stackServers = (re: RegExp): ModelTask[] => {
    let l = serverCache.get(re);
    if (!l)
      serverCache.set(
        re,
        (l = model.tasks.filter((t) => t.frames.some((f) => f.context === undefined && re.test(f.fn))).slice(0, 2)),
      );
    return l;
  };
  const folioHolders = folioLockHolders(waits);
  for (const w of waits.values()) {
    const byApi = API_TARGETS.find(
      (a) => a.api?.test(w.api.fn) || (a.caller !== undefined && w.culprit !== null && a.caller.test(w.culprit.fn)),
    );
    const target = byApi?.target ?? WAIT_TARGETS[w.rule.kind];
    const what = byApi?.what ?? w.rule.what;
    if (!target || explained.has(w.task.id)) continue;
    const ev = [{ line: w.frame.line, endLine: w.culprit?.line ?? w.frame.line }];
    // A folio-lock wait, and one task of the dump that holds a folio locked while it
    // waits for that folio's writeback: which folio is not in the dump, so a guess, and
    // only when that holder is the only one.
    if (w.rule.kind === 'io' && folioHolders.length === 1 && folioHolders[0].task !== w.task && isFolioLockWait(w)) {
      const h = folioHolders[0];
      link({
        nodes: [{ task: h.task }],
        from: w.task.id,
        to: h.task.id,
        kind: 'waits_event',
        confidence: 'guess',
        why: `waits for a folio (page) lock in ${w.api.fn}${w.culprit ? ` (from ${w.culprit.fn})` : ''}; ${h.task.comm ?? (h.task.pid !== null ? `pid ${h.task.pid}` : 'a task of the dump')} holds a folio locked in ${h.holder} ${h.what}`,
        evidence: ev,
      });
      continue;
    }
    // A page locked right after ->page_mkwrite, and no task of the dump holding a page:
    // the callback may have returned it still locked without VM_FAULT_LOCKED, and the task
    // waits on itself (a guess: which page, and who holds it, the dump does not say).
    if (
      w.rule.kind === 'io' &&
      folioHolders.length === 0 &&
      isFolioLockWait(w) &&
      w.culprit &&
      FOLIO_LOCK_AFTER_CALLBACK.test(w.culprit.fn)
    ) {
      link({
        nodes: [],
        from: w.task.id,
        to: w.task.id,
        kind: 'waits_event',
        confidence: 'guess',
        why: `waits for a page lock in ${w.api.fn} right after ${w.culprit.fn} called the filesystem's ->page_mkwrite, which locks the page only when the callback returned without VM_FAULT_LOCKED; no other task of the dump holds a page lock: a callback that returned 0 with the page still locked makes the task wait on itself`,
        evidence: ev,
      });
      continue;
    }
    const server =
      (target.servedBy ? servers(target.servedBy).find((t) => t !== w.task) : undefined) ??
      (target.servedByFrame ? frameServers(target.servedByFrame).find((t) => t !== w.task) : undefined) ??
      (target.servedByStack ? stackServers(target.servedByStack).find((t) => t !== w.task) : undefined);
    const holder =
      server || !target.servedByLockWaiterUnder
        ? undefined
        : lockWaiterServers(target.servedByLockWaiterUnder).find((t) => t !== w.task);
    if (holder) {
      const re = target.servedByLockWaiterUnder!;
      const under = holder.frames.find((f) => f.context === undefined && re.test(f.fn))?.fn ?? 'its caller';
      link({
        nodes: [{ task: holder }],
        from: w.task.id,
        to: holder.id,
        kind: 'waits_event',
        confidence: 'guess',
        why: `waits for ${what} (${w.api.fn}); ${holder.comm ?? (holder.pid !== null ? `pid ${holder.pid}` : 'a task of the dump')} is blocked on a lock inside ${under}, which holds what this wait needs while it takes the lock`,
        evidence: [...ev, ...(holder.framesSpan ? [holder.framesSpan] : [])],
      });
      continue;
    }
    if (server) {
      link({
        nodes: [{ task: server }],
        from: w.task.id,
        to: server.id,
        kind: 'waits_event',
        confidence: 'guess',
        why: `waits for ${what} (${w.api.fn}), which ${server.comm ?? (server.pid !== null ? `pid ${server.pid}` : 'a task of the dump')} serves`,
        evidence: ev,
      });
      continue;
    }
    if (target.onlyServed) continue;
    link({
      nodes: [{ id: target.id, type: 'external', label: externalLabel(model, target.id, target.label) }],
      from: w.task.id,
      to: target.id,
      kind: 'waits_event',
      confidence: target.confidence,
      why: `${w.task.comm ?? 'the task'} waits in ${w.api.fn}${w.culprit ? ` (from ${w.culprit.fn})` : ''} for ${what}`,
      evidence: ev,
    });
  }
  for (const nw of model.records.netdevWaits) {
    const t = nw.tid !== null ? model.taskById.get(`task:${nw.tid}`) : undefined;
    if (!t || explained.has(t.id)) continue;
    link({
      nodes: [
        { task: t },
        {
          id: 'external:netdev-refs',
          type: 'external',
          label: externalLabel(model, 'external:netdev-refs', 'leaked network device references'),
        },
      ],
      from: t.id,
      to: 'external:netdev-refs',
      kind: 'waits_event',
      confidence: 'certain',
      why: `it printed "waiting for ${nw.dev} to become free": it is unregistering the device and waits for its usage count (${nw.count}) to drop`,
      evidence: [nw.span],
    });
  }
  linkGracePeriod(model, made, link);
  return links;
}

/**
 * An RCU grace period cannot end while a CPU does not pass a quiescent state: a CPU the
 * RCU stall detector names (certain: the kernel says so) or one stuck in a soft/hard
 * lockup, which does not schedule (likely, for non-preemptible RCU).
 */
function linkGracePeriod(model: Model, made: Set<string>, link: (l: ExternalLink) => void): void {
  const gp = 'external:rcu-grace-period';
  // A task the stall report lists as blocking the grace period (a reader preempted in
  // its read-side critical section) holds it up: certain, the report says so.
  for (const r of model.records.reports) {
    if (r.kind !== 'rcu_stall' || !r.blockedPids) continue;
    for (const b of r.blockedPids) {
      const t = model.taskByPid.get(b.pid);
      if (!t) continue;
      const nodes: ExternalNode[] = [];
      if (!made.has(gp)) nodes.push({ id: gp, type: 'external', label: 'RCU grace period', evidence: [r.span] });
      nodes.push({ task: t });
      link({
        nodes,
        from: gp,
        to: t.id,
        kind: 'waits_event',
        confidence: 'certain',
        why:
          r.subtype === 'tasks'
            ? `the RCU-tasks stall report lists ${t.comm ?? 'the task'} (${b.pid}) as a holdout: it has not done a voluntary context switch since the grace period began`
            : `the RCU stall report lists P${b.pid} as a task blocking the grace period (preempted inside an RCU read-side critical section)`,
        evidence: [{ line: b.line, endLine: b.line }],
      });
    }
  }
  if (!made.has(gp)) return;
  const stalled = new Set<number>();
  for (const r of model.records.reports) {
    if (r.kind !== 'rcu_stall') continue;
    for (const c of r.cpus ?? []) {
      stalled.add(c);
      link({
        nodes: [{ id: `cpu:${c}`, type: 'cpu', label: `cpu ${c}` }],
        from: gp,
        to: `cpu:${c}`,
        kind: 'waits_event',
        confidence: 'certain',
        why: `the RCU stall report names cpu ${c} as holding up the grace period`,
        evidence: [r.span],
      });
    }
  }
  for (const c of model.cpus.values()) {
    if (!c.stuck || stalled.has(c.cpu)) continue;
    link({
      nodes: [{ id: `cpu:${c.cpu}`, type: 'cpu', label: `cpu ${c.cpu}`, evidence: c.evidence }],
      from: gp,
      to: `cpu:${c.cpu}`,
      kind: 'waits_event',
      confidence: 'likely',
      why: `cpu ${c.cpu} is stuck (${c.stuckReason ?? 'lockup'}) and does not pass through a quiescent state, so the grace period cannot end`,
      evidence: c.evidence,
    });
  }
}

/** Name the outside party when the dump does (an NFS server that stopped answering). */
function externalLabel(model: Model, id: string, fallback: string): string {
  if (id === 'external:netdev-refs') {
    const devs = [...new Set(model.records.netdevWaits.map((w) => `${w.dev} (usage count ${w.count})`))];
    if (devs.length) return `references to ${devs.slice(0, 3).join(', ')} never dropped`;
  }
  if (id === 'external:nfs-server') {
    const down = [...new Set(model.records.nfsServers.filter((s) => !s.ok).map((s) => s.server))];
    if (down.length) return `NFS server ${down.slice(0, 3).join(', ')} (not responding)`;
  }
  return fallback;
}

/** Is the wait for a folio lock (not for the IO itself)? */
function isFolioLockWait(w: TaskWait): boolean {
  return w.run.some((fn) => FOLIO_LOCK_WAIT_FRAMES.test(fn)) || FOLIO_LOCK_WAIT_CALLERS.test(w.culprit?.fn ?? '');
}

/**
 * Tasks that hold a folio lock by their frames: blocked in a writeback wait under a
 * function that locked the folio first (knowledge/folio-locks.ts), and not themselves
 * waiting for a folio lock.
 */
function folioLockHolders(waits: Map<string, TaskWait>): { task: ModelTask; holder: string; what: string }[] {
  const out: { task: ModelTask; holder: string; what: string }[] = [];
  for (const w of waits.values()) {
    if (isFolioLockWait(w)) continue;
    if (w.rule.kind === 'io' && WRITEBACK_WAIT_FRAMES.test(w.api.fn)) {
      const holder = w.task.frames.find((f) => f.context === undefined && f.reliable && FOLIO_LOCK_HOLDERS.test(f.fn));
      if (holder) out.push({ task: w.task, holder: holder.fn, what: "while it waits for that folio's writeback" });
    } else {
      // Blocked in another wait under a function that runs with a folio locked.
      const holder = w.task.frames.find((f) => f.context === undefined && f.reliable && FOLIO_LOCKED_ACROSS.test(f.fn));
      if (holder) out.push({ task: w.task, holder: holder.fn, what: `while it waits in ${w.api.fn}` });
    }
    if (out.length > 1) break;
  }
  return out;
}
