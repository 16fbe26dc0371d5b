// The work-item stage on its own: text → model → waits, then resolveWorks: which worker
// runs which work, who flushes it, and how sure each link is.
import { describe, expect, it } from 'vitest';
import { buildModel } from '../model/build.js';
import { parseText } from '../parse/run.js';
import { taskDump } from '../testing/task-dump.js';
import { findWaits } from '../waits/find.js';
import { resolveWorks, runningWork } from './works.js';

const task = (comm: string, pid: number, frames: string[], wq?: string) => taskDump(comm, pid, 'D', frames, wq);

const WORKER = (work: string) => [
  '__schedule+0x3f6/0xa40',
  'schedule+0x5b/0xd0',
  'io_schedule+0x16/0x40',
  'acme_wait_hw+0x11c/0x3a0 [acme]',
  `${work}+0x30/0x90 [acme]`,
  'process_one_work+0x1f4/0x3c0',
  'worker_thread+0x53/0x3e0',
  'kthread+0x127/0x150',
  'ret_from_fork+0x1f/0x30',
];
const FLUSHER = [
  '__schedule+0x3f6/0xa40',
  'schedule+0x5b/0xd0',
  'schedule_timeout+0x8f/0x150',
  'wait_for_completion+0x8b/0x140',
  '__flush_work.isra.0+0x14f/0x270',
  'flush_work+0x10/0x20',
  'acme_remove+0x42/0x90 [acme]',
  'do_syscall_64+0x3b/0x90',
];

function resolve(text: string) {
  const { records } = parseText(text);
  const model = buildModel(records, text);
  const out = resolveWorks(model, findWaits(model, 'x86_64'));
  return { ...out, model, edges: out.links };
}

