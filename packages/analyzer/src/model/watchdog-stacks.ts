// A stack with a watchdog's own frame (knowledge/report-frames.ts: watchdog_timer_fn,
// watchdog_overflow_callback, …) stands for the report when its header is not in the
// text (a crash `bt` of the panic task): when no report of the text decides what stopped
// the machine, the first such stack is one. Its report is added to the model, and a soft
// or hard lockup marks its CPU stuck — part of building the model, so the later stages
// (waits, resolve, graph, summary) read it and change nothing.

import type { Kind } from '../contract.js';
import { decisiveKind } from '../summary/title.js';
import type { Model, ModelTask } from './build.js';

/** The report a watchdog frame stands for, and the task whose stack shows it. */
export interface WatchdogStack {
  kind: Kind;
  cpu: number | null;
  task: ModelTask;
}

export function reportWatchdogStack(model: Model): WatchdogStack | null {
  const reports = model.records.reports;
  // The report that stopped the machine decides (summary/title.ts decisiveKind).
  const k = decisiveKind(
    reports.map((x) => x.kind),
    model.records.panic?.kind,
  );
  if (k && reports.some((x) => x.kind === k)) return null;
  const known = model.records.frames;
  // Most dumps have no watchdog frame at all: when no function name of the run is one
  // (the frame table's names, each asked once), no stack is walked.
  let anyWatchdogName = false;
  for (const name of known.names())
    if (known.reportFrame(name)) {
      anyWatchdogName = true;
      break;
    }
  if (!anyWatchdogName) return null;
  // Tasks share stacks: a stack without a watchdog frame is looked at once.
  const quiet = new Set<ModelTask['frames']>();
  for (const t of model.tasks) {
    if (quiet.has(t.frames)) continue;
    quiet.add(t.frames);
    for (let k = 0; k < t.frames.length; k++) {
      const rf = known.reportFrame(t.frames[k]);
      if (rf) {
        const f = { fn: t.frames[k].fn, line: t.frameLines[k] ?? 0 };
        model.records.reports.push({
          kind: rf.kind,
          header: rf.what,
          cpu: t.cpu,
          task: { pid: t.pid, comm: t.comm, taskAddr: t.taskAddr },
          span: { line: f.line, endLine: f.line },
          format: 'panic_stack',
        });
        if (t.cpu !== null && (rf.kind === 'soft_lockup' || rf.kind === 'hard_lockup')) {
          const c = model.cpus.get(t.cpu);
          if (c) {
            c.stuck = true;
            c.stuckReason ??= rf.what;
          } else {
            model.cpus.set(t.cpu, {
              cpu: t.cpu,
              current: t.id,
              idle: false,
              stuck: true,
              stuckReason: rf.what,
              runnable: [],
              evidence: [{ line: f.line, endLine: f.line }],
            });
          }
        }
        return { kind: rf.kind, cpu: t.cpu, task: t };
      }
    }
  }
  return null;
}
