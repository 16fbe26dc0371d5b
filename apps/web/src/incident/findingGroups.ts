// Findings of one kind fold into one row: a big dump has one contention finding per lock
// and one "nobody holds it" per ownerless lock (146 findings on a 10 MB sysrq-t dump),
// which buried the answer under a page of near-identical cards.
import type { Finding } from '@hangscope/analyzer';

export interface FindingGroup {
  kind: Finding['kind'];
  /** The most severe of the group (findings come most important first). */
  severity: Finding['severity'];
  items: Finding[];
}

const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 } as const;

/** Groups by kind, in the order each kind first appears (the analyzer's importance order). */
export function groupFindings(findings: Finding[]): FindingGroup[] {
  const byKind = new Map<string, FindingGroup>();
  for (const f of findings) {
    let g = byKind.get(f.kind);
    if (!g) byKind.set(f.kind, (g = { kind: f.kind, severity: f.severity, items: [] }));
    g.items.push(f);
    if (SEVERITY_RANK[f.severity] < SEVERITY_RANK[g.severity]) g.severity = f.severity;
  }
  return [...byKind.values()];
}
