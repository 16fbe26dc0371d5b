import { describe, expect, it } from 'vitest';
import { parseTaskLine, taskDumpParser } from './task-dump.js';
import { analyze } from '../../analyze.js';

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
  it('reads a running task of a 32-bit 3.x kernel (` running  ` in place of the PC)', () => {
    expect(parseTaskLine('sh              R running      0   569    568 0x00000002')).toEqual({
      comm: 'sh',
      state: 'R',
      pid: 569,
      ppid: 568,
    });
  });
  it('reads a running task with its cpu in the 5.10+ layout', () => {
    expect(
      parseTaskLine(
        'task:rcu_sched       state:R  running task on cpu   0   stack:    0 pid:   11 ppid:     2 flags:0x00004000',
      ),
    ).toEqual({ comm: 'rcu_sched', state: 'R', pid: 11, tgid: null, ppid: 2 });
  });
  it('reads the 2.4/2.5 layout with a capital-letter PC and a free stack of 8 digits', () => {
    expect(parseTaskLine('cp            D C02371A0 19704060   136     91                     (NOTLB)')).toEqual({
      comm: 'cp',
      state: 'D',
      pid: 136,
      ppid: 91,
    });
  });
  it('reads the 2.6.19–2.6.3x layout that ends at the ppid (no flags, no relatives)', () => {
    expect(parseTaskLine('kdvb-ca-0:0   D 0000000100d78984     0  2046      2')).toEqual({
      comm: 'kdvb-ca-0:0',
      state: 'D',
      pid: 2046,
      ppid: 2,
    });
    expect(parseTaskLine('bash          D ffff880078524c94     0     1      0')?.pid).toBe(1);
    expect(parseTaskLine('events/0      R  running task        0     9      2')?.state).toBe('R');
    // The PC (or the running mark) is what makes it a task line: three numbers are not.
    expect(parseTaskLine('Node 0 DMA      D 1 2 3')).toBeNull();
    expect(parseTaskLine('kdvb-ca-0:0   D 0000000100d78984     0  2046      2 and more')).toBeNull();
  });
  it('reads a 5.10+ line whose ppid value was lost on the way (`ppid: flags:`)', () => {
    expect(parseTaskLine('task:umount state:D stack: 0 pid: 6285 ppid: flags:0x00004084')).toEqual({
      comm: 'umount',
      state: 'D',
      pid: 6285,
      tgid: null,
      ppid: null,
    });
  });
  it('does not take a line without the state field', () => {
    expect(parseTaskLine('task:kworker/u1024:30 pid: 95 ppid: 2 flags:0x0')).toBeNull();
  });
});

describe('taskDumpParser.starts', () => {
  // starts() reads only the line's trimmed text.
  const starts = (t: string) => taskDumpParser.starts({ trimmed: t } as never, undefined as never);
  it('starts at a task line of every era, bare under a sysrq header', () => {
    expect(starts('task:umount state:D stack:0 pid:6285 ppid:1 flags:0x00004084')).toBe(true);
    expect(starts('systemd-udevd   D    0   611    583 0x80004080')).toBe(true);
    expect(starts('umount          R  running task        0  5512   5480 0x0000008a')).toBe(true);
    expect(starts('kdvb-ca-0:0   D 0000000100d78984     0  2046      2')).toBe(true);
    expect(starts('nfsd          D ffff81023dc3fb88     0  3269      1          3270  3268 (L-TLB)')).toBe(true);
    expect(starts('cp            D C02371A0 19704060   136     91                     (NOTLB)')).toBe(true);
  });
  it('does not start at prose or a row of stack words', () => {
    expect(starts('Total swap = 755048kB')).toBe(false);
    expect(starts('CPU usage is almost 0 after 120 seconds 3 4')).toBe(false);
    expect(starts('0000000000000800 0000000000000000 0000000000000286 ffff81007bebe080')).toBe(false);
  });
});

describe('MIPS / LoongArch show_stack', () => {
  // arch/loongarch/kernel/traps.c show_stacktrace (4.19 vendor kernel): the task line,
  // the raw stack words (`Stack :`, indented words, `...`), then the trace.
  const DUMP = [
    'float_exp_log   D    0 16985  16971 0x00004000',
    'Stack : 900000010a33bdd8 0000000000027100 900000027417d680 900000010dfc3778',
    '        006200ca00000054 0000000000000004 000000fff424c000 9000000276ba8060',
    '        ...',
    'Call Trace:',
    '[<9000000000c1d7ac>] __schedule+0x4b4/0xc5c',
    '[<9000000000c1df7c>] schedule+0x28/0x7c',
    '[<9000000000c21708>] rwsem_down_read_failed+0xfc/0x164',
    '[<9000000000c20b38>] down_read+0x50/0x58',
    '[<9000000000c23a20>] do_page_fault+0xf4/0x58c',
  ].join('\n');

  it('reads the trace after the stack words as the task’s own', () => {
    const d = analyze(DUMP + '\n');
    const t = d.tasks.find((x) => x.pid === 16985);
    expect(t?.frames.map((f) => f.fn)).toEqual([
      '__schedule',
      'schedule',
      'rwsem_down_read_failed',
      'down_read',
      'do_page_fault',
    ]);
    expect(d.tasks).toHaveLength(1);
  });
});
