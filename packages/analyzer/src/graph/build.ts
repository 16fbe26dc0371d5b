// Model + waits + what the resolve stage decided → the wait-for graph (nodes, edges) and
// the contract's locks and works.

import type { GraphEdge, GraphNode, Lock, Work } from '../contract.js';
import { WAIT_TARGETS } from '../knowledge/wait-targets.js';
import type { Model } from '../model/build.js';
import { GraphBuilder } from './builder.js';
import { drawCpus, drawIpis, drawWakeups } from './cpus.js';
import type { IpiResult, StarvedCpu } from '../resolve/cpus.js';
import { drawLocks } from './locks.js';
import type { Resolved } from '../resolve/resolve.js';
import type { TaskWait } from './waits.js';
import { drawWorks } from './works.js';
import type { FlushTarget } from '../resolve/works.js';
import type { ModelTask } from '../model/build.js';

export interface GraphResult {
  nodes: GraphNode[];
  edges: GraphEdge[];
  locks: Lock[];
  /** `held_by` edges only the holder's own frames show, as `lockId taskId` (resolve/locks/owners-from-frames.ts). */
  heldByFrames: Set<string>;
  works: Work[];
  ipis: IpiResult[];
  starved: StarvedCpu[];
  unresolvedFlushes: { waiter: ModelTask; target: FlushTarget; wait: TaskWait }[];
}

/**
 * An RCU grace period cannot end while a CPU does not pass a quiescent state: a CPU the
 * RCU stall detector names (certain: the kernel says so) or one stuck in a soft/hard
 * lockup, which does not schedule (likely, for non-preemptible RCU).
 */
function linkGracePeriod(model: Model, g: GraphBuilder): void {
  const gp = 'external:rcu-grace-period';
  // A task the stall report lists as blocking the grace period (a reader preempted in
  // its read-side critical section) holds it up: certain, the report says so.
  for (const r of model.records.reports) {
    if (r.kind !== 'rcu_stall' || !r.blockedPids) continue;
    for (const b of r.blockedPids) {
      const t = model.taskByPid.get(b.pid);
      if (!t) continue;
      if (!g.nodes.has(gp)) g.node(gp, 'external', 'RCU grace period', { evidence: [r.span] });
      g.task(t);
      g.edge(
        gp,
        t.id,
        'waits_event',
        'certain',
        `the RCU stall report lists P${b.pid} as a task blocking the grace period (preempted inside an RCU read-side critical section)`,
        [{ line: b.line, endLine: b.line }],
      );
    }
  }
  if (!g.nodes.has(gp)) return;
  const stalled = new Set<number>();
  for (const r of model.records.reports) {
    if (r.kind !== 'rcu_stall') continue;
    for (const c of r.cpus ?? []) {
      stalled.add(c);
      g.node(`cpu:${c}`, 'cpu', `cpu ${c}`);
      g.edge(
        gp,
        `cpu:${c}`,
        'waits_event',
        'certain',
        `the RCU stall report names cpu ${c} as holding up the grace period`,
        [r.span],
      );
    }
  }
  for (const c of model.cpus.values()) {
    if (!c.stuck || stalled.has(c.cpu)) continue;
    g.node(`cpu:${c.cpu}`, 'cpu', `cpu ${c.cpu}`, { evidence: c.evidence });
    g.edge(
      gp,
      `cpu:${c.cpu}`,
      'waits_event',
      'likely',
      `cpu ${c.cpu} is stuck (${c.stuckReason ?? 'lockup'}) and does not pass through a quiescent state, so the grace period cannot end`,
      c.evidence,
    );
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

export function buildGraph(model: Model, waits: Map<string, TaskWait>, resolved: Resolved): GraphResult {
  const g = new GraphBuilder();
  for (const w of waits.values()) g.task(w.task).waitFrame = w.api.fn;
  const { locks, heldByFrames } = drawLocks(resolved.locks, model, g);
  drawWorks(resolved.works, g);
  const { works, unresolvedFlushes } = resolved.works;
  drawIpis(resolved.ipis, g);
  drawWakeups(resolved.wakeups, g);
  drawCpus(resolved.cpus, g);
  const ipis = resolved.ipis.results;
  const starved = resolved.cpus.starved;
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
  // Waits on something outside the lock/work graph (IO, RCU, a polled device).
  for (const w of waits.values()) {
    const target = WAIT_TARGETS[w.rule.kind];
    if (!target || g.hasEdge(w.task.id)) continue;
    const ev = [{ line: w.frame.line, endLine: w.culprit?.line ?? w.frame.line }];
    const server =
      (target.servedBy ? servers(target.servedBy).find((t) => t !== w.task) : undefined) ??
      (target.servedByFrame ? frameServers(target.servedByFrame).find((t) => t !== w.task) : undefined);
    if (server) {
      g.task(server);
      g.edge(
        w.task.id,
        server.id,
        'waits_event',
        'guess',
        `waits for ${w.rule.what} (${w.api.fn}), which ${server.comm} serves`,
        ev,
      );
      continue;
    }
    g.node(target.id, 'external', externalLabel(model, target.id, target.label));
    g.edge(
      w.task.id,
      target.id,
      'waits_event',
      target.confidence,
      `${w.task.comm ?? 'the task'} waits in ${w.api.fn}${w.culprit ? ` (from ${w.culprit.fn})` : ''} for ${w.rule.what}`,
      ev,
    );
  }
  for (const nw of model.records.netdevWaits) {
    const t = nw.tid !== null ? model.taskById.get(`task:${nw.tid}`) : undefined;
    if (!t || g.hasEdge(t.id)) continue;
    g.task(t);
    g.node(
      'external:netdev-refs',
      'external',
      externalLabel(model, 'external:netdev-refs', 'leaked network device references'),
    );
    g.edge(
      t.id,
      'external:netdev-refs',
      'waits_event',
      'certain',
      `it printed "waiting for ${nw.dev} to become free": it is unregistering the device and waits for its usage count (${nw.count}) to drop`,
      [nw.span],
    );
  }
  linkGracePeriod(model, g);
  const { nodes, edges } = g.result();
  // Keep only nodes that take part in an edge: tasks merely listed (ps rows) stay in
  // `tasks`, not in the graph.
  const used = new Set<string>();
  for (const e of edges) {
    used.add(e.from);
    used.add(e.to);
  }
  return {
    nodes: nodes.filter((n) => used.has(n.id)),
    edges,
    locks,
    heldByFrames,
    works,
    ipis,
    starved,
    unresolvedFlushes,
  };
}
