import { describe, expect, it } from 'vitest';
import type { Finding, GraphEdge, GraphNode } from '@hangscope/analyzer';
import { capComponents, collapseIdenticalWaiters, commOf } from './collapse';
import { edge } from './testing';

const task = (pid: number, comm = 'runc:[2:INIT]', waitFrame = 'mutex_lock', state = 'D'): GraphNode => ({
  id: `task:${pid}`,
  type: 'task',
  label: `${comm} (${pid})`,
  state,
  waitFrame,
});
const lock: GraphNode = { id: 'lock:ffff1', type: 'lock', label: 'mutex ffff1' };
const owner = task(900, 'foo-owner', 'wait_for_completion');

function pileup(n: number) {
  const waiters = Array.from({ length: n }, (_, i) => task(2000 + i));
  return {
    nodes: [owner, ...waiters, lock],
    edges: [...waiters.map((w) => edge(w.id, lock.id)), edge(lock.id, owner.id, 'held_by')],
  };
}

describe('collapseIdenticalWaiters', () => {
  it('folds 2,000 identical waiters into one node named after the first', () => {
    const g = collapseIdenticalWaiters(pileup(2000));
    expect(g.nodes.map((n) => n.id)).toEqual(['task:900', 'task:2000', 'lock:ffff1']);
    const folded = g.nodes[1];
    expect(folded.count).toBe(2000);
    expect(folded.label).toBe('2000 × runc:[2:INIT]');
    expect(folded.members).toHaveLength(2000);
    expect(folded.members?.[1999]).toBe('task:3999');
    expect(g.edges).toEqual([edge('task:2000', lock.id), edge(lock.id, owner.id, 'held_by')]);
    expect(g.memberOf.get('task:3999')).toBe('task:2000');
    expect(g.memberOf.has('task:900')).toBe(false);
  });

  it('keeps apart waiters that differ in target, edge kind, wait frame or state, and nodes others wait on', () => {
    const other: GraphNode = { id: 'lock:ffff2', type: 'lock', label: 'mutex ffff2' };
    const nodes = [
      task(1),
      task(2),
      task(3),
      task(4, 'x', 'rwsem_down_read_slowpath'),
      task(5, 'y', 'mutex_lock', 'R'),
      task(6),
      task(7),
      lock,
      other,
    ];
    const edges = [
      edge('task:1', lock.id),
      edge('task:2', lock.id),
      edge('task:3', other.id),
      edge('task:4', lock.id),
      edge('task:5', lock.id),
      edge('task:6', lock.id, 'waits_event'),
      edge('task:7', lock.id),
      edge(other.id, 'task:7', 'held_by'), // task:7 owns something: never folded
    ];
    const g = collapseIdenticalWaiters({ nodes, edges });
    expect(g.nodes.map((n) => n.id)).toEqual([
      'task:1',
      'task:3',
      'task:4',
      'task:5',
      'task:6',
      'task:7',
      'lock:ffff1',
      'lock:ffff2',
    ]);
    expect(g.nodes[0].members).toEqual(['task:1', 'task:2']);
    expect(g.nodes[0].label).toBe('2 × runc:[2:INIT]');
    expect(g.nodes.filter((n) => n.count)).toHaveLength(1);
  });

  it('labels a mixed group by count, adds up groups the analyzer already folded, and leaves a graph without twins untouched', () => {
    const a = { ...task(1, 'a'), count: 3, members: ['task:1', 'task:8', 'task:9'] };
    const g = collapseIdenticalWaiters({
      nodes: [a, task(2, 'b'), lock],
      edges: [edge('task:1', lock.id), edge('task:2', lock.id)],
    });
    expect(g.nodes[0]).toMatchObject({
      id: 'task:1',
      label: '4 tasks',
      count: 4,
      members: ['task:1', 'task:8', 'task:9', 'task:2'],
    });
    const plain = { nodes: [task(1), lock], edges: [edge('task:1', lock.id)] };
    const same = collapseIdenticalWaiters(plain);
    expect(same.nodes).toBe(plain.nodes);
    expect(same.edges).toBe(plain.edges);
  });

  it('folds tasks with the same incoming edges too (the runners of one work, all waiting on the disk), but not those a finding names', () => {
    const work: GraphNode = { id: 'work:wb_workfn', type: 'work', label: 'wb_workfn' };
    const disk: GraphNode = { id: 'external:storage', type: 'external', label: 'storage' };
    const runners = Array.from({ length: 5 }, (_, i) => task(100 + i, 'kworker/u8:1', 'io_schedule'));
    const edges = [
      ...runners.map((r) => edge(work.id, r.id, 'runs')),
      ...runners.map((r) => edge(r.id, disk.id, 'waits_event')),
    ];
    const g = collapseIdenticalWaiters({ nodes: [work, ...runners, disk], edges });
    expect(g.nodes.map((n) => n.id)).toEqual(['work:wb_workfn', 'task:100', 'external:storage']);
    expect(g.nodes[1]).toMatchObject({ count: 5, label: '5 × kworker/u8:1' });
    expect(g.edges).toEqual([edge(work.id, 'task:100', 'runs'), edge('task:100', disk.id, 'waits_event')]);

    // A root blocker's chain names task:102: it stays its own node; lock contention does not count.
    const findings: Finding[] = [
      { kind: 'root_blocker', severity: 'critical', summary: 's', nodes: [disk.id, 'task:102'] },
      { kind: 'lock_contention', severity: 'warning', summary: 's', nodes: ['task:103'] },
    ];
    const named = collapseIdenticalWaiters({ nodes: [work, ...runners, disk], edges }, 2, findings);
    expect(named.nodes.map((n) => n.id)).toEqual(['work:wb_workfn', 'task:100', 'task:102', 'external:storage']);
    expect(named.nodes[1].members).toEqual(['task:100', 'task:101', 'task:103', 'task:104']);
    expect(named.memberOf.has('task:102')).toBe(false);
  });

  it('reads the comm out of task labels', () => {
    expect(commOf('runc:[2:INIT] (31)')).toBe('runc:[2:INIT]');
    expect(commOf('kworker/u8:2 (@ffff88003570de20)')).toBe('kworker/u8:2');
  });
});

