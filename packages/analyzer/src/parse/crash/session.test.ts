import { describe, expect, it } from 'vitest';
import { parseText } from '../run.js';
import { splitLines } from '../../text/lines.js';
import { newContext } from '../parser.js';
import { Records } from '../records.js';
import { crashSysParser, sessionSubject } from './session.js';

describe('crash ps -m / ps -l', () => {
  it("reads state, pid, task, cpu and comm; a D task's time since it last ran is how long it is blocked", () => {
    const { records } = parseText(
      [
        'crash> ps -m | grep UN',
        '[0 00:12:41.316] [UN]  PID: 3127   TASK: ffff9f4b8a2d0000  CPU: 6   COMMAND: "mount"',
        '[1 02:00:00.500] [IN]  PID: 1      TASK: ffff9f4b80358000  CPU: 0   COMMAND: "systemd"',
        'crash> ps -l',
        '[4894133823451] [UN]  PID: 911    TASK: ffff9f4b81f3c000  CPU: 1   COMMAND: "jbd2/sda1-8"',
      ].join('\n'),
    );
    expect(records.tasks.map((t) => [t.pid, t.comm, t.state, t.cpu, t.taskAddr, t.blockedSeconds])).toEqual([
      [3127, 'mount', 'D', 6, 'ffff9f4b8a2d0000', 761],
      [1, 'systemd', 'S', 0, 'ffff9f4b80358000', undefined],
      [911, 'jbd2/sda1-8', 'D', 1, 'ffff9f4b81f3c000', undefined],
    ]);
  });
});

describe('crash ps', () => {
  it('reads a row whose COMM a mail client wrapped onto its own line, with both lines as evidence', () => {
    const { records } = parseText(
      [
        // A line wider than any mail client wraps at: the text was not wrapped as a whole.
        'The tasks in D state in the vmcore, as crash lists them (ps | grep UN), after the EEH recovery started:',
        'crash> ps | grep UN',
        '     213      2  11  c000000004c89e00  UN   0.0       0      0  [eehd]',
        '     215      2   0  c000000004c80000  UN   0.0       0      0',
        '[kworker/0:2]',
        '    2196      1  28  c000000004504f00  UN   0.1   15936  11136  wickedd',
        '   32423      2  26  c00000020038c580  UN   0.0       0      0',
        'and then the sender wrote more',
      ].join('\n'),
    );
    expect(records.tasks.map((t) => [t.pid, t.comm, t.state, t.span])).toEqual([
      [213, 'eehd', 'D', { line: 3, endLine: 3 }],
      [215, 'kworker/0:2', 'D', { line: 4, endLine: 5 }],
      [2196, 'wickedd', 'D', { line: 6, endLine: 6 }],
    ]);
  });
});

describe('crash bt -l', () => {
  it("reads on past each frame's source line", () => {
    const { records } = parseText(
      [
        'crash> bt -l 3127',
        'PID: 3127   TASK: ffff9f4b8a2d0000  CPU: 6   COMMAND: "mount"',
        ' #0 [ffffb3e5c1d3bc48] __schedule at ffffffffa5b8a1b2',
        '    /usr/src/debug/kernel-4.18.0/linux-4.18.0.x86_64/kernel/sched/core.c: 3878',
        ' #1 [ffffb3e5c1d3bcd8] schedule at ffffffffa5b8a6a8',
        '    /usr/src/debug/kernel-4.18.0/linux-4.18.0.x86_64/./arch/x86/include/asm/current.h: 15',
        ' #2 [ffffb3e5c1d3bd90] down_write at ffffffffa5b8dd43',
        '    /usr/src/debug/kernel-4.18.0/linux-4.18.0.x86_64/kernel/locking/rwsem.c: 1536',
      ].join('\n'),
    );
    expect(records.tasks.map((t) => [t.pid, t.frames.map((f) => f.fn), t.frameLines])).toEqual([
      [3127, ['__schedule', 'schedule', 'down_write'], [3, 5, 7]],
    ]);
  });
});

describe('crash bt -F', () => {
  it("reads stack words that name their slab object, as the object's address", () => {
    const { records } = parseText(
      [
        'PID: 3127   TASK: ffff9f4b8a2d0000  CPU: 6   COMMAND: "mount"',
        ' #0 [ffffb3e5c1d3bc48] __schedule at ffffffffa5b8a1b2',
        '    ffffb3e5c1d3bc50: [ffff9f4b8a2d0000:task_struct] 0000000000000000',
        '    ffffb3e5c1d3bc60: [ffff9f4b8d1c2e40:kmalloc-64] rwsem_down_write_slowpath+485',
        ' #1 [ffffb3e5c1d3bcd8] schedule at ffffffffa5b8a6a8',
      ].join('\n'),
    );
    const [t] = records.tasks;
    expect(t.frames.map((f) => f.fn)).toEqual(['__schedule', 'schedule']);
    expect(t.stackWords?.map((w) => [w.at, w.value])).toEqual([
      ['ffffb3e5c1d3bc50', 'ffff9f4b8a2d0000'],
      ['ffffb3e5c1d3bc58', '0000000000000000'],
      ['ffffb3e5c1d3bc60', 'ffff9f4b8d1c2e40'],
      ['ffffb3e5c1d3bc68', 'rwsem_down_write_slowpath+485'],
    ]);
  });
});

