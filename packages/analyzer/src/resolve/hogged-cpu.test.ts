import { describe, expect, it } from 'vitest';
import { analyze } from '../analyze.js';

// crash `runq` and `ps -m` of one CPU (written for this test): an RT poller is the current
// task, a CFS task waits on the run queue, and `ps -m` says when each last got on a CPU.
const session = (ranAgo: string) => `crash> runq -c 5
CPU 5 RUNQUEUE: ffff88003fd96cc0
  CURRENT: PID: 400      TASK: ffff880012340000  COMMAND: "rt-poller"
  RT PRIO_ARRAY: ffff88003fd96e50
     [  9] PID: 400      TASK: ffff880012340000  COMMAND: "rt-poller"
  CFS RB_ROOT: ffff88003fd96d68
     [120] PID: 500      TASK: ffff880012350000  COMMAND: "worker"
crash> ps -m 400 500
[${ranAgo}] [RU]  PID: 400      TASK: ffff880012340000  CPU: 5    COMMAND: "rt-poller"
[ 0 00:01:10.400] [RU]  PID: 500      TASK: ffff880012350000  CPU: 5    COMMAND: "worker"
`;

describe('a CPU whose current task does not leave it', () => {
  it('is stuck past the soft-lockup threshold, and the tasks on its run queue wait for it', () => {
    const d = analyze(session(' 0 00:01:10.500'));
    expect(d.cpus.find((c) => c.cpu === 5)?.stuck).toBe(true);
    const edges = d.graph.edges.map((e) => `${e.from} -${e.kind}-> ${e.to}`);
    expect(edges).toEqual(expect.arrayContaining(['task:500 -waits_event-> cpu:5', 'cpu:5 -on_cpu-> task:400']));
    // The current task is in its own priority queue too: it waits for nobody.
    expect(edges).not.toContain('task:400 -waits_event-> cpu:5');
  });

  it('is not, when the current task got on the CPU a moment ago', () => {
    const d = analyze(session(' 0 00:00:00.010'));
    expect(d.cpus.find((c) => c.cpu === 5)?.stuck).toBe(false);
    expect(d.graph.edges.filter((e) => e.to === 'cpu:5')).toEqual([]);
  });
});
