// The findings stage on its own: text → model → waits → resolve → graph, then buildFindings, and
// what it concludes from the graph (cycles, root blockers, what is missing).
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../graph/build.js';
import { findWaits } from '../waits/find.js';
import { buildModel } from '../model/build.js';
import { parseText } from '../parse/run.js';
import { resolve } from '../resolve/resolve.js';
import { taskDump } from '../testing/task-dump.js';
import { buildFindings } from './build.js';

function findingsOf(text: string, kind: Parameters<typeof buildFindings>[0]['kind'] = 'blocked_tasks') {
  const { records } = parseText(text);
  const model = buildModel(records, text);
  const waits = findWaits(model, 'x86_64');
  const graph = buildGraph(model, waits, resolve(model, waits));
  return buildFindings({
    model,
    kind,
    waits,
    nodes: graph.nodes,
    edges: graph.edges,
    locks: graph.locks,
    unresolvedFlushes: graph.unresolvedFlushes,
    ipis: graph.ipis,
    starved: graph.starved,
  });
}

const task = (comm: string, pid: number, frames: string[]) => taskDump(comm, pid, 'D', frames);
const MUTEX_WAIT = (site: string) => [
  '__schedule+0x3f6/0xa40',
  'schedule+0x5b/0xd0',
  'schedule_preempt_disabled+0x15/0x30',
  '__mutex_lock.constprop.0+0x3f5/0x7a0',
  'mutex_lock+0x38/0x50',
  `${site}+0x8e/0x170 [acme]`,
  'do_syscall_64+0x3b/0x90',
];
const IO_WAIT = [
  '__schedule+0x3f6/0xa40',
  'schedule+0x5b/0xd0',
  'io_schedule+0x16/0x40',
  'acme_wait_hw+0x11c/0x3a0 [acme]',
  'acme_cfg_update+0x30/0x90 [acme]',
  'do_syscall_64+0x3b/0x90',
];
// lockdep's list (debug_show_all_locks) names holders and the lock each waiter wants.
const held = (addr: string, rows: [string, number, string, string][]) =>
  'Showing all locks held in the system:\n' +
  rows
    .map(([comm, pid, lock, at]) => `1 lock held by ${comm}/${pid}:\n #0: ${addr} (${lock}){+.+.}-{3:3}, at: ${at}\n`)
    .join('');

