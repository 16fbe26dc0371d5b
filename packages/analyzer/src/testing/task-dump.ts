// A task as 5.15's sched_show_task prints it (sysrq-w, the hung-task report), for stage
// tests that need a stack in the text: `task:` line, optional `Workqueue:`, the trace.

export function taskDump(comm: string, pid: number, state: string, frames: string[], wq?: string): string {
  return (
    [
      `task:${comm.padEnd(15)} state:${state} stack:    0 pid:${String(pid).padStart(5)} ppid:     1 flags:0x00004000`,
      ...(wq ? [`Workqueue: ${wq}`] : []),
      'Call Trace:',
      ' <TASK>',
      ...frames.map((f) => ` ${f}`),
      ' </TASK>',
    ].join('\n') + '\n'
  );
}
