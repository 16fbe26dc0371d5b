// One paragraph a person can paste into a ticket and read on the first screen: the
// culprit, the chain that leads to it, and how many more wait the same way. Every detail
// (each lock, each CPU, each open question) is a finding; the verdict names the first of
// each kind and counts the rest, so it stays short on a 100,000-task dump.

import { taskLabel } from '../graph/builder.js';
import { waitedOn } from '../graph/waited-on.js';
import type { Finding, FindingKind, GraphEdge, GraphNode, Kind } from '../contract.js';
import type { Model } from '../model/build.js';
import type { TaskWait } from '../waits/find.js';
import type { Headline } from './headline.js';
import { acquireSite } from '../resolve/locks/lockdep-chains.js';
import { countWords, proseName } from './names.js';
import { REPORTED_UNEXPLAINED_LEAD } from '../findings/build.js';

/** Characters a verdict may use: about four lines of a 1440-px wide page. */
export const VERDICT_BUDGET = 600;

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

const LOCKDEP_WORDS: Record<string, string> = {
  held_lock_freed: 'Lockdep report of a held lock freed',
  held_returning_to_user: 'Lockdep report of a lock held when returning to user space',
  bad_unlock_balance: 'Lockdep report of an unbalanced unlock',
};

/** The kind in words: a deadlock kind stated by a debug spinlock's own report (no lockdep
 *  report in the text) is not lockdep's. */
function kindWords(kind: Kind, model: Model): string {
  if (kind !== 'deadlock') return KIND_WORDS[kind];
  const reports = model.records.reports.filter((r) => r.kind === 'deadlock');
  if (reports.length && reports.every((r) => r.subtype === 'spinlock_recursion')) return 'Spinlock recursion';
  // lockdep's reports of a lock left held, or released unheld, say no deadlock.
  const sub = reports.length && reports.every((r) => r.subtype === reports[0].subtype) ? reports[0].subtype : null;
  if (sub && LOCKDEP_WORDS[sub]) return LOCKDEP_WORDS[sub];
  return KIND_WORDS[kind];
}

const plural = (n: number, one: string, many = `${one}s`) => `${countWords(n)} ${n === 1 ? one : many}`;

/** Cut at a word boundary to at most `max` characters, marking the cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf(' ', max - 2);
  return `${text.slice(0, cut > max / 2 ? cut : max - 2)} …`;
}

const sentence = (s: string) => s.replace(/[.:;,\s]*$/, '.');

/** A list of numbers, the first few named: "0, 2, 3 and 44 more". */
function someOf(xs: (string | number)[], shown = 3): string {
  if (xs.length <= shown + 1)
    return xs.length > 1 ? `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}` : xs.join('');
  return `${xs.slice(0, shown).join(', ')} and ${xs.length - shown} more`;
}

function describeTask(id: string, model: Model, waits: Map<string, TaskWait>, name: string): string {
  const t = model.taskById.get(id);
  if (!t) return name;
  const w = waits.get(id);
  const where = t.cpu !== null && t.onCpu ? ` on cpu ${t.cpu}` : '';
  if (!w) return `${name}${where}`;
  const run = w.run.length > 3 ? [w.run[0], '…', w.run[w.run.length - 1]] : w.run;
  return `${name}${where}${t.state === 'D' ? ' (D)' : ''} in ${run.join(' → ')}${w.culprit ? ` (from ${w.culprit.fn})` : ''}`;
}

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

/** Follow the strongest edge out of each node from `start` until a sink or a repeat. */
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
  lock_order: 'held while taking',
};

/** A stopper's wait for the CPUs of its stop is drawn as an ipi_wait (a spin on other
 *  CPUs), but it waits for no IPI: its edge says so in its why (graph/cpus.ts). */
function verbOf(e: { kind: string; why: string }): string {
  if (e.kind === 'ipi_wait' && e.why.includes(' to reach the stop: ')) return 'waits for the stop machine on';
  return VERB[e.kind] ?? e.kind;
}

