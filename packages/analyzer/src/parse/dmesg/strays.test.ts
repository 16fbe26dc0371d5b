import { describe, expect, it } from 'vitest';
import { parseText } from '../run.js';

// A 4.4 hung-task report with another CPU's one-line message printed between two of its
// frames (syzkaller log, trimmed): the trace goes on after it, and the message is read too.
const HUNG_WITH_STRAY = `[  361.246294] INFO: task syz-executor0:6102 blocked for more than 120 seconds.
[  361.253503]       Not tainted 4.4.96+ #180
[  361.257716] "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.
[  361.265660] syz-executor0   D ffff8800b901f990     0  6102   1942 0x00000004
[  361.297131] Call Trace:
[  361.299714]  [<ffffffff829f5a8c>] schedule+0x9c/0x1b0
[  361.300009] unregister_netdevice: waiting for lo to become free. Usage count = 6
[  361.312401]  [<ffffffff829f6315>] schedule_preempt_disabled+0x15/0x20
[  361.318972]  [<ffffffff829fb0c0>] mutex_lock_nested+0x3b0/0x1130
[  361.373472]  [<ffffffff8223552c>] copy_net_ns+0xcc/0x220
[  361.379000]  [<ffffffff810f02ef>] create_new_namespaces+0x2ef/0x590
`;

describe('a line of other output inside a trace', () => {
  it('is skipped by the trace and parsed on its own', () => {
    const { records, coverage } = parseText(HUNG_WITH_STRAY);
    expect(records.tasks).toHaveLength(1);
    const t = records.tasks[0];
    expect(t.frames.map((f) => f.fn)).toEqual([
      'schedule',
      'schedule_preempt_disabled',
      'mutex_lock_nested',
      'copy_net_ns',
      'create_new_namespaces',
    ]);
    expect(t.frameLines).toEqual([6, 8, 9, 10, 11]);
    expect(records.netdevWaits).toEqual([{ dev: 'lo', count: 6, tid: null, span: { line: 7, endLine: 7 } }]);
    expect(coverage).toEqual([{ format: 'hung_task', line: 1, endLine: 11, status: 'parsed' }]);
  });

  it('is skipped when it is prose no parser takes', () => {
    const { records } = parseText(HUNG_WITH_STRAY.replace(/unregister_netdevice: .*/, 'random: crng init done'));
    expect(records.tasks[0].frames).toHaveLength(5);
    expect(records.netdevWaits).toEqual([]);
  });

  it('ends the trace when the trace does not go on right after it', () => {
    const text = HUNG_WITH_STRAY.replace(/\[ {2}361\.312401\].*\n/, '[  361.312401] random: crng init done\n');
    const { records } = parseText(text);
    expect(records.tasks[0].frames.map((f) => f.fn)).toEqual(['schedule']);
    // The rest is an orphan stack, not the hung task's.
    expect(records.tasks.length).toBeGreaterThan(1);
  });

  it("is not skipped with printk caller ids: another caller's line may begin output of its own", () => {
    const text = HUNG_WITH_STRAY.split('\n')
      .map((l, k) => (l === '' ? l : l.replace(/^(\[ {0,4}\d+\.\d+\])/, k === 6 ? '$1[    C1]' : '$1[  T6102]')))
      .join('\n');
    const { records } = parseText(text);
    expect(records.tasks[0].frames.map((f) => f.fn)).toEqual(['schedule']);
  });

  it('is never the next task: a task line right before its frames (no Call Trace: header) starts a task of its own', () => {
    const text = [
      'sysrq: Show Blocked State',
      '  task                        PC stack   pid father',
      'jbd2/sda1-8     D ffff88003fc13680     0   412      2 0x00000000',
      'Call Trace:',
      ' [<ffffffff8160a4e9>] schedule+0x29/0x70',
      ' [<ffffffff8123aa1b>] jbd2_journal_commit_transaction+0x23b/0x1a30',
      'dd              D ffff88003fc13680     0  1234   1233 0x00000080',
      ' [<ffffffff8160a4e9>] schedule+0x29/0x70',
      ' [<ffffffff81609e2e>] io_schedule+0x1e/0x40',
      ' [<ffffffff8116d3f2>] balance_dirty_pages+0x342/0xd20',
    ].join('\n');
    const { records } = parseText(text);
    const byPid = new Map(records.tasks.map((t) => [t.pid, t.frames.map((f) => f.fn)]));
    expect(byPid.get(412)).toEqual(['schedule', 'jbd2_journal_commit_transaction']);
    expect(byPid.get(1234)).toEqual(['schedule', 'io_schedule', 'balance_dirty_pages']);
  });
});

describe('a damaged line right after the trace header', () => {
  const trace = (second: string[]) =>
    [
      'task:swapper/0    state:D pid:1 tgid:1 ppid:0 task_flags:0x0140 flags:0x00000010',
      'Call trace:',
      '__switch_to_0x104/0x1c8 (T)',
      ...second,
    ].join('\n');

  it('is skipped when frames follow it', () => {
    const { records } = parseText(
      trace(['__schedule+0x438/0x1168', 'schedule+0x3c/0x120', '__mutex_lock_slowpath+0x1c/0x30']),
    );
    expect(records.tasks.map((t) => [t.pid, t.frames.map((f) => f.fn)])).toEqual([
      [1, ['__schedule', 'schedule', '__mutex_lock_slowpath']],
    ]);
  });

  it('ends the trace when no frames follow', () => {
    const { records } = parseText(trace(['and then I wrote some more', '__schedule+0x438/0x1168']));
    expect(records.tasks.find((t) => t.pid === 1)!.frames).toEqual([]);
  });
});
