// The panic line (kernel/panic.c panic()):
//   Kernel panic - not syncing: Hard LOCKUP
//   CPU: 62 PID: 514319 Comm: CPU 0/KVM Kdump: loaded Tainted: G  W  4.18.0-305.el8.x86_64 #1
//   …                                            (dump_stack of the panicking task)
//   ---[ end Kernel panic - not syncing: Hard LOCKUP ]---
// It says which report stopped the machine (knowledge/panic-reasons), and the CPU line
// after it names the task crash's commands default to: a header-less `bt` pasted after
// it is that task's.

import { panicReason } from '../../knowledge/panic-reasons.js';
import type { FormatParser } from '../parser.js';
import { span } from '../parser.js';
import { announceCpu, dmesgState } from './state.js';

const PANIC = /(?:^|\[ end |: )Kernel panic - not syncing: (.{1,200}?)(?: \]---)?$/;
/** The old hard-lockup panic names its CPU. */
const OLD_HARD = /^Watchdog detected hard LOCKUP on cpu (\d{1,5})/;

export const panicParser: FormatParser = {
  name: 'panic',
  starts(line) {
    return line.trimmed.includes('Kernel panic - not syncing: ');
  },
  parse(lines, i, ctx) {
    const m = PANIC.exec(lines.trimmed(i));
    if (!m) return null;
    const sp = span(lines, i, i + 1);
    const r = ctx.records;
    // The first panic stopped the machine (the end marker repeats it).
    if (r.panic) return i + 1;
    const reason = m[1].trim();
    const known = panicReason(reason);
    const old = OLD_HARD.exec(reason);
    const cpu = old ? Number(old[1]) : null;
    r.panic = { reason, kind: known?.kind ?? null, cpu, task: null, span: sp };
    const state = dmesgState(ctx);
    if (known && !r.reports.some((x) => x.kind === known.kind && (cpu === null || x.cpu === cpu))) {
      // The report itself was cut (or the text starts at the panic): the panic says it.
      r.reports.push({ kind: known.kind, header: reason, cpu, span: sp, format: 'panic' });
    }
    if (cpu !== null) {
      state.stuck.set(cpu, 'hard LOCKUP');
      announceCpu(ctx, cpu, i + 1, true);
    }
    state.panicAt = i;
    return i + 1;
  },
};
