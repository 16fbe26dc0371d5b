// What "similar incidents" compares: the normalized frames of an incident's culprit (the
// tasks of a cycle, the root blocker, the task on a stuck CPU) and of its victims (the
// other blocked tasks), read off the contract document alone so a store can compute them
// for any stored analysis. The same normalization as the fingerprint: no addresses,
// offsets or compiler suffixes, and no scheduler, lock or report plumbing.

import type { AnalysisDocument, Task } from '../contract.js';
import { isFingerprintNoise } from '../knowledge/fingerprint-frames.js';
import { isGenericFrame } from '../knowledge/waits.js';
import { normalizeFunction } from './fingerprint.js';

export interface FrameSignature {
  culprit: string[];
  victims: string[];
}

/** Frames kept per task, and per role: enough to tell call paths apart. */
const PER_TASK = 12;
const PER_ROLE = 64;
/** Victims read: a dump of 50,000 blocked tasks has a few hundred distinct stacks. */
const MAX_VICTIM_STACKS = 200;

function taskFrames(t: Task): string[] {
  const out: string[] = [];
  for (const f of t.frames ?? []) {
    if (f.context === 'nmi' || f.reliable === false) continue;
    const fn = normalizeFunction(f.fn);
    if (/^(?:0x)?[0-9a-f]{6,}$/.test(fn) || isGenericFrame(fn) || isFingerprintNoise(fn)) continue;
    if (!out.includes(fn)) out.push(fn);
    if (out.length === PER_TASK) break;
  }
  return out;
}

const CULPRIT_FINDINGS = new Set(['deadlock_cycle', 'self_deadlock', 'root_blocker', 'ipi_stall', 'stuck_cpu']);

/** The culprit's and the victims' normalized frames of an analysis document. */
export function frameSignature(doc: AnalysisDocument): FrameSignature {
  const taskById = new Map(doc.tasks.map((t) => [t.id, t]));
  const culpritIds = new Set<string>();
  const toTask = (id: string): string | null => {
    if (taskById.has(id)) return id;
    if (id.startsWith('cpu:')) return doc.cpus.find((c) => c.id === id)?.current ?? null;
    if (id.startsWith('lock:')) return doc.locks.find((l) => l.id === id)?.owner ?? null;
    return null;
  };
  const f = doc.findings.find((x) => CULPRIT_FINDINGS.has(x.kind));
  if (f) {
    // A cycle: all of it; a root blocker: its first node (the rest are its waiters).
    const ids = f.kind === 'deadlock_cycle' || f.kind === 'self_deadlock' ? f.nodes : f.nodes.slice(0, 1);
    for (const id of ids) {
      const t = toTask(id);
      if (t) culpritIds.add(t);
    }
  }
  if (!culpritIds.size) for (const c of doc.cpus) if (c.stuck && c.current) culpritIds.add(c.current);
  const culprit = new Set<string>();
  for (const id of culpritIds)
    for (const fn of taskFrames(taskById.get(id) ?? ({ frames: [] } as unknown as Task)))
      if (culprit.size < PER_ROLE) culprit.add(fn);
  const victims = new Set<string>();
  const seen = new Set<unknown>();
  for (const t of doc.tasks) {
    if (culpritIds.has(t.id) || !(t.state === 'D' || t.waitKind)) continue;
    if (seen.has(t.frames) || seen.size >= MAX_VICTIM_STACKS) continue;
    seen.add(t.frames);
    for (const fn of taskFrames(t)) if (victims.size < PER_ROLE && !culprit.has(fn)) victims.add(fn);
  }
  return { culprit: [...culprit].sort(), victims: [...victims].sort() };
}

export interface Similarity {
  score: number;
  /** In words: "same culprit frames, different victims". */
  reason: string;
}

function jaccard(a: readonly string[], b: readonly string[]): { j: number; shared: number } {
  if (!a.length && !b.length) return { j: 0, shared: 0 };
  const set = new Set(a);
  let shared = 0;
  for (const x of b) if (set.has(x)) shared++;
  return { j: shared / (a.length + b.length - shared), shared };
}

/**
 * How alike two incidents are: a weighted Jaccard overlap of their culprits' frames (0.7)
 * and their victims' frames (0.3) — the culprit says which bug, the victims where it
 * showed — with the reason in words. A role neither incident has frames for (no culprit
 * in either dump) leaves its weight to the other.
 */
export function similarity(a: FrameSignature, b: FrameSignature): Similarity {
  const c = jaccard(a.culprit, b.culprit);
  const v = jaccard(a.victims, b.victims);
  const hasC = a.culprit.length > 0 || b.culprit.length > 0;
  const hasV = a.victims.length > 0 || b.victims.length > 0;
  const wc = hasC ? (hasV ? 0.7 : 1) : 0;
  const score = Math.round((wc * c.j + (hasV ? 1 - wc : 0) * v.j) * 1000) / 1000;
  const part = (name: string, r: { j: number; shared: number }, x: readonly string[], y: readonly string[]) =>
    !x.length || !y.length
      ? `no ${name} frames to compare`
      : r.j === 1
        ? `same ${name} frames`
        : r.shared === 0
          ? `different ${name}`
          : `${name} frames overlap (${r.shared} of ${x.length + y.length - r.shared})`;
  return { score, reason: `${part('culprit', c, a.culprit, b.culprit)}, ${part('victim', v, a.victims, b.victims)}` };
}
