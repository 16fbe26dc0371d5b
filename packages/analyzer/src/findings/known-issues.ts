// Match the known-issues table against the stacks in the dump.

import type { Finding, Kind, Span } from '../contract.js';
import { KNOWN_ISSUES, type KnownIssue, type StackSignature } from '../knowledge/known-issues.js';
import type { ModelTask } from '../model/build.js';

/** Compiler clones and split-off parts: `.isra.N`, `.constprop.N`, `.part.N`, `.cold`, `.cold.N`, `.llvm.N`, `.lto_priv.N`, chained. */
const SUFFIX = /(?:\.(?:isra|constprop|part|llvm|lto_priv|localalias)(?:\.\d+)?|\.cold(?:\.\d+)?)$/;

/** A frame name without compiler suffixes: `__flush_work.isra.0` → `__flush_work`. */
export function plainFn(fn: string): string {
  if (!fn.includes('.')) return fn;
  let s = fn;
  for (let i = 0; i < 8 && SUFFIX.test(s); i++) {
    const next = s.replace(SUFFIX, '');
    if (!next) break;
    s = next;
  }
  return s;
}

function frameMatches(p: string | RegExp, fn: string): boolean {
  return nameMatches(p, fn, plainFn(fn));
}

/** frameMatches with the name's plainFn already known. */
function nameMatches(p: string | RegExp, fn: string, plain: string): boolean {
  return typeof p === 'string' ? p === plain : p.test(plain) || (plain !== fn && p.test(fn));
}

/** Do the signature's frames appear in this stack, in order? */
export function signatureMatches(sig: StackSignature, frames: readonly { fn: string }[]): boolean {
  // Indexed loops here and below: for…of over the interned (frozen) stacks made an
  // iterator result per frame, on every frame of every distinct stack.
  let k = 0;
  for (let i = 0; i < frames.length; i++) {
    if (k < sig.frames.length && frameMatches(sig.frames[k], frames[i].fn)) k++;
    if (k === sig.frames.length) return true;
  }
  return false;
}

function namesIn(stacks: readonly (readonly { fn: string }[])[]): Set<string> {
  const out = new Set<string>();
  for (const stack of stacks) for (let i = 0; i < stack.length; i++) out.add(stack[i].fn);
  return out;
}

/** Frame names a signature certainly needs: used to find candidate stacks fast. */
function literals(sig: StackSignature): string[] {
  return sig.frames.filter((p): p is string => typeof p === 'string').map(plainFn);
}

/**
 * Give each signature a different stack (a bipartite matching; Kuhn's augmenting paths).
 * `cands[i]` are the stacks that satisfy signature i, in preference order. Returns the
 * chosen stack per signature, or null when no assignment covers every signature.
 */
export function assignStacks<T>(cands: T[][]): T[] | null {
  const n = cands.length;
  const owner = new Map<T, number>(); // stack → signature using it
  const pick: (T | undefined)[] = new Array(n);
  const augment = (i: number, seen: Set<T>): boolean => {
    for (const t of cands[i]) {
      if (seen.has(t)) continue;
      seen.add(t);
      const j = owner.get(t);
      if (j === undefined || augment(j, seen)) {
        owner.set(t, i);
        pick[i] = t;
        return true;
      }
    }
    return false;
  };
  for (let i = 0; i < n; i++) if (!augment(i, new Set())) return null;
  return pick as T[];
}

/**
 * @param names every function name the tasks' frames hold (the run's frame table knows
 *   them): each is looked at once here, and then the frames of every distinct stack only
 *   against the few names that matter. Without it they are gathered from the stacks.
 */
