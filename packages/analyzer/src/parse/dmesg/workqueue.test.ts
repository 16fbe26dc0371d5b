import { describe, expect, it } from 'vitest';
import { analyze } from '../../analyze.js';

const edges = (doc: ReturnType<typeof analyze>) =>
  doc.graph.edges.map((e) => `${e.from} -${e.kind}/${e.confidence}-> ${e.to}`);

describe('busy-workqueue dumps in fragments', () => {
  it('reads in-flight workers, several per pwq, as tasks running their work, with no BUG line, timestamps or indentation', () => {
    const doc = analyze(
      [
        'pwq 10: cpus=5 node=0 flags=0x0 nice=0 active=4/256',
        'in-flight: 5217:__i915_gem_free_work, 5301:vmstat_update BAR(77), 12(RESCUER):wb_workfn',
        'pending: __i915_gem_free_work, drain_local_pages_wq BAR(2), 3*wait_rcu_exp_gp',
      ].join('\n'),
    );
    expect(doc.kind).toBe('blocked_tasks');
    expect(doc.tasks.map((t) => [t.pid, t.cpu])).toEqual(
      expect.arrayContaining([
        [5217, 5],
        [5301, 5],
        [12, 5],
        [77, null],
        [2, null],
      ]),
    );
    expect(edges(doc)).toEqual(
      expect.arrayContaining([
        'work:__i915_gem_free_work -runs/certain-> task:5217',
        'work:vmstat_update -runs/certain-> task:5301',
        'work:wb_workfn -runs/certain-> task:12',
        // BAR(N) is queued right behind the work task N flushes.
        'task:77 -flushes/certain-> work:vmstat_update',
        'task:2 -flushes/certain-> work:drain_local_pages_wq',
      ]),
    );
    expect(doc.cpus.find((c) => c.cpu === 5)?.stuck ?? false).toBe(false);
  });

  it("marks a pool hung past the watchdog's threshold stuck: its CPU, and a workqueue lockup", () => {
    const doc = analyze(
      [
        'workqueue events: flags=0x0',
        '  pwq 12: cpus=6 node=0 flags=0x0 nice=0 active=2/256 refcnt=3',
        '    in-flight: 229:balloon_process',
        '    pending: cache_reap',
        'pool 12: cpus=6 node=0 flags=0x0 nice=0 hung=64s workers=3 idle: 2222 43',
        'pool 16: cpus=0-3 flags=0x4 nice=0 hung=0s workers=4 idle: 8 211 7',
      ].join('\n'),
    );
    expect(doc.kind).toBe('workqueue_lockup');
    expect(doc.cpus.filter((c) => c.stuck).map((c) => c.cpu)).toEqual([6]);
    expect(edges(doc)).toEqual(
      expect.arrayContaining([
        'work:balloon_process -runs/certain-> task:229',
        'work:cache_reap -waits_event/likely-> work:balloon_process',
      ]),
    );
  });

  it("a BUG: workqueue lockup line marks its pool's CPU stuck", () => {
    const doc = analyze('BUG: workqueue lockup - pool cpus=70 node=0 flags=0x0 nice=0 stuck for 3720s!\n');
    expect(doc.kind).toBe('workqueue_lockup');
    expect(doc.cpus.find((c) => c.cpu === 70)?.stuck).toBe(true);
  });

  it('names the work a flush_work waiter flushes from its BAR(pid)', () => {
    const doc = analyze(
      [
        'crash> bt 8',
        'PID: 8      TASK: ffff9a1072b50000  CPU: 24  COMMAND: "kworker/u192:0"',
        ' #0 [ffffbfe2c00fbb70] __schedule at ffffffffa7f02bf7',
        ' #1 [ffffbfe2c00fbc10] schedule at ffffffffa7f031e8',
        ' #2 [ffffbfe2c00fbc18] schedule_timeout at ffffffffa7f0700e',
        ' #3 [ffffbfe2c00fbc90] wait_for_completion at ffffffffa7f03b50',
        ' #4 [ffffbfe2c00fbce0] __flush_work at ffffffffa76a2532',
        ' #5 [ffffbfe2c00fbd58] rollback_registered_many at ffffffffa7dbcdf4',
        ' #6 [ffffbfe2c00fbe98] process_one_work at ffffffffa76a17c4',
        '',
        'workqueue events_highpri: flags=0x10',
        '  pwq 141: cpus=70 node=0 flags=0x0 nice=-20 active=1/256',
        '    pending: flush_backlog BAR(8)',
      ].join('\n'),
    );
    const flush = doc.graph.edges.filter((e) => e.from === 'task:8' && e.kind === 'flushes');
    expect(flush.map((e) => [e.to, e.confidence])).toEqual([['work:flush_backlog', 'certain']]);
  });

  it('reads an in-flight list a mail client wrapped onto the next line, and a workqueue header joined onto a list', () => {
    const doc = analyze(
      [
        'workqueue netns: flags=0x6000a',
        '  pwq 64: cpus=0-15 flags=0x4 nice=0 active=1 refcnt=18',
        '    in-flight: 107676:cleanup_net workqueue pm: flags=0x4',
        '  pwq 2: cpus=0 node=0 flags=0x0 nice=0 active=5 refcnt=6',
        '    in-flight: ',
        '107843:pm_runtime_work ,100179:pm_runtime_work ,50846:pm_runtime_work',
      ].join('\n'),
    );
    expect(doc.graph.edges.filter((e) => e.kind === 'runs').map((e) => `${e.from} -> ${e.to}`)).toEqual([
      'work:cleanup_net -> task:107676',
      'work:pm_runtime_work -> task:107843',
      'work:pm_runtime_work -> task:100179',
      'work:pm_runtime_work -> task:50846',
    ]);
    expect(doc.tasks.find((t) => t.pid === 100179)?.evidence).toEqual([{ line: 5, endLine: 6 }]);
    // `workqueue` of the joined header is no work.
    expect(doc.graph.nodes.some((n) => n.id === 'work:workqueue')).toBe(false);
  });
});
