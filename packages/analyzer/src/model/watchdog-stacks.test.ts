// A watchdog's frame on a stack stands for its report when the text has no report header.
import { describe, expect, it } from 'vitest';
import { parseText } from '../parse/run.js';
import { buildModel } from './build.js';
import { reportWatchdogStack } from './watchdog-stacks.js';

const STACK = [
  'CPU: 2 PID: 77 Comm: spinner Not tainted 5.15.0 #1',
  'Call Trace:',
  ' <IRQ>',
  ' watchdog_timer_fn+0x1b4/0x200',
  ' __hrtimer_run_queues+0x12a/0x270',
  ' hrtimer_interrupt+0x110/0x2c0',
  ' </IRQ>',
  ' acme_spin+0x10/0x20 [acme]',
  ' acme_ioctl+0x42/0x90 [acme]',
].join('\n');

function modelOf(text: string) {
  const { records } = parseText(text);
  return buildModel(records, text);
}

describe('reportWatchdogStack', () => {
  it("a stack in the watchdog's timer is a soft lockup report, and its CPU is stuck", () => {
    const model = modelOf(STACK);
    const before = model.records.reports.length;
    const w = reportWatchdogStack(model);
    expect(w && { kind: w.kind, cpu: w.cpu, task: w.task.id }).toEqual({
      kind: 'soft_lockup',
      cpu: 2,
      task: 'task:77',
    });
    expect(model.records.reports.slice(before)).toMatchObject([
      { kind: 'soft_lockup', format: 'panic_stack', span: { line: 4, endLine: 4 } },
    ]);
    expect(model.cpus.get(2)).toMatchObject({ stuck: true });
  });

  it("the text's own report decides: the stack adds nothing", () => {
    const model = modelOf('watchdog: BUG: soft lockup - CPU#2 stuck for 22s! [spinner:77]\n' + STACK);
    const before = model.records.reports.length;
    expect(reportWatchdogStack(model)).toBeNull();
    expect(model.records.reports.length).toBe(before);
  });

  it('a stack without a watchdog frame is no report', () => {
    const model = modelOf(STACK.replace('watchdog_timer_fn', 'acme_timer_fn'));
    expect(reportWatchdogStack(model)).toBeNull();
    expect(model.records.reports.filter((r) => r.format === 'panic_stack')).toEqual([]);
  });
});
