import { describe, expect, it } from 'vitest';
import { parseText } from '../run.js';

describe('shell captures', () => {
  it("reads /proc stacks a blog printed with the prompt glued to the command, a thread's as of its process", () => {
    const frames = [
      '[<ffffffff81264a14>] call_rwsem_down_read_failed+0x14/0x30',
      '[<ffffffff814ed543>] do_page_fault+0x1f3/0x550',
      '[<ffffffffffffffff>] 0xffffffffffffffff',
    ];
    const r = parseText(
      ['$sudo cat /proc/12566/stack', ...frames, '', '$sudo cat /proc/16653/task/16657/stack', ...frames].join('\n'),
    ).records;
    expect(r.tasks.map((t) => [t.pid, t.tgid ?? null, t.frames.length])).toEqual([
      [12566, null, 2],
      [16657, 16653, 2],
    ]);
  });

  it("splits `cat /proc/PID/task/*/stack` at each stack's end line: one thread of that process each", () => {
    const r = parseText(
      [
        'sudo cat /proc/16653/task/*/stack',
        '[<ffffffff81264a14>] call_rwsem_down_read_failed+0x14/0x30',
        '[<ffffffff814ed543>] do_page_fault+0x1f3/0x550',
        '[<ffffffffffffffff>] 0xffffffffffffffff',
        '[<ffffffff81264a14>] call_rwsem_down_read_failed+0x14/0x30',
        '[<ffffffff81140fe2>] __access_remote_vm+0x42/0x1d0',
        '[<ffffffff811411cb>] access_process_vm+0x5b/0x80',
        '[<ffffffffffffffff>] 0xffffffffffffffff',
        '...',
      ].join('\n'),
    ).records;
    expect(r.tasks.map((t) => [t.pid, t.tgid, t.frames.map((f) => r.frames.frame(f).fn)])).toEqual([
      [null, 16653, ['call_rwsem_down_read_failed', 'do_page_fault']],
      [null, 16653, ['call_rwsem_down_read_failed', '__access_remote_vm', 'access_process_vm']],
    ]);
  });

  it('takes the thread id of `ps -eLo` as the pid', () => {
    const r = parseText(
      '$ ps -eLo pid,tid,stat,comm\n  PID   TID STAT COMMAND\n40190 40211 Dl   java\n40190 40233 Dl   java\n',
    ).records;
    expect(r.tasks.map((t) => [t.pid, t.state])).toEqual([
      [40211, 'D'],
      [40233, 'D'],
    ]);
  });

  it('reads ps aux rows, kernel threads in brackets, and skips the grep itself', () => {
    const r = parseText(
      '[root@h ~]# ps aux | grep D\nroot      4790  0.0  0.0      0     0 ?        D    Feb25   0:01 [kworker/1:2]\nroot     29794  0.0  0.0 112716   944 pts/4    S+   04:05   0:00 grep --color=auto D\n',
    ).records;
    expect(r.tasks.map((t) => [t.pid, t.comm, t.state])).toEqual([[4790, 'kworker/1:2', 'D']]);
  });

  it('reads a ps aux row whose COMMAND went to the next line: joined when it looks like one, else read without it', () => {
    const rows = (sep: string) =>
      parseText(
        `[root@h ~]# ps aux | grep D\nroot       378  0.1  0.0  97948  7008 ?        Ds   10:04   0:00${sep}\n/usr/sbin/sshd -D\nroot      2644  1.3  0.0 127676  8656 pts/0    Ds+  10:06   0:00 -bash\n`,
      ).records.tasks.map((t) => [t.pid, t.comm, t.state]);
    // (with or without the space the row kept before the break)
    for (const sep of ['', ' '])
      expect(rows(sep)).toEqual([
        [378, 'sshd', 'D'],
        [2644, '-bash', 'D'],
      ]);
    // The COMMAND lost altogether: the row still says the pid and its state.
    expect(
      parseText('$ ps aux\nroot       378  0.1  0.0  97948  7008 ?        Ds   10:04   0:00\n\n').records.tasks.map(
        (t) => [t.pid, t.comm, t.state],
      ),
    ).toEqual([[378, null, 'D']]);
  });

  it('reads /proc/PID/stack in the [<0>] form and takes the pid from the command', () => {
    const r = parseText(
      '# cat /proc/1193/stack\n[<0>] xlog_wait_on_iclog+0x11c/0x170 [xfs]\n[<0>] xfsaild+0x1a3/0x7f0 [xfs]\n',
    ).records;
    expect(r.tasks[0].pid).toBe(1193);
    expect(r.tasks[0].frames.map((f) => [f.fn, f.module, f.addr])).toEqual([
      ['xlog_wait_on_iclog', 'xfs', null],
      ['xfsaild', 'xfs', null],
    ]);
  });

  it('does not take a markdown heading for a command', () => {
    const r = parseText(
      '# Notes on the hang\n[<ffffffff810a6fec>] flush_workqueue+0x12c/0x5b0\n[<ffffffff810a7485>] flush_scheduled_work+0x15/0x20\n',
    ).records;
    expect(r.tasks[0].pid).toBeNull();
  });

  it('reads a stack with decimal offsets (bpftrace kstack) as frames, but not one such line in prose', () => {
    const r = parseText(
      'the task that caused it:\n  __schedule+548\n  schedule+72\n  down+104\n  hinic_get_stats64+44 [hinic]\n  bond_get_stats+172 [bonding]\n',
    ).records;
    expect(r.tasks).toHaveLength(1);
    expect(r.tasks[0].frames.map((f) => [f.fn, f.offset, f.module])).toEqual([
      ['__schedule', '0x224', null],
      ['schedule', '0x48', null],
      ['down', '0x68', null],
      ['hinic_get_stats64', '0x2c', 'hinic'],
      ['bond_get_stats', '0xac', 'bonding'],
    ]);
    expect(parseText('we set\ni+1\nand go on\n').records.tasks).toHaveLength(0);
  });
});