describe('buildFindings', () => {
  it('names the holder of a contended lock as the root blocker, with its waiters counted', () => {
    const text =
      task('acme-ctl', 100, IO_WAIT) +
      task('collectd', 101, MUTEX_WAIT('acme_stats_read')) +
      task('collectd', 102, MUTEX_WAIT('acme_stats_read')) +
      held('ffff8881050001c8', [
        ['acme-ctl', 100, '&adev->cfg_lock', 'acme_cfg_update+0x31/0x170 [acme]'],
        ['collectd', 101, '&adev->cfg_lock', 'acme_stats_read+0x8e/0x170 [acme]'],
        ['collectd', 102, '&adev->cfg_lock', 'acme_stats_read+0x8e/0x170 [acme]'],
      ]);
    const { findings, roots, cycles } = findingsOf(text);
    expect(cycles).toEqual([]);
    // The holder waits on I/O itself: the chain ends at the storage, through task 100.
    expect(roots).toHaveLength(1);
    expect(roots[0].waiters).toBeGreaterThanOrEqual(2);
    const root = findings.find((f) => f.kind === 'root_blocker')!;
    expect(root.nodes).toContain('task:100');
    // The two waiters and the holder itself.
    expect(root.summary).toMatch(/3 waiters lead here/);
    expect(findings.some((f) => f.kind === 'missing_evidence')).toBe(false);
    // Every finding carries the lines it rests on.
    for (const f of findings) expect(f.evidence?.length ?? 0, f.kind).toBeGreaterThan(0);
  });

  it('reports two tasks each holding the lock the other waits for as a deadlock cycle', () => {
    const text =
      task('acme-ctl', 200, MUTEX_WAIT('acme_cfg_update')) +
      task('acme-mon', 201, MUTEX_WAIT('acme_stats_read')) +
      'Showing all locks held in the system:\n' +
      '2 locks held by acme-ctl/200:\n #0: ffff888105000a00 (&adev->cfg_lock){+.+.}-{3:3}, at: acme_cfg_update+0x31/0x170 [acme]\n #1: ffff888105000b00 (&adev->io_lock){+.+.}-{3:3}, at: acme_cfg_update+0x8e/0x170 [acme]\n' +
      '2 locks held by acme-mon/201:\n #0: ffff888105000b00 (&adev->io_lock){+.+.}-{3:3}, at: acme_stats_read+0x31/0x170 [acme]\n #1: ffff888105000a00 (&adev->cfg_lock){+.+.}-{3:3}, at: acme_stats_read+0x8e/0x170 [acme]\n';
    const { findings, cycles } = findingsOf(text);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toEqual(expect.arrayContaining(['task:200', 'task:201']));
    const cycle = findings.find((f) => f.kind === 'deadlock_cycle')!;
    expect(cycle.severity).toBe('critical');
    // Findings are ordered: the cycle first.
    expect(findings[0].kind).toBe('deadlock_cycle');
  });

  it('names the function that waits when nothing in the dump links the wait (a completion, say)', () => {
    const { findings } = findingsOf(
      task('modprobe', 10075, [
        '__schedule+0x4dd/0x610',
        'schedule+0x6c/0x90',
        'schedule_timeout+0x3b/0x320',
        'wait_for_common+0x160/0x1a0',
        'crypto_wait_req+0x2e/0x60',
        'test_aead_speed.constprop.17+0x681/0xf30 [tcrypt]',
      ]),
      'hung_task',
    );
    const missing = findings.find((f) => f.kind === 'missing_evidence')!;
    expect(missing.summary).toContain('(wait_for_common, called from crypto_wait_req)');
  });

  it("says what to capture when a waiter's lock has no holder in the text", () => {
    const { findings } = findingsOf(task('collectd', 300, MUTEX_WAIT('acme_stats_read')));
    const missing = findings.find((f) => f.kind === 'missing_evidence');
    expect(missing).toBeDefined();
    expect(missing!.nextSteps?.length ?? 0).toBeGreaterThan(0);
  });
});

describe('a hung task whose stack the text does not hold', () => {
  it('names the reported task and the seconds, with the headline as evidence', () => {
    const { findings } = findingsOf(
      [
        'INFO: task rmmod:12470 blocked for more than 122 seconds.',
        '      Not tainted 5.10.21 #1',
        '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
      ].join('\n'),
      'hung_task',
    );
    const missing = findings.find((f) => f.kind === 'missing_evidence')!;
    expect(missing.summary).toBe(
      'rmmod (12470) is reported blocked for more than 122 seconds, but the text holds none of its kernel stack: capture it to see what it waits for',
    );
    expect(missing.evidence?.[0].line).toBe(1);
  });
});

describe('a root blocker caught printing', () => {
  it('names the printk caller and its caller after where the CPU is', () => {
    const text = [
      'watchdog: BUG: soft lockup - CPU#2 stuck for 23s! [scanner:4242]',
      'CPU: 2 PID: 4242 Comm: scanner Not tainted 6.1.0 #1',
      'RIP: 0010:console_unlock+0x343/0x540',
      'Call Trace:',
      ' vprintk_emit+0x193/0x280',
      ' printk+0x52/0x6e',
      ' report_one+0x114/0x130',
      ' scan_all+0x76/0x100',
      ' do_syscall_64+0x3b/0x90',
    ].join('\n');
    const root = findingsOf(text, 'soft_lockup').findings.find((f) => f.kind === 'root_blocker');
    expect(root?.summary).toContain('at console_unlock (printing for report_one, called by scan_all)');
  });
  it('leaves a stack that does not print as it was', () => {
    const text = [
      'watchdog: BUG: soft lockup - CPU#2 stuck for 23s! [scanner:4242]',
      'CPU: 2 PID: 4242 Comm: scanner Not tainted 6.1.0 #1',
      'RIP: 0010:scan_all+0x343/0x540',
      'Call Trace:',
      ' report_one+0x114/0x130',
      ' do_syscall_64+0x3b/0x90',
    ].join('\n');
    const root = findingsOf(text, 'soft_lockup').findings.find((f) => f.kind === 'root_blocker');
    expect(root?.summary ?? '').not.toContain('printing');
  });
});
