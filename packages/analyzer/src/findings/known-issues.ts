// Match the known-issues table against the stacks in the dump.

import type { Finding, Kind, Span } from '../contract.js';
import { KNOWN_ISSUES, type KnownIssue, type StackSignature } from '../knowledge/known-issues.js';
import type { ModelTask } from '../model/build.js';

function frameMatches(p: string | RegExp, fn: string): boolean {
  return typeof p === 'string' ? p === fn : p.test(fn);
}

/** Do the signature's frames appear in this stack, in order? */
export function signatureMatches(sig: StackSignature, frames: { fn: string }[]): boolean {
  let k = 0;
  for (const f of frames) {
    if (k < sig.frames.length && frameMatches(sig.frames[k], f.fn)) k++;
    if (k === sig.frames.length) return true;
  }
  return false;
}

/** Frame names a signature certainly needs: used to find candidate stacks fast. */
function literals(sig: StackSignature): string[] {
  return sig.frames.filter((p): p is string => typeof p === 'string');
}

export function matchKnownIssues(tasks: ModelTask[], kind: Kind, issues: KnownIssue[] = KNOWN_ISSUES): Finding[] {
  // Index: frame name → tasks having it, so a 50,000-task dump is not scanned per issue.
  const byFn = new Map<string, ModelTask[]>();
  const withFrames = tasks.filter((t) => t.frames.length > 0);
  for (const t of withFrames) {
    const seen = new Set<string>();
    for (const f of t.frames) {
      if (seen.has(f.fn)) continue;
      seen.add(f.fn);
      let l = byFn.get(f.fn);
      if (!l) byFn.set(f.fn, (l = []));
      l.push(t);
    }
  }
  const out: Finding[] = [];
  for (const issue of issues) {
    if (issue.kinds && !issue.kinds.includes(kind)) continue;
    const used = new Set<ModelTask>();
    const hits: ModelTask[] = [];
    for (const sig of issue.signatures) {
      const lit = literals(sig);
      let pool = withFrames;
      if (lit.length) {
        const rarest = lit.map((fn) => byFn.get(fn) ?? []).sort((a, b) => a.length - b.length)[0];
        pool = rarest;
      }
      const hit = pool.find((t) => !used.has(t) && (!sig.onCpu || t.onCpu) && signatureMatches(sig, t.frames));
      if (!hit) break;
      used.add(hit);
      hits.push(hit);
    }
    if (hits.length !== issue.signatures.length) continue;
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
