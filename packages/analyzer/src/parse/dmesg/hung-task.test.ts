import { describe, expect, it } from 'vitest';
import { parseText } from '../run.js';

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
