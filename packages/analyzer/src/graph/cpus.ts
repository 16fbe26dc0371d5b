// The CPU resolvers' facts (resolve/cpus.ts) as graph nodes and edges, in their order.

import type { ResolvedCpus, ResolvedIpis, Wakeup } from '../resolve/cpus.js';
import type { GraphBuilder } from './builder.js';

export function drawIpis(ipis: ResolvedIpis, g: GraphBuilder): void {
  for (const r of ipis.results) {
    const t = r.waiter;
    g.task(t);
    for (const p of r.pending) {
      g.node(`cpu:${p.cpu}`, 'cpu', `cpu ${p.cpu}`);
      g.edge(
        t.id,
        `cpu:${p.cpu}`,
        'ipi_wait',
        p.confidence,
        `${t.comm ?? 'the task'} spins in ${r.wait.api.fn} waiting for cpu ${p.cpu} to ${r.awaits === 'stop' ? 'reach the stop' : 'run its cross-CPU call'}: ${p.why}`,
        p.evidence,
      );
    }
  }
  for (const r of ipis.reported) {
    g.node(`cpu:${r.fromCpu}`, 'cpu', `cpu ${r.fromCpu}`);
    g.node(`cpu:${r.toCpu}`, 'cpu', `cpu ${r.toCpu}`);
    g.edge(`cpu:${r.fromCpu}`, `cpu:${r.toCpu}`, 'ipi_wait', 'certain', r.why, r.evidence);
  }
}

export function drawWakeups(wakeups: Wakeup[], g: GraphBuilder): void {
  for (const w of wakeups) {
    g.task(w.waker);
    g.task(w.woken);
    g.edge(w.waker.id, w.woken.id, 'wakes', 'likely', w.why, w.evidence);
  }
}

export function drawCpus(cpus: ResolvedCpus, g: GraphBuilder): void {
  for (const l of cpus.links) {
    g.node(`cpu:${l.cpu}`, 'cpu', `cpu ${l.cpu}`, { evidence: l.cpuEvidence });
    let to: string;
    if ('task' in l.to) {
      g.task(l.to.task);
      to = l.to.task.id;
    } else {
      g.node('external:hypervisor', 'external', l.to.hypervisor);
      to = 'external:hypervisor';
    }
    g.edge(`cpu:${l.cpu}`, to, l.kind, l.confidence, l.why, l.evidence);
  }
  for (const q of cpus.queued) {
    g.task(q.task);
    g.node(`cpu:${q.cpu}`, 'cpu', `cpu ${q.cpu}`);
    g.edge(q.task.id, `cpu:${q.cpu}`, 'waits_event', 'likely', q.why, q.evidence);
  }
}