/** A lockdep circular report in words: who takes what where, and the cycle it closes. */
function lockdepSentences(model: Model): string[] {
  const out: string[] = [];
  for (const ch of model.records.lockdepChains.slice(0, 3)) {
    const who0 = ch.reporter ? `${ch.reporter.comm ?? 'a task'}/${ch.reporter.pid}` : 'a task';
    if (ch.irq) {
      // An irq report: the classes in order, closed by an interrupt.
      const names = [...ch.entries].sort((a, b) => a.index - b.index).map((e) => e.name);
      out.push(
        names.length === 1
          ? `Lockdep: ${who0} takes ${names[0]} in an interrupt, and it is also taken with that interrupt enabled: an interrupt on a CPU that holds it deadlocks there.`
          : `Lockdep: ${names.join(' → ')}, each taken while the one before is held, and an interrupt that takes ${names[0]} can arrive while ${names[names.length - 1]} is held (${who0} made the irq usage): run together, they deadlock.`,
      );
      continue;
    }
    const entries = [...ch.entries].sort((a, b) => b.index - a.index);
    if (ch.cut && entries.length === 2 && entries.every((e) => e.implied)) {
      // Only the report's header: the order is stated, the chain that records it is cut.
      out.push(
        `Lockdep: ${who0} takes ${entries[1].name} while holding ${entries[0].name}, which already depends on it (the chain that shows how is cut from the text): run together, they deadlock.`,
      );
      continue;
    }
    const steps = entries.map((e) => `${e.name}${acquireSite(e.frames) ? ` (in ${acquireSite(e.frames)})` : ''}`);
    const who = ch.reporter ? `${ch.reporter.comm ?? 'a task'}/${ch.reporter.pid}` : 'a task';
    const target = entries[entries.length - 1]?.name;
    out.push(
      `Lockdep: ${who} takes ${target ?? 'a lock'} against the recorded order ${steps.join(' → ')}: run together, they deadlock.`,
    );
  }
  return out;
}

/** Findings the verdict speaks of: the first of each kind, and the rest as a count. */
const TOLD: Partial<Record<FindingKind, [string, string]>> = {
  deadlock_cycle: ['deadlock cycle', 'deadlock cycles'],
  self_deadlock: ['self-deadlock', 'self-deadlocks'],
  known_issue: ['known-bug match', 'known-bug matches'],
  ipi_stall: ['IPI stall', 'IPI stalls'],
  root_blocker: ['root blocker', 'root blockers'],
  starved_cpu: ['starved CPU', 'starved CPUs'],
  lock_left_held: ['lock left held', 'locks left held'],
};

/**
 * Sentences with a priority (0 first) in the order they are read. The verdict takes them
 * by priority while they fit in VERDICT_BUDGET and prints the chosen ones in order. A
 * sentence may come in shorter forms (a chain cut after fewer hops): the longest that
 * still fits is taken.
 */
interface Part {
  text: string;
  prio: number;
  shorter?: string[];
}

function fit(parts: Part[], budget: number): string {
  const order = parts.map((_, i) => i).sort((a, b) => parts[a].prio - parts[b].prio || a - b);
  const forms = (i: number) => [parts[i].text, ...(parts[i].shorter ?? [])];
  const take = new Map<number, string>();
  let used = 0;
  const cost = (t: string) => t.length + 1;
  // First every sentence in its shortest form, by priority; then, by priority, each one
  // as long as the room left allows. A count is worth more than a longer chain.
  for (const i of order) {
    const f = forms(i);
    const short = f[f.length - 1];
    if (used + cost(short) > budget + 1) continue;
    take.set(i, short);
    used += cost(short);
  }
  for (const i of order) {
    const cur = take.get(i);
    if (cur === undefined) continue;
    const longer = forms(i).find((t) => used - cost(cur) + cost(t) <= budget + 1);
    if (longer === undefined || longer === cur) continue;
    used += cost(longer) - cost(cur);
    take.set(i, longer);
  }
  return parts.flatMap((_, i) => (take.has(i) ? [take.get(i)!] : [])).join(' ');
}

