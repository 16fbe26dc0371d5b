import { describe, expect, it } from 'vitest';
import type { Finding, GraphEdge } from '@hangscope/analyzer';
import { cycleNodeIds, isCycleEdge } from './highlight';

const f = (kind: Finding['kind'], nodes: string[]): Finding => ({ kind, severity: 'critical', summary: '', nodes });

describe('cycle highlighting', () => {
  it('takes nodes from deadlock_cycle and self_deadlock findings only', () => {
    const ids = cycleNodeIds([f('self_deadlock', ['task:4790', 'lock:a']), f('root_blocker', ['task:1'])]);
    expect([...ids]).toEqual(['task:4790', 'lock:a']);
  });

  it('marks an edge when both ends are in a cycle', () => {
    const ids = new Set(['task:4790', 'lock:a']);
    const e: GraphEdge = {
      from: 'task:4790',
      to: 'lock:a',
      kind: 'waits_lock',
      confidence: 'certain',
      why: '',
      evidence: [],
    };
    expect(isCycleEdge(e, ids)).toBe(true);
    expect(isCycleEdge({ ...e, from: 'task:31969' }, ids)).toBe(false);
  });
});