describe('crash session header before a bt', () => {
  it('ends at the bt header: `UPTIME:`, a blank line, then `PID: N  TASK: …` is the bt of that task', () => {
    const { records } = parseText(
      [
        'UPTIME: 723 days, 17:47:41',
        '',
        'PID: 514319  TASK: ffff99ed8d709070  CPU: 62  COMMAND: "CPU 0/KVM"',
        ' #0 [ffff9a663fb08980] machine_kexec at ffffffff84065b24',
        ' #1 [ffff9a663fb089e0] __crash_kexec at ffffffff84122342',
      ].join('\n'),
    );
    expect(records.tasks.map((t) => [t.pid, t.comm, t.cpu, t.frames.map((f) => f.fn)])).toEqual([
      [514319, 'CPU 0/KVM', 62, ['machine_kexec', '__crash_kexec']],
    ]);
  });
});

describe('crash session header start', () => {
  it("is not tried at the kernel's `CPU: N PID: …` backtrace header, only at crash's `CPU: N` field", () => {
    const ctx = newContext(new Records());
    const starts = (t: string) => crashSysParser.starts(splitLines(t).at(0), ctx);
    expect(starts('CPU: 3 PID: 0 Comm: swapper/3 Not tainted 5.15.0-113-generic #123-Ubuntu')).toBe(false);
    expect(starts('CPU: 3 UID: 0 PID: 0 Comm: swapper/3 Not tainted 6.12.0 #1')).toBe(false);
    expect(starts('CPU: 1')).toBe(true);
    expect(starts('    CPU: 1')).toBe(true);
  });
});

describe('crash ps -m rows a sender marked', () => {
  it('reads a row with a note after its COMMAND (`<--- …`), wrapped before COMMAND in a quote', () => {
    const { records } = parseText(
      [
        '> crash> ps -m | grep UN',
        '> [0 01:54:10.257] [UN]  PID: 13274  TASK: ffff93b8a7ddbc80  CPU: 1',
        '> COMMAND: "python3-openloo"',
        '> [0 01:54:31.262] [UN]  PID: 13279  TASK: ffff93b8a7d90000  CPU: 1',
        '> COMMAND: "python3-openloo" <--- block same instant',
      ].join('\n'),
    );
    expect(records.tasks.map((t) => [t.pid, t.comm, t.state])).toEqual([
      [13274, 'python3-openloo', 'D'],
      [13279, 'python3-openloo', 'D'],
    ]);
  });
});

describe('sessionSubject', () => {
  it('is the task a `set` or `bt` names (pid or task_struct address), none after `bt -a` / `foreach`', () => {
    expect(sessionSubject('set 38036')).toEqual({ pid: 38036, comm: null, taskAddr: null });
    expect(sessionSubject('bt -FF 1214')).toEqual({ pid: 1214, comm: null, taskAddr: null });
    expect(sessionSubject('bt -S ffffc900037568d0 1212')).toEqual({ pid: 1212, comm: null, taskAddr: null });
    expect(sessionSubject('bt 0xffff93fe9b124180')).toEqual({ pid: null, comm: null, taskAddr: 'ffff93fe9b124180' });
    expect(sessionSubject('bt -a')).toBeNull();
    expect(sessionSubject('bt -c 3')).toBeNull();
    expect(sessionSubject('foreach UN bt')).toBeNull();
    // Anything else leaves it: the lock is dug out with other commands.
    expect(sessionSubject('struct rw_semaphore ffff941d45f98870 -x')).toBeUndefined();
    expect(sessionSubject('bt')).toBeUndefined();
    expect(sessionSubject('bt 13279 | head')).toBeUndefined();
  });

  it("is read through a blog's link on the command word (`[set](http://…) 5109`)", () => {
    const { records } = parseText(
      [
        'crash> [set](http://people.redhat.com/anderson/crash_whitepaper/help_pages/set.html) 5109',
        '    PID: 5109',
        'COMMAND: "rm"',
        '   TASK: ffff8802d0e5a080  [THREAD_INFO: ffff88057f85a000]',
        '    CPU: 18',
        '  STATE: TASK_UNINTERRUPTIBLE',
        'crash> struct mutex ffff8808a3dbf640',
        'struct mutex {',
        '  owner = 0xffff88076b78c000',
        '}',
      ].join('\n'),
    );
    expect(records.structs[0].subject).toEqual({ pid: 5109, comm: null, taskAddr: null });
    expect(records.structs[0].subjectLine).toBe(1);
  });
});

describe('crash prompt', () => {
  it('a crash installed under another name prompts with that name: its commands are commands', () => {
    const { records } = parseText(
      [
        'crash64> struct mutex ffffffc1479dbc70',
        'struct mutex {',
        '  owner = 0xffffffc091108000,',
        '}',
        'crash_arm64> bt 5200',
        'PID: 5200   TASK: ffffffc091108000  CPU: 0   COMMAND: "Thread-8"',
        ' #0 [ffffffc091b5bc80] __schedule at ffffff8008f0ce1c',
      ].join('\n'),
    );
    expect(records.structs.map((d) => [d.type, d.addr, d.fields.owner])).toEqual([
      ['mutex', 'ffffffc1479dbc70', '0xffffffc091108000'],
    ]);
  });
});