export function writeVerdict(
  h: Headline,
  model: Model,
  waits: Map<string, TaskWait>,
  findings: Finding[],
  graph: { nodes: GraphNode[]; edges: GraphEdge[] },
): string {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const named = (id: string) => proseName(id, nodes.get(id)?.label);
  if (h.kind === 'unknown') {
    const parts: Part[] = [
      {
        text: 'No kernel capture was recognised in this text: no stack trace, hung-task or lockup report, crash session output or task dump.',
        prio: 0,
      },
    ];
    for (const s of findings[0]?.nextSteps?.slice(0, 2) ?? []) parts.push({ text: clip(s, 300), prio: 1 });
    return fit(parts, VERDICT_BUDGET);
  }
  const parts: Part[] = [];
  const stuck = [...model.cpus.values()].filter((c) => c.stuck).map((c) => c.cpu);
  const stacks = model.tasks.filter((t) => t.frames.length).length;
  parts.push({
    text: clip(
      `${kindWords(h.kind, model)}${stuck.length ? ` on cpu ${someOf(stuck)}` : ''}${h.titleFrame ? ` in ${h.titleFrame}` : ''}${h.stackFrame ? ` (at ${h.stackFrame})` : ''}${model.tasks.length ? ` (${plural(stacks, 'stack')} read)` : ''}.`,
      200,
    ),
    prio: 0,
  });

  // The culprit: the first finding of each kind that answers, the rest counted.
  const seen = new Map<FindingKind, number>();
  const counts: Part[] = [];
  for (const f of findings) {
    const noun = TOLD[f.kind];
    if (!noun) continue;
    const n = (seen.get(f.kind) ?? 0) + 1;
    seen.set(f.kind, n);
    if (n > 1) continue;
    parts.push({
      text: sentence(clip(f.summary, 260)),
      prio: f.kind === 'starved_cpu' ? 3 : f.kind === 'root_blocker' || f.kind === 'ipi_stall' ? 2 : 1,
    });
    if (f.kind === 'known_issue' && f.knownIssue?.mitigation)
      parts.push({ text: `Mitigation: ${sentence(clip(f.knownIssue.mitigation, 240))}`, prio: 4 });
  }
  for (const [kind, n] of seen) {
    if (n <= 1) continue;
    const count = `${plural(n - 1, `more ${TOLD[kind]![0]}`, `more ${TOLD[kind]![1]}`)} in the findings.`;
    // The other root blockers are named when there is room: what each is, without its count.
    const others =
      kind === 'root_blocker'
        ? findings
            .filter((f) => f.kind === 'root_blocker')
            .slice(1, 3)
            .map((f) => clip(f.summary.replace(/^Root blocker: /, '').replace(/ — [^—]*$/, ''), 140))
        : [];
    // A self-deadlock is one task's own: the others are named by their task.
    const selfTasks =
      kind === 'self_deadlock'
        ? findings
            .filter((f) => f.kind === 'self_deadlock')
            .slice(1)
            .map((f) => model.taskById.get(f.nodes.find((id) => id.startsWith('task:')) ?? ''))
            .filter((t) => t !== undefined)
            .map((t) => taskLabel(t))
        : [];
    counts.push({
      text: others.length
        ? `Also ${others.length === 1 ? 'a root blocker' : 'root blockers'}: ${others.join('; ')}.`
        : selfTasks.length
          ? `${count.slice(0, -1)}: ${someOf(selfTasks)}.`
          : count,
      shorter: others.length || selfTasks.length ? [count] : undefined,
      prio: 3,
    });
  }

  // The chains: from each task nobody waits on (the outermost waiters), longest first,
  // plus the report's subject; identical waiters are counted, not repeated.
  const hasIn = waitedOn(graph.edges);
  const starts = [...new Set(graph.edges.map((e) => e.from))].filter(
    (n) => (n.startsWith('task:') || n.startsWith('work:')) && !hasIn.has(n),
  );
  if (h.subject && graph.edges.some((e) => e.from === h.subject!.id) && !starts.includes(h.subject.id))
    starts.push(h.subject.id);
  const best = strongestOut(graph.edges);
  const chains = starts
    .map((s) => ({ start: s, chain: mainChain(s, best) }))
    .sort((a, b) => b.chain.length - a.chain.length);
  // The starts of chains that repeat one already told, by that chain: counted, and named
  // when there is room (a reader looks for the task a report or a colleague named).
  const seenEnds = new Map<string, string[]>();
  const mentioned = new Set<string>();
  let printed = 0;
  for (const { start, chain } of chains) {
    if (!chain.length) continue;
    const key = chain.map((e) => e.to).join('>');
    const alikeStarts = seenEnds.get(key);
    if (alikeStarts) {
      alikeStarts.push(start);
      continue;
    }
    seenEnds.set(key, []);
    if (printed >= 3) continue;
    // A chain that only leads into what was already told adds one hop, not a repeat.
    if (mentioned.has(chain[0].to) && printed > 0) {
      parts.push({
        text: clip(`${named(start)} ${verbOf(chain[0])} ${named(chain[0].to)}.`, 200),
        prio: 5,
      });
      continue;
    }
    // Each task is described with its wait once (the first time it is named); a shorter
    // form describes only the first task, shorter still ones stop after fewer hops.
    const told = new Set(mentioned);
    const hops: { verb: string; to: string; conf: string }[] = [];
    mentioned.add(start);
    for (const e of chain) {
      hops.push({
        verb: verbOf(e),
        to: e.to,
        conf: e.confidence === 'certain' ? '' : ` (${e.confidence})`,
      });
      if (mentioned.has(e.to)) break;
      mentioned.add(e.to);
    }
    const say = (k: number, detail: boolean) => {
      const once = new Set(told);
      const describe = (id: string, first: boolean) => {
        const full = (first || detail) && !once.has(id) && nodes.get(id)?.type === 'task';
        once.add(id);
        return full ? describeTask(id, model, waits, named(id)) : named(id);
      };
      const words = [
        describe(start, true),
        ...hops.slice(0, k).map((h) => `${h.verb} ${describe(h.to, false)}${h.conf}`),
      ];
      return clip(words.join(' → '), 320) + (k < hops.length ? ' → …' : '.');
    };
    const forms: string[] = [];
    for (let k = hops.length; k >= 1; k--) forms.push(say(k, true), say(k, false));
    const unique = [...new Set(forms)];
    parts.push({ text: unique[0], shorter: unique.slice(1), prio: printed === 0 ? 2 : 5 });
    printed++;
  }
  const alikeStarts = [...seenEnds.values()].flat();
  const alike = alikeStarts.length;
  if (alike > 0) {
    const count = `${plural(alike, 'more task')} wait${alike === 1 ? 's' : ''} the same way`;
    // Each name once (stacks without a pid share their comm), and only names that say
    // which task it is.
    const names = [...new Set(alikeStarts.map(named))].filter((n) => n !== 'unknown task');
    parts.push({
      text: names.length ? `${count}: ${someOf(names)}.` : `${count}.`,
      shorter: names.length ? [`${count}.`] : undefined,
      prio: 3,
    });
  }
  parts.push(...counts);
  lockdepSentences(model).forEach((s, i) =>
    parts.push({ text: clip(s, 300), prio: i === 0 ? (h.kind === 'deadlock' ? 1 : 3) : 6 }),
  );
  const missing = findings.filter((f) => f.kind === 'missing_evidence');
  if (missing.length) {
    const more = missing.length > 1 ? `; ${plural(missing.length - 1, 'more open question')} in the findings` : '';
    // Most of these summaries already say "… not in the dump" / "Nobody in the dump …".
    const lead = /\bin the dump\b/i.test(missing[0].summary) ? '' : 'Not in the dump: ';
    // A reported task left unexplained is told after a known bug's mitigation.
    const prio = missing[0].summary.startsWith(REPORTED_UNEXPLAINED_LEAD) ? 4 : 3;
    parts.push({ text: `${lead}${clip(missing[0].summary.replace(/\.$/, ''), 240)}${more}.`, prio });
  }
  return fit(parts, VERDICT_BUDGET);
}
