// One paragraph a person can paste into a ticket: who waits on whom, the culprit, the
// known bug if any, and what is missing. Built from the findings and the main chain.

import type { Finding, GraphEdge, GraphNode, Kind } from '../contract.js';
import type { Model } from '../model/build.js';
import type { TaskWait } from '../graph/waits.js';
import type { Headline } from './headline.js';
import { acquireSite } from '../graph/locks.js';

const KIND_WORDS: Record<Kind, string> = {
  hung_task: 'Hung task',
  soft_lockup: 'Soft lockup',
  hard_lockup: 'Hard lockup',
  rcu_stall: 'RCU stall',
  deadlock: 'Lockdep deadlock report',
  workqueue_lockup: 'Workqueue lockup',
  blocked_tasks: 'Blocked tasks',
  unknown: 'No capture',
};

function describeTask(id: string, model: Model, waits: Map<string, TaskWait>, nodes: Map<string, GraphNode>): string {
  const t = model.taskById.get(id);
  const name = nodes.get(id)?.label ?? id;
  if (!t) return name;
  const w = waits.get(id);
  const where = t.cpu !== null && t.onCpu ? ` on cpu ${t.cpu}` : '';
  if (!w) return `${name}${where}`;
  const run = w.run.length > 3 ? [w.run[0], '…', w.run[w.run.length - 1]] : w.run;
  return `${name}${where}${t.state === 'D' ? ' (D)' : ''} in ${run.join(' → ')}${w.culprit ? ` (from ${w.culprit.fn})` : ''}`;
}

/** Follow the strongest edge out of each node from `start` until a sink or a repeat. */
const RANK = { certain: 3, likely: 2, guess: 1 };

/** The strongest edge out of each node. */
function strongestOut(edges: GraphEdge[]): Map<string, GraphEdge> {
  const out = new Map<string, GraphEdge>();
  for (const e of edges) {
    const cur = out.get(e.from);
    if (!cur || RANK[e.confidence] > RANK[cur.confidence]) out.set(e.from, e);
  }
  return out;
}

export function mainChain(start: string, edges: GraphEdge[] | Map<string, GraphEdge>): GraphEdge[] {
  const best = edges instanceof Map ? edges : strongestOut(edges);
  const out: GraphEdge[] = [];
  const seen = new Set([start]);
  let cur = start;
  for (let k = 0; k < 12; k++) {
    const next = best.get(cur);
    if (!next) break;
    out.push(next);
    if (seen.has(next.to)) break;
    seen.add(next.to);
    cur = next.to;
  }
  return out;
}

const VERB: Record<string, string> = {
  waits_lock: 'waits for',
  held_by: 'held by',
  flushes: 'flushes',
  runs: 'run by',
  ipi_wait: 'waits for an IPI answer from',
  on_cpu: 'occupied by',
  wakes: 'spins waking',
  waits_event: 'waits for',
  starved_by: 'not run by',
};

/** A lockdep circular report in words: who takes what where, and the cycle it closes. */
function lockdepSentences(model: Model): string[] {
  const out: string[] = [];
  for (const ch of model.records.lockdepChains.slice(0, 3)) {
    const entries = [...ch.entries].sort((a, b) => b.index - a.index);
    const steps = entries.map((e) => `${e.name}${acquireSite(e.frames) ? ` (taken in ${acquireSite(e.frames)})` : ''}`);
    const who = ch.reporter ? `${ch.reporter.comm ?? 'a task'}/${ch.reporter.pid}` : 'a task';
    const target = entries[entries.length - 1]?.name;
    out.push(`Lockdep: ${who} is trying to acquire ${target ?? 'a lock'} against the recorded order ${steps.join(' → ')}; if these run concurrently they deadlock.`);
  }
  return out;
}