export function matchKnownIssues(
  tasks: ModelTask[],
  kind: Kind,
  issues: KnownIssue[] = KNOWN_ISSUES,
  names?: Iterable<string>,
  kernel: string | null = null,
): Finding[] {
  // Signatures are matched per distinct stack (tasks with the same stack share one frames
  // array), then the tasks of each matching stack are the candidates. Index: plain frame
  // name → stacks having it, so a 50,000-task dump is not scanned per issue.
  const tasksOf = new Map<ModelTask['frames'], number[]>();
  for (let i = 0; i < tasks.length; i++) {
    const f = tasks[i].frames;
    if (f.length === 0) continue;
    const l = tasksOf.get(f);
    if (l) l.push(i);
    else tasksOf.set(f, [i]);
  }
  const allStacks = [...tasksOf.keys()];
  // Only the names some signature needs are indexed: a dump of 100,000 distinct stacks
  // would otherwise index every name of every stack for a few dozen lookups. A signature
  // without a literal name is looked for only in the stacks with a frame matching its
  // first pattern (which every stack it matches has).
  const byFn = new Map<string, ModelTask['frames'][]>();
  for (const issue of issues) for (const sig of issue.signatures) for (const fn of literals(sig)) byFn.set(fn, []);
  const byFirst = new Map<StackSignature, ModelTask['frames'][]>();
  for (const issue of issues)
    for (const sig of issue.signatures) if (sig.frames.length && !literals(sig).length) byFirst.set(sig, []);
  // What each name of the run is to the signatures, asked once per name: a dump of
  // distinct stacks has 30,000 names in 140,000 frames. (The first patterns as a list:
  // iterating the Map made an entry per signature for every name.)
  const firstPatterns = [...byFirst].map(([sig, list]) => ({ first: sig.frames[0], list }));
  const relevant = new Map<string, { pool: ModelTask['frames'][] | undefined; firsts: ModelTask['frames'][][] }>();
  for (const fn of names ?? namesIn(allStacks)) {
    const plain = plainFn(fn);
    const pool = byFn.get(plain);
    let firsts: ModelTask['frames'][][] | null = null;
    for (let k = 0; k < firstPatterns.length; k++)
      if (nameMatches(firstPatterns[k].first, fn, plain)) (firsts ??= []).push(firstPatterns[k].list);
    if (pool || firsts) relevant.set(fn, { pool, firsts: firsts ?? [] });
  }
  for (const stack of allStacks) {
    for (let i = 0; i < stack.length; i++) {
      const r = relevant.get(stack[i].fn);
      if (r === undefined) continue;
      // Each stack once per list (stacks are visited in turn: a repeat is the last one).
      if (r.pool && r.pool[r.pool.length - 1] !== stack) r.pool.push(stack);
      for (const l of r.firsts) if (l[l.length - 1] !== stack) l.push(stack);
    }
  }
  const out: Finding[] = [];
  for (const issue of issues) {
    if (issue.kinds && !issue.kinds.includes(kind)) continue;
    if (issue.fixedBy && releaseAtLeast(kernel, issue.fixedBy)) continue;
    const n = issue.signatures.length;
    // Candidates per signature, in the order the tasks appear. n of them are always
    // enough: whatever the other n-1 signatures take, one of n candidates is left (Hall),
    // so the search stays exact while each pool is scanned at most once.
    const cands: ModelTask[][] = [];
    for (const sig of issue.signatures) {
      const lit = literals(sig);
      const pool = lit.length
        ? lit.map((fn) => byFn.get(fn)!).sort((a, b) => a.length - b.length)[0]
        : (byFirst.get(sig) ?? allStacks);
      const picked: number[] = [];
      for (const stack of pool) {
        if (!signatureMatches(sig, stack)) continue;
        let taken = 0;
        for (const i of tasksOf.get(stack)!) {
          if (sig.onCpu && !tasks[i].onCpu) continue;
          picked.push(i);
          if (++taken >= n) break;
        }
      }
      if (!picked.length) break;
      cands.push(
        picked
          .sort((a, b) => a - b)
          .slice(0, n)
          .map((i) => tasks[i]),
      );
    }
    if (cands.length !== n) continue;
    const hits = assignStacks(cands);
    if (!hits) continue;
    const evidence: Span[] = hits.flatMap((t) => (t.framesSpan ? [t.framesSpan] : t.evidence.slice(0, 1)));
    out.push({
      kind: 'known_issue',
      severity: 'critical',
      summary: `Matches a known bug: ${issue.title} (fixed by ${issue.fixes.join(', ')})`,
      nodes: hits.map((t) => t.id),
      evidence,
      confidence: 'likely',
      knownIssue: {
        id: issue.id,
        title: issue.title,
        fixes: issue.fixes,
        mitigation: issue.mitigation,
        explanation: issue.explanation,
        affected: issue.affected ?? null,
        fixedIn: issue.fixedIn ?? [],
        links: issue.links ?? [],
      },
    });
  }
  return out;
}

/** Does the dump state a release at or after major.minor? */
function releaseAtLeast(kernel: string | null, [major, minor]: readonly [number, number]): boolean {
  const m = kernel ? /^(\d{1,2})\.(\d{1,3})/.exec(kernel) : null;
  return m !== null && (Number(m[1]) > major || (Number(m[1]) === major && Number(m[2]) >= minor));
}