describe('resolveWorks', () => {
  it('reads the work a kworker runs off the frame process_one_work called', () => {
    const { model } = resolve(task('kworker/0:1', 4790, WORKER('acme_reset_work')));
    expect(runningWork(model.tasks[0])).toMatchObject({ fn: 'acme_reset_work' });
  });

  it("takes the one other blocked kworker's work as what a flush waits for: likely, not certain", () => {
    const { edges, works } = resolve(
      task('kworker/0:1', 4790, WORKER('acme_reset_work')) + task('acme-ctl', 100, FLUSHER),
    );
    const flush = edges.find((e) => e.kind === 'flushes')!;
    expect(flush).toMatchObject({ from: 'task:100', to: 'work:acme_reset_work', confidence: 'likely' });
    expect(flush.why).toContain('not named by the dump');
    // The worker's `Workqueue:` line is absent: that it runs the work is read off its stack.
    expect(edges.find((e) => e.kind === 'runs')).toMatchObject({ from: 'work:acme_reset_work', to: 'task:4790' });
    expect(works.find((w) => w.id === 'work:acme_reset_work')?.runners).toEqual(['task:4790']);
  });

  it('names the runner as stated when the kworker prints its Workqueue: line', () => {
    const { edges } = resolve(
      task('kworker/0:1', 4790, WORKER('acme_reset_work'), 'events acme_reset_work [acme]') +
        task('acme-ctl', 100, FLUSHER),
    );
    expect(edges.find((e) => e.kind === 'runs')?.why).toContain('is executing acme_reset_work from events');
  });

  it('leaves the flushed work unnamed when two blocked kworkers could be it', () => {
    const text =
      task('kworker/0:1', 4790, WORKER('acme_reset_work')) +
      task('kworker/1:1', 4791, WORKER('acme_poll_work')) +
      task('acme-ctl', 100, FLUSHER);
    const { edges } = resolve(text);
    const flush = edges.find((e) => e.kind === 'flushes')!;
    expect(flush.to).toBe('work:?@acme_remove');
    expect(flush.confidence).toBe('likely');
    // Both are candidates of the unnamed work, each a guess.
    expect(
      edges.filter((e) => e.kind === 'runs' && e.from === 'work:?@acme_remove').map((e) => [e.to, e.confidence]),
    ).toEqual([
      ['task:4790', 'guess'],
      ['task:4791', 'guess'],
    ]);
  });

  it('lists a flush with no candidate worker as unresolved', () => {
    const { unresolvedFlushes } = resolve(task('acme-ctl', 100, FLUSHER));
    expect(unresolvedFlushes.map((u) => u.target.id)).toEqual(['work:?@acme_remove']);
  });

  describe('a flush of work queued on every CPU (drain_all_pages)', () => {
    const DRAINER = [
      '__schedule+0x3f6/0xa40',
      'schedule+0x5b/0xd0',
      'schedule_timeout+0x8f/0x150',
      'wait_for_completion+0x8b/0x140',
      '__flush_work+0x14d/0x1f0',
      '__drain_all_pages+0x13c/0x1f0',
      '__alloc_pages_slowpath.constprop.0+0x3dd/0xd70',
      '__alloc_pages+0x2f5/0x310',
    ];
    const LOCKUP = 'watchdog: BUG: soft lockup - CPU#7 stuck for 26s! [spinner:300]\n';

    it('waits for a CPU reported stuck: its per-CPU item cannot run there', () => {
      const { links, unresolvedFlushes } = resolve(LOCKUP + task('migrator', 100, DRAINER));
      expect(links.map((l) => `${l.from} -${l.kind}-> ${l.to} ${l.confidence}`)).toEqual([
        'task:100 -flushes-> work:drain_local_pages_wq certain',
        'work:drain_local_pages_wq -waits_event-> cpu:7 likely',
      ]);
      expect(unresolvedFlushes).toEqual([]);
    });

    it('stays unresolved with no stuck CPU, and a flush of one work item does not wait for one', () => {
      expect(resolve(task('migrator', 100, DRAINER)).unresolvedFlushes.map((u) => u.target.id)).toEqual([
        'work:drain_local_pages_wq',
      ]);
      const one = resolve(LOCKUP + task('acme-ctl', 100, FLUSHER));
      expect(one.links.filter((l) => l.to.startsWith('cpu:'))).toEqual([]);
      expect(one.unresolvedFlushes.map((u) => u.target.id)).toEqual(['work:?@acme_remove']);
    });
  });

  describe('a busy-workqueue dump', () => {
    // show_one_workqueue (kernel/workqueue.c, 5.10): a pool stuck for 72 s.
    const DUMP = (worker: number) =>
      [
        'BUG: workqueue lockup - pool cpus=2 node=0 flags=0x0 nice=0 stuck for 72s!',
        'Showing busy workqueues and worker pools:',
        'workqueue events: flags=0x0',
        '  pwq 4: cpus=2 node=0 flags=0x0 nice=0 active=2/256 refcnt=3',
        `    in-flight: ${worker}:acme_reset_work`,
        '    pending: acme_poll_work BAR(100)',
        'pool 4: cpus=2 node=0 flags=0x0 nice=0 hung=72s workers=2 idle: 77',
      ].join('\n') + '\n';
    const brief = (links: ReturnType<typeof resolve>['links']) =>
      links.map((l) => [
        l.nodes.map((n) => ('task' in n ? n.task.id : n.id)),
        `${l.from} -${l.kind}-> ${l.to}`,
        l.confidence,
      ]);

    it('states the flush barrier, the in-flight runner and the work queued behind it, in that order', () => {
      const { links } = resolve(
        DUMP(4790) + task('kworker/2:1', 4790, WORKER('acme_reset_work')) + task('acme-ctl', 100, FLUSHER),
      );
      expect(brief(links)).toEqual([
        [['work:acme_poll_work'], 'task:100 -flushes-> work:acme_poll_work', 'certain'],
        [['work:acme_poll_work', 'task:100'], 'task:100 -flushes-> work:acme_poll_work', 'certain'],
        [['work:acme_reset_work', 'task:4790'], 'work:acme_reset_work -runs-> task:4790', 'certain'],
        [['work:acme_poll_work'], 'work:acme_poll_work -waits_event-> work:acme_reset_work', 'likely'],
      ]);
    });

    it('the backtraces of a stalled CPU-bound pool alone: its running worker holds its CPU, running its work', () => {
      // show_cpu_pools_hogs (kernel/workqueue.c, 6.12), pasted without the BUG line.
      const text =
        [
          'Showing backtraces of running workers in stalled CPU-bound worker pools:',
          'pool 358:',
          'task:kworker/89:0    state:R  running task     stack:0     pid:3136989 tgid:3136989 ppid:2      flags:0x00004000',
          'Workqueue: inode_switch_wbs inode_switch_wbs_work_fn',
          'Call Trace:',
          ' <TASK>',
          ' __schedule+0x4fb/0xbf0',
          ' __cond_resched+0x33/0x60',
          ' inode_switch_wbs_work_fn+0x481/0x710',
          ' process_one_work+0x17b/0x330',
          ' worker_thread+0x2ce/0x3f0',
        ].join('\n') + '\n';
      const { links, model } = resolve(text);
      expect(model.records.reports.map((r) => r.kind)).toEqual(['workqueue_lockup']);
      expect(model.records.poolHogs).toMatchObject([{ pool: 358, pid: 3136989, comm: 'kworker/89:0' }]);
      expect(model.cpus.get(89)).toMatchObject({ stuck: true, current: 'task:3136989' });
      expect(brief(links)).toEqual([
        [
          ['work:inode_switch_wbs_work_fn', 'task:3136989'],
          'work:inode_switch_wbs_work_fn -runs-> task:3136989',
          'certain',
        ],
      ]);
    });

    it('a running worker of an unbound pool is on no CPU, and a `pool N:` alone is no dump', () => {
      const text =
        [
          'Showing backtraces of running workers in stalled CPU-bound worker pools:',
          'pool 12:',
          'task:kworker/u8:1    state:R  running task     stack:0     pid:77 tgid:77 ppid:2      flags:0x00004000',
          'Workqueue: events_unbound acme_work',
          'pool 3:',
          'nothing to see',
        ].join('\n') + '\n';
      const { model } = resolve(text);
      expect(model.records.poolHogs.map((h) => h.pid)).toEqual([77]);
      expect([...model.cpus.keys()]).toEqual([]);
    });

    it("ties a stack that kept only its `Workqueue:` line to the dump's one in-flight worker of that work", () => {
      // i915 unload waiting in flush_workqueue while mei's rescan work hogs events (5.3):
      // the sender cut the worker's task line, and the flusher's stack names no workqueue.
      const text = [
        'INFO: task i915_module_loa:2612 blocked for more than 61 seconds.',
        'i915_module_loa D13256  2612    960 0x00004004',
        'Call Trace:',
        ' schedule+0x2b/0xb0',
        ' schedule_timeout+0x219/0x3c0',
        ' wait_for_common+0x13a/0x1f0',
        ' flush_workqueue+0x19d/0x540',
        ' intel_modeset_driver_remove+0xb3/0x140 [i915]',
        '',
        'Showing busy workqueues and worker pools:',
        'workqueue events: flags=0x0',
        '  pwq 2: cpus=1 node=0 flags=0x0 nice=0 active=2/256',
        '    in-flight: 441:mei_cl_bus_rescan_work [mei]',
        '    pending: dbs_work_handler',
        '',
        'Workqueue: events mei_cl_bus_rescan_work [mei]',
        'Call Trace:',
        ' schedule+0x2b/0xb0',
        ' mei_cl_write+0x430/0x5a0 [mei]',
        ' mei_cl_bus_rescan_work+0x1bc/0x350 [mei]',
        ' process_one_work+0x245/0x5f0',
        ' worker_thread+0x37/0x380',
      ].join('\n');
      const { model, edges } = resolve(text);
      expect(model.taskById.get('task:441')?.frames.map((f) => f.fn)).toContain('mei_cl_write');
      expect(model.tasks.some((t) => t.pid === null)).toBe(false);
      const flush = edges.find((e) => e.kind === 'flushes')!;
      expect(flush).toMatchObject({ from: 'task:2612', to: 'wq:events', confidence: 'guess' });
      expect(flush.why).toContain('the busy-workqueue dump shows work in flight on events only');
      expect(edges.find((e) => e.kind === 'runs' && e.from === 'wq:events')?.to).toBe('task:441');
    });

    it('names no workqueue for a flush when the dump shows work in flight on two', () => {
      const text = [
        'acme-ctl        D    0   100      1 0x00000000',
        'Call Trace:',
        ' schedule+0x2b/0xb0',
        ' wait_for_common+0x13a/0x1f0',
        ' flush_workqueue+0x19d/0x540',
        ' acme_remove+0x42/0x90 [acme]',
        'Showing busy workqueues and worker pools:',
        'workqueue events: flags=0x0',
        '  pwq 2: cpus=1 node=0 flags=0x0 nice=0 active=1/256',
        '    in-flight: 441:acme_reset_work',
        'workqueue kblockd: flags=0x18',
        '  pwq 3: cpus=1 node=0 flags=0x0 nice=-20 active=1/256',
        '    in-flight: 442:blk_mq_run_work_fn',
      ].join('\n');
      expect(resolve(text).edges.find((e) => e.kind === 'flushes')?.to).toBe('wq:?@acme_remove');
    });

    it('a pending work waits behind an in-flight one only in a pool that made no progress', () => {
      const busy = DUMP(4790).split('\n').slice(1).join('\n').replace(' hung=72s', '');
      const { links } = resolve(busy);
      expect(links.map((l) => l.kind)).toEqual(['flushes', 'runs']);
    });
  });
});