export function writeVerdict(h: Headline, model: Model, waits: Map<string, TaskWait>, findings: Finding[], graph: { nodes: GraphNode[]; edges: GraphEdge[] }): string {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const parts: string[] = [];
  if (h.kind === 'unknown') {
    return 'No kernel capture was recognised in this text: no stack trace, hung-task or lockup report, crash session output or task dump. ' + (findings[0]?.nextSteps?.slice(0, 2).join(' ') ?? '');
  }
  const stuck = [...model.cpus.values()].filter((c) => c.stuck).map((c) => c.cpu);
  parts.push(`${KIND_WORDS[h.kind]}${stuck.length ? ` on cpu ${stuck.join(', ')}` : ''}${h.titleFrame ? ` in ${h.titleFrame}` : ''}${h.stackFrame ? ` (at ${h.stackFrame})` : ''}${model.tasks.length ? ` (${model.tasks.filter((t) => t.frames.length).length} stack${model.tasks.filter((t) => t.frames.length).length === 1 ? '' : 's'} read)` : ''}.`);
  // The chains: from each task nobody waits on (the outermost waiters), longest first,
  // plus the report's subject; identical waiters are summarised, not repeated.
  const hasIn = new Set(graph.edges.map((e) => e.to));
  const starts = [...new Set(graph.edges.map((e) => e.from))].filter((n) => (n.startsWith('task:') || n.startsWith('work:')) && !hasIn.has(n));
  if (h.subject && graph.edges.some((e) => e.from === h.subject!.id) && !starts.includes(h.subject.id)) starts.push(h.subject.id);
  const best = strongestOut(graph.edges);
  const chains = starts.map((s) => ({ start: s, chain: mainChain(s, best) })).sort((a, b) => b.chain.length - a.chain.length);
  const seenEnds = new Map<string, number>();
  const mentioned = new Set<string>();
  let printed = 0;
  for (const { start, chain } of chains) {
    if (!chain.length) continue;
    const key = chain.map((e) => e.to).join('>');
    if (seenEnds.has(key)) {
      seenEnds.set(key, seenEnds.get(key)! + 1);
      continue;
    }
    seenEnds.set(key, 0);
    if (printed >= 3) continue;
    // A chain that only leads into what was already told adds one hop, not a repeat.
    if (mentioned.has(chain[0].to) && printed > 0) {
      const to = nodes.get(chain[0].to);
      parts.push(`${nodes.get(start)?.label ?? start} ${VERB[chain[0].kind] ?? chain[0].kind} ${to?.label ?? chain[0].to}.`);
      continue;
    }
    printed++;
    const describe = (id: string) => {
      const n = nodes.get(id);
      const full = !mentioned.has(id) && n?.type === 'task';
      mentioned.add(id);
      return full ? describeTask(id, model, waits, nodes) : n?.label ?? id;
    };
    const words = [describe(start)];
    for (const e of chain) {
      const again = mentioned.has(e.to);
      words.push(`${VERB[e.kind] ?? e.kind} ${describe(e.to)}${e.confidence === 'certain' ? '' : ` (${e.confidence})`}`);
      if (again) break;
    }
    parts.push(words.join(' → ') + '.');
  }
  const alike = [...seenEnds.values()].reduce((a, b) => a + b, 0);
  if (alike > 0) parts.push(`${alike} more task${alike === 1 ? '' : 's'} wait${alike === 1 ? 's' : ''} the same way.`);
  for (const f of findings) {
    if (f.kind === 'deadlock_cycle' || f.kind === 'self_deadlock' || f.kind === 'ipi_stall' || f.kind === 'root_blocker' || f.kind === 'known_issue' || f.kind === 'starved_cpu') {
      parts.push(f.summary.replace(/\.?$/, '.'));
    }
    if (f.kind === 'known_issue' && f.knownIssue) parts.push(`Mitigation: ${f.knownIssue.mitigation}`);
  }
  parts.push(...lockdepSentences(model));
  const missing = findings.filter((f) => f.kind === 'missing_evidence');
  if (missing.length) parts.push(`Not in the dump: ${missing.map((m) => m.summary.replace(/\.$/, '')).join('; ')}.`);
  return parts.join(' ');
}
