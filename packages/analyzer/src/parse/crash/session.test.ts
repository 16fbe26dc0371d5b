import { describe, expect, it } from 'vitest';
import { parseText } from '../run.js';

describe('crash ps -m / ps -l', () => {
  it('reads state, pid, task, cpu and comm; a D task\'s time since it last ran is how long it is blocked', () => {
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

describe('crash bt -l', () => {
  it('reads on past each frame\'s source line', () => {
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
    expect(records.tasks.map((t) => [t.pid, t.frames.map((f) => f.fn), t.frameLines])).toEqual([[3127, ['__schedule', 'schedule', 'down_write'], [3, 5, 7]]]);
  });
});

describe('crash bt -F', () => {
  it('reads stack words that name their slab object, as the object\'s address', () => {
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
    expect(records.tasks.map((t) => [t.pid, t.comm, t.cpu, t.frames.map((f) => f.fn)])).toEqual([[514319, 'CPU 0/KVM', 62, ['machine_kexec', '__crash_kexec']]]);
  });
});
