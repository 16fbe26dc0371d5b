import { describe, expect, it } from 'vitest';
import { analyze } from '../../analyze.js';

// A capture as scripts/hangscope-collect writes it (the script's own output on a live
// machine is analysed in collect.live.test.ts).
const CAPTURE = [
  '=== hangscope-collect: collector ===',
  'hangscope-collect 1 at 2026-12-06T18:29:16Z',
  '=== hangscope-collect: uname -a ===',
  'Linux db1 5.15.0-91-generic #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023 x86_64 x86_64 x86_64 GNU/Linux',
  '=== hangscope-collect: dmesg ===',
  '[ 1234.567890] INFO: task jbd2/dm-0-8:517 blocked for more than 120 seconds.',
  '[ 1234.567891]       Not tainted 5.15.0-91-generic #101-Ubuntu',
  '=== hangscope-collect: blocked tasks ===',
  'hangscope-collect: 2 tasks in D state: 517 4413 ',
  '=== hangscope-collect: /proc/517/comm ===',
  'jbd2/dm-0-8',
  '=== hangscope-collect: /proc/517/status ===',
  'Name:\tjbd2/dm-0-8',
  'Umask:\t0022',
  'State:\tD (disk sleep)',
  'Tgid:\t517',
  'Pid:\t517',
  'PPid:\t2',
  'voluntary_ctxt_switches:\t1141',
  'nonvoluntary_ctxt_switches:\t3',
  '=== hangscope-collect: /proc/517/wchan ===',
  'io_schedule',
  '=== hangscope-collect: /proc/517/stack ===',
  '[<0>] io_schedule+0x12/0x40',
  '[<0>] jbd2_journal_commit_transaction+0x2d2/0x1a30 [jbd2]',
  '[<0>] kjournald2+0xbd/0x270 [jbd2]',
  '[<0>] kthread+0x127/0x150',
  '=== hangscope-collect: /proc/4412/task/4413/comm ===',
  'postgres',
  '=== hangscope-collect: /proc/4412/task/4413/stack ===',
  '[<0>] jbd2_log_wait_commit+0xac/0x120 [jbd2]',
  '[<0>] ext4_sync_file+0x2d4/0x3b0 [ext4]',
  '[<0>] __x64_sys_fsync+0x34/0x60',
  '=== hangscope-collect: /proc/4412/task/4414/stack ===',
  'hangscope-collect: cut: the read took longer than 5s',
  '=== hangscope-collect: workqueues ===',
  'hangscope-collect: skipped: no workqueue file in debugfs; --sysrq=t prints the busy workqueues and pools into the kernel log',
  '=== hangscope-collect: /proc/lockdep ===',
  'hangscope-collect: skipped: not present on this kernel',
  '=== hangscope-collect: /proc/locks ===',
  '1: POSIX  ADVISORY  WRITE 4412 fd:00:1311 0 EOF',
  '1: -> POSIX  ADVISORY  WRITE 4500 fd:00:1311 0 EOF',
  '=== hangscope-collect: /proc/sched_debug ===',
  'cpu#0, 2394.374 MHz',
  '  .nr_running                    : 1',
  '  .nr_switches                   : 983761',
  '  .nr_uninterruptible            : 2',
  '  .curr->pid                     : 4413',
  '  .clock                         : 1234567.123456',
  'cpu#1, 2394.374 MHz',
  '  .nr_running                    : 0',
  '  .curr->pid                     : 0',
  '=== hangscope-collect: /proc/pressure/io ===',
  'some avg10=91.20 avg60=88.10 avg300=60.02 total=912345678',
  'full avg10=90.01 avg60=87.00 avg300=59.00 total=902345678',
].join('\n');

describe('hangscope-collect output', () => {
  const doc = analyze(CAPTURE);

  it('reads every section: nothing is prose or unparsed', () => {
    expect(doc.coverage!.filter((c) => c.status !== 'parsed')).toEqual([]);
    // The header after the kernel log is a line of its own, not a wrapped log line's end.
    const header = CAPTURE.split('\n').indexOf('=== hangscope-collect: blocked tasks ===') + 1;
    expect(doc.coverage!.find((c) => c.line === header)?.format).toBe('hangscope_collect');
  });

  it("a /proc/PID/stack section is that task's stack, named by its comm and status sections", () => {
    const t517 = doc.tasks.find((t) => t.pid === 517)!;
    expect([t517.comm, t517.state, t517.frames.map((f) => f.fn)]).toEqual([
      'jbd2/dm-0-8',
      'D',
      ['io_schedule', 'jbd2_journal_commit_transaction', 'kjournald2', 'kthread'],
    ]);
    // A thread's stack: the thread's own pid.
    const t4413 = doc.tasks.find((t) => t.pid === 4413)!;
    expect([t4413.comm, t4413.frames.map((f) => f.fn)]).toEqual([
      'postgres',
      ['jbd2_log_wait_commit', 'ext4_sync_file', '__x64_sys_fsync'],
    ]);
    // Its evidence names the header line and the frames' lines.
    const header = CAPTURE.split('\n').indexOf('=== hangscope-collect: /proc/517/stack ===') + 1;
    expect(t517.evidence.some((e) => e.line === header)).toBe(true);
  });

  it("uname names the kernel; the runqueue summary names each CPU's current task", () => {
    expect([doc.kernel, doc.arch]).toEqual(['5.15.0-91-generic', 'x86_64']);
    expect(doc.cpus.map((c) => [c.cpu, c.current, c.idle])).toEqual([
      [0, 'task:4413', false],
      [1, null, true],
    ]);
  });

  it('a section cut short is a note, not a stack of its own', () => {
    expect(doc.tasks.find((t) => t.pid === 4414)).toBeUndefined();
  });

  it("`tail`'s wchan file is read with its header", () => {
    const d = analyze(
      [
        '==> /proc/517/wchan <==',
        'io_schedule',
        '',
        '==> /proc/517/stack <==',
        '[<0>] io_schedule+0x12/0x40',
        '[<0>] kjournald2+0xbd/0x270 [jbd2]',
      ].join('\n'),
    );
    expect(d.coverage!.filter((c) => c.status !== 'parsed')).toEqual([]);
  });
});
