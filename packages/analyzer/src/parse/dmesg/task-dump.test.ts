import { describe, expect, it } from 'vitest';
import { parseTaskLine } from './task-dump.js';

describe('parseTaskLine', () => {
  it('reads the 5.10+ layout with padded numbers', () => {
    expect(parseTaskLine('task:kworker/u8:3  state:D stack:    0 pid:   95 ppid:     2 flags:0x00004000')).toEqual({
      comm: 'kworker/u8:3',
      state: 'D',
      pid: 95,
      tgid: null,
      ppid: 2,
    });
  });
  it('reads the 5.10+ layout whose padding spaces a mail client collapsed', () => {
    expect(parseTaskLine('task:kworker/u4:1state:D stack:0 pid:11ppid:2  flags:0x00004000')).toEqual({
      comm: 'kworker/u4:1',
      state: 'D',
      pid: 11,
      tgid: null,
      ppid: 2,
    });
    expect(parseTaskLine('task:lvm state:D stack:0 pid:11422tgid:11422ppid:1374 flags:0x00004002')?.tgid).toBe(11422);
  });
  it('reads the 2.6.18 layout with relatives and (L-TLB)', () => {
    expect(parseTaskLine('jbd2/dm-9-8   D ffff81043e0a1420     0   762    585           763   748 (L-TLB)')).toEqual({
      comm: 'jbd2/dm-9-8',
      state: 'D',
      pid: 762,
      ppid: 585,
    });
    expect(parseTaskLine('bash          S ffff81043e0a1420     0  4242   4200                     (NOTLB)')).toEqual({
      comm: 'bash',
      state: 'S',
      pid: 4242,
      ppid: 4200,
    });
  });
  it('reads the layout without stack: (kernels without CONFIG_DEBUG_STACK_USAGE)', () => {
    expect(parseTaskLine('task:swapper/0    state:D pid:1 tgid:1 ppid:0 task_flags:0x0140 flags:0x00000010')).toEqual({
      comm: 'swapper/0',
      state: 'D',
      pid: 1,
      tgid: 1,
      ppid: 0,
    });
  });
  it('accepts a comm longer than TASK_COMM_LEN allows (hand-edited dumps): task:/state: anchor it', () => {
    expect(
      parseTaskLine('task:kworker/u1024:30 state:D stack:    0 pid:   95 ppid:     2 flags:0x00004000')?.comm,
    ).toBe('kworker/u1024:30');
  });
  it("reads the 4.x layout with a vendor kernel's named times after the flags", () => {
    expect(
      parseTaskLine(
        'brcmf_wdog/mmc1 D    0   621      2 0x00000000 last_sleep: 2440793077.  last_runnable: 2440766827',
      ),
    ).toEqual({ comm: 'brcmf_wdog/mmc1', state: 'D', pid: 621, ppid: 2 });
    expect(parseTaskLine('brcmf_wdog/mmc1 D    0   621      2 0x00000000 and then some words')).toBeNull();
  });
  it('reads the 4.x layout when a free stack of 10,000 bytes or more runs into the state letter', () => {
    expect(parseTaskLine('syz-executor.0  D12048 18224   2776 0x00040008')).toEqual({
      comm: 'syz-executor.0',
      state: 'D',
      pid: 18224,
      ppid: 2776,
    });
    expect(parseTaskLine('kworker/0:1     I    0    12      2 0x80000000')).toEqual({
      comm: 'kworker/0:1',
      state: 'I',
      pid: 12,
      ppid: 2,
    });
  });
  it('reads a running task with its cpu in the 5.10+ layout', () => {
    expect(
      parseTaskLine(
        'task:rcu_sched       state:R  running task on cpu   0   stack:    0 pid:   11 ppid:     2 flags:0x00004000',
      ),
    ).toEqual({ comm: 'rcu_sched', state: 'R', pid: 11, tgid: null, ppid: 2 });
  });
  it('does not take a line without the state field', () => {
    expect(parseTaskLine('task:kworker/u1024:30 pid: 95 ppid: 2 flags:0x0')).toBeNull();
  });
});