describe('capComponents', () => {
  // 50 components: an owner, a lock, a folded waiter each → 150 nodes.
  const many = () => {
    const nodes: GraphNode[] = [];
    const edges: GraphEdge[] = [];
    for (let k = 0; k < 50; k++) {
      nodes.push(task(k, 'w'), { id: `lock:${k}`, type: 'lock', label: `l${k}` }, task(1000 + k, 'o'));
      edges.push(edge(`task:${k}`, `lock:${k}`), edge(`lock:${k}`, `task:${1000 + k}`, 'held_by'));
    }
    nodes.push(task(5000, 'big'), task(5001, 'big2'), { id: 'lock:big', type: 'lock', label: 'big' }, task(5002, 'o'));
    edges.push(edge('task:5000', 'lock:big'), edge('task:5001', 'lock:big'), edge('lock:big', 'task:5002', 'held_by'));
    return { nodes, edges };
  };

  it('draws everything under the budget', () => {
    const c = capComponents(many(), [], 1000);
    expect(c).toMatchObject({ components: 51, shown: 51, hiddenNodes: 0 });
  });

  it('keeps whole components, findings first, then the biggest, and the selected one', () => {
    const findings: Finding[] = [{ kind: 'root_blocker', severity: 'critical', summary: 's', nodes: ['task:1007'] }];
    const c = capComponents(many(), findings, 8, ['lock:30']);
    const ids = new Set(c.nodes.map((n) => n.id));
    expect(ids.has('task:1007') && ids.has('lock:7') && ids.has('task:7')).toBe(true); // finding's component, whole
    expect(ids.has('lock:big')).toBe(true); // the biggest next
    expect(ids.has('lock:30')).toBe(true); // the selection's
    expect(c.shown).toBe(3);
    expect(c.hiddenNodes).toBe(154 - 10);
    expect(c.edges.every((e) => ids.has(e.from) && ids.has(e.to))).toBe(true);
  });

  it("draws the largest component even when a finding's small one comes first and it overflows the budget", () => {
    const g = many();
    const findings: Finding[] = [{ kind: 'deadlock_cycle', severity: 'critical', summary: 's', nodes: ['task:3'] }];
    const c = capComponents(g, findings, 5);
    const ids = new Set(c.nodes.map((n) => n.id));
    expect(ids.has('task:3') && ids.has('lock:big')).toBe(true);
    expect(c.shown).toBe(2);
  });

  it('puts out nodes component by component, the one a finding names first, then the biggest', () => {
    const findings: Finding[] = [{ kind: 'deadlock_cycle', severity: 'critical', summary: 's', nodes: ['lock:42'] }];
    for (const c of [capComponents(many(), findings, 1000), capComponents(many(), findings, 8)]) {
      expect(c.nodes.slice(0, 7).map((n) => n.id)).toEqual([
        'task:42',
        'lock:42',
        'task:1042',
        'task:5000',
        'task:5001',
        'lock:big',
        'task:5002',
      ]);
    }
  });

  it('stops at the component limit even under the node budget', () => {
    const c = capComponents(many(), [], 1000, [], 1, 5);
    expect(c).toMatchObject({ components: 51, shown: 5, hiddenNodes: 154 - 4 - 4 * 3 });
  });
});
