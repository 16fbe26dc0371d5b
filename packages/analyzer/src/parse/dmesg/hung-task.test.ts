import { describe, expect, it } from 'vitest';
import { parseText } from '../run.js';
import { analyze } from '../../analyze.js';

describe('hung-task reports without a task line', () => {
  const frames = [
    '__switch_to+0x98/0xe0',
    '__schedule+0x6c4/0xf40',
    'schedule+0xd8/0x1b4',
    'wait_for_completion+0x20/0x30',
    'test_aead+0x144/0x1f0',
  ];

  it('the Call Trace right under the headline is the hung task’s stack', () => {
    const { records } = parseText(
      [
        'INFO: task cryptomgr_test:391009 blocked for more than 120 seconds.',
        '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
        'Call trace:',
        ...frames.map((f) => ` ${f}`),
      ].join('\n'),
    );
    const t = records.tasks.find((x) => x.pid === 391009)!;
    expect([t.comm, t.state, t.frames.map((f) => f.fn), t.span]).toEqual([
      'cryptomgr_test',
      'D',
      ['__switch_to', '__schedule', 'schedule', 'wait_for_completion', 'test_aead'],
      { line: 1, endLine: 8 },
    ]);
    expect(records.tasks.filter((x) => x.frames.length > 0)).toHaveLength(1);
  });

  it('with a Workqueue: line first, and a comm a vendor kernel quoted', () => {
    const { records } = parseText(
      [
        'INFO: task "kworker/4:1":1334558 blocked for more than 1720 seconds.',
        'Workqueue: cgroup_destroy css_free_rwork_fn',
        'Call Trace:',
        ...frames.map((f) => ` ${f}`),
      ].join('\n'),
    );
    const t = records.tasks.find((x) => x.pid === 1334558)!;
    expect([t.comm, t.workqueue, t.frames.length]).toEqual([
      'kworker/4:1',
      { wq: 'cgroup_destroy', fn: 'css_free_rwork_fn' },
      5,
    ]);
  });

  it('frames right under the headline, with no task line or header, are the hung task’s', () => {
    const { records } = parseText(
      [
        'INFO: task insmod:521 blocked for more than 120 seconds.',
        '      Tainted: G           O    4.1.15 #5',
        '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
        '[<c05278e8>] (__schedule) from [<c0527d34>] (schedule+0x40/0xa4)',
        '[<c05292bc>] (mutex_lock) from [<bf026020>] (dlock_init+0x20/0x2c [dlock])',
      ].join('\n'),
    );
    const t = records.tasks.find((x) => x.pid === 521)!;
    expect([t.comm, t.state, t.frames.map((f) => f.fn)]).toEqual([
      'insmod',
      'D',
      ['__schedule', 'schedule', 'mutex_lock', 'dlock_init'],
    ]);
  });

  it('a trace after other lines is not taken', () => {
    const { records } = parseText(
      [
        'INFO: task dd:1 blocked for more than 120 seconds.',
        'Something else happened here.',
        'Call Trace:',
        ...frames.map((f) => ` ${f}`),
      ].join('\n'),
    );
    expect(records.tasks.find((x) => x.pid === 1)!.frames).toEqual([]);
  });
});

describe('a hung-task report whose INFO line was cut', () => {
  // check_hung_task's next line is printed by nothing else: it is the report, and the
  // task dump after it is the hung task's (old 4.x task line here).
  const CUT = [
    '[34196.558224] "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
    '[34196.566010] float_exp_log   D    0 16985  16971 0x00004000',
    '[34196.653469] Call Trace:',
    '[34196.655902] [<9000000000c1d7ac>] __schedule+0x4b4/0xc5c',
    '[34196.661094] [<9000000000c1df7c>] schedule+0x28/0x7c',
    '[34196.665940] [<9000000000c21708>] rwsem_down_read_failed+0xfc/0x164',
    '[34196.672082] [<9000000000c20b38>] down_read+0x50/0x58',
    '[34196.677013] [<9000000000c23a20>] do_page_fault+0xf4/0x58c',
  ].join('\n');

  it('is a hung-task report naming the task dumped after it', () => {
    const d = analyze(CUT + '\n');
    expect(d.kind).toBe('hung_task');
    expect(d.title).toBe('INFO: task hung in do_page_fault');
    expect(d.tasks.find((t) => t.pid === 16985)).toMatchObject({ comm: 'float_exp_log', state: 'D' });
  });

  it('after its INFO line it is that report’s own line: one report', () => {
    const whole = '[34196.550000] INFO: task float_exp_log:16985 blocked for more than 120 seconds.\n' + CUT + '\n';
    const d = analyze(whole);
    expect(d.kind).toBe('hung_task');
    expect(d.findings.filter((f) => f.kind === 'other_report')).toEqual([]);
  });
});

describe('debug_show_blocker hints (6.16+)', () => {
  const HINT = 'INFO: task nvidia-modeset/:226 blocked on a semaphore likely last held by task kwin_wayland:1088';
  const OWNER = [
    'task:kwin_wayland state:R running task stack:0 pid:1088 tgid:1088 ppid:1080',
    'Call Trace:',
    ' ? osDevReadReg032+0x23/0x70 [nvidia]',
    ' ? kgspRecvPoll_IMPL+0x19c/0x8a0 [nvidia]',
  ];

  it('alone (the headline left out of the paste) is the waiter’s hung-task report', () => {
    const d = analyze([HINT, ...OWNER].join('\n') + '\n');
    expect(d.kind).toBe('hung_task');
    expect(d.tasks.find((t) => t.pid === 226)).toMatchObject({ comm: 'nvidia-modeset/', state: 'D' });
    const edges = d.graph.edges.map((e) => `${e.from} ${e.kind} ${e.to}`);
    expect(edges).toEqual(expect.arrayContaining(['task:226 waits_lock lock:semaphore@unknown']));
    expect(d.graph.edges.some((e) => e.kind === 'held_by' && e.to === 'task:1088')).toBe(true);
  });

  it('after the waiter’s own headline and dump adds no second report', () => {
    const text = [
      'INFO: task nvidia-modeset/:226 blocked for more than 122 seconds.',
      'task:nvidia-modeset/ state:D stack:0 pid:226 tgid:226 ppid:2 flags:0x00004000',
      'Call Trace:',
      ' __schedule+0x2c4/0x700',
      ' schedule+0x2c/0x80',
      ' down+0x5e/0x80',
      HINT,
      ...OWNER,
    ].join('\n');
    const { records } = parseText(text + '\n');
    expect(records.reports.filter((r) => r.kind === 'hung_task')).toHaveLength(1);
    expect(records.tasks.filter((t) => t.pid === 226)).toHaveLength(1);
  });
});

describe('a hung-task headline with something after `seconds.`', () => {
  it('is read when the sender added a note after blanks', () => {
    const d = analyze(
      'INFO: task KMS thread:8503 blocked for more than 122 seconds.  (… 245, 368, 491, 614, 737 …)\n' +
        ' nvkms_ioctl_from_kapi_try_pmlock+0x55/0xc0 [nvidia_modeset]\n',
    );
    expect(d.kind).toBe('hung_task');
    expect(d.tasks.find((t) => t.pid === 8503)).toMatchObject({ comm: 'KMS thread', state: 'D' });
  });

  it('is not read when a word is glued to `seconds`', () => {
    const { records } = parseText('INFO: task x:1 blocked for more than 122 secondsfoo\n');
    expect(records.reports.filter((r) => r.kind === 'hung_task')).toHaveLength(0);
  });
});
