// A reply written inside a quoted trace: the rest of the frames joins the task above it.
import { describe, expect, it } from 'vitest';
import { parseText } from './run.js';

const HEAD = [
  '> INFO: task syz.1.170:8358 blocked for more than 143 seconds.',
  '> task:syz.1.170       state:D stack:26024 pid:8358  tgid:8358  ppid:6003   task_flags:0x400140 flags:0x00004006',
  '> Call Trace:',
  '>   <TASK>',
  '>   __schedule+0x16f3/0x4c20 kernel/sched/core.c:6961',
  '>   schedule+0x165/0x360 kernel/sched/core.c:7058',
  '>   schedule_timeout+0x9a/0x270 kernel/time/sleep_timeout.c:75',
  '>   wait_for_completion+0x2bf/0x5d0 kernel/sched/completion.c:153',
  '>   kthread_flush_worker+0x1c6/0x240 kernel/kthread.c:1563',
  '',
  'This is flushing pwq_release_worker during error handling.',
  '',
];
const REST = [
  '>   __alloc_workqueue+0x146b/0x1b70 kernel/workqueue.c:5763',
  '>   alloc_workqueue_noprof+0xd4/0x210 kernel/workqueue.c:5786',
  '>   do_syscall_64+0xfa/0x3b0 arch/x86/entry/syscall_64.c:94',
  '>   entry_SYSCALL_64_after_hwframe+0x77/0x7f',
  '>   </TASK>',
];

const fns = (text: string) => parseText(text).records.tasks.map((t) => [t.pid, t.frames.map((f) => f.fn)]);

describe('joinCutStacks', () => {
  it('joins the rest of a trace cut by an inline reply to its task', () => {
    const tasks = fns([...HEAD, ...REST].join('\n'));
    expect(tasks).toHaveLength(1);
    expect(tasks[0][0]).toBe(8358);
    expect(tasks[0][1]).toContain('kthread_flush_worker');
    expect(tasks[0][1]).toContain('__alloc_workqueue');
  });

  it('joins the rest at another quote depth', () => {
    const tasks = fns([...HEAD, ...REST.map((l) => '> ' + l)].join('\n'));
    expect(tasks).toHaveLength(1);
    expect((tasks[0][1] as string[]).at(-1)).toBe('entry_SYSCALL_64_after_hwframe');
  });

  it('leaves a stack that starts at its top alone', () => {
    const other = ['>   __schedule+0x16f3/0x4c20', '>   schedule+0x165/0x360', ...REST];
    expect(fns([...HEAD, ...other].join('\n'))).toHaveLength(2);
  });

  it('leaves a stack alone when the trace above it was complete', () => {
    const whole = [...HEAD.slice(0, 9), ...REST, '', 'A reply.', ''];
    const again = ['>   kthread_flush_worker+0x1c6/0x240', ...REST];
    expect(fns([...whole, ...again].join('\n'))).toHaveLength(2);
  });
});
