import { describe, expect, it } from 'vitest';
import type { Finding } from '@hangscope/analyzer';
import { groupFindings } from './findingGroups';

const f = (kind: Finding['kind'], severity: Finding['severity'], summary: string = kind): Finding => ({
  kind,
  severity,
  summary,
  nodes: [],
});

describe('groupFindings', () => {
  it('folds findings of one kind into one group, in first-seen order, keeping the most severe', () => {
    const groups = groupFindings([
      f('deadlock_cycle', 'critical'),
      f('root_blocker', 'critical', 'r1'),
      f('root_blocker', 'warning', 'r2'),
      ...Array.from({ length: 71 }, (_, i) => f('lock_contention', 'warning', `c${i}`)),
      ...Array.from({ length: 71 }, (_, i) => f('missing_evidence', 'warning', `m${i}`)),
      f('missing_evidence', 'info'),
    ]);
    expect(groups.map((g) => [g.kind, g.items.length, g.severity])).toEqual([
      ['deadlock_cycle', 1, 'critical'],
      ['root_blocker', 2, 'critical'],
      ['lock_contention', 71, 'warning'],
      ['missing_evidence', 72, 'warning'],
    ]);
    expect(groups[1].items.map((x) => x.summary)).toEqual(['r1', 'r2']);
  });

  it('is empty for no findings', () => {
    expect(groupFindings([])).toEqual([]);
  });
});
