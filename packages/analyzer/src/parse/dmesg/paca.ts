// powerpc's fallback when a CPU does not answer a backtrace request
// (arch/powerpc/kernel/stacktrace.c raise_backtrace_ipi, 5.6+; the request comes from an
// RCU stall, a hard-lockup watchdog or sysrq-l): the requesting CPU reads the silent CPU's
// paca and prints what runs there.
//
//   CPU 0 didn't respond to backtrace IPI, inspecting paca.
//   irq_soft_mask: 0x01 in_mce: 0 in_nmi: 0 current: 1 (swapper/0)
//   Back trace of paca->saved_r1 (0xc000000007a8f140) (possibly stale):
//   Call Trace:
//   [c000000007a8f250] [c000000000254e30] tick_do_update_jiffies64.part.0+0x100/0x1f0
//
// `current: PID (comm)` is the task that CPU runs (p->__current): a task on that CPU, with
// the trace that follows as its stack. The requesting CPU inspects one silent CPU after
// another, so a `current:` line belongs to the last `didn't respond` line; but the silent
// CPU may answer late and interleave its own whole `NMI backtrace for cpu N` dump between
// the two, so the tie reaches back a register dump's length. The idle task needs no tie:
// `swapper/N` is CPU N's (init_idle names it). A trace is read only when it follows at once.

import type { CpuRecord, TaskRecord } from '../records.js';
import type { FormatParser } from '../parser.js';
import { span } from '../parser.js';
import { isTraceBodyLine, readTrace } from './call-trace.js';
import { startsTaskOrCapture } from './task-dump.js';
import { dmesgState } from './state.js';

const NO_ANSWER = /^CPU (\d{1,5}) didn't respond to backtrace IPI, inspecting paca\.$/;
const CURRENT = /^irq_soft_mask: 0x[0-9a-f]{1,2} in_mce: \d{1,3} in_nmi: \d{1,3} current: (\d{1,10}) \((.{1,16})\)$/;
const SAVED_R1 = /^Back trace of paca->saved_r1 \(0x[0-9a-f]{1,16}\) \(possibly stale\):$/;
/** Lines of the silent CPU's own late dump that may come between `didn't respond` and `current:`. */
const TIE_DISTANCE = 64;
const IDLE_COMM = /^swapper\/(\d{1,5})$/;

export const pacaInspectionParser: FormatParser = {
  name: 'paca_inspection',
  startChars: 'Ci',
  starts(line) {
    const t = line.trimmed;
    return t.startsWith('irq_soft_mask: ') || (t.startsWith('CPU ') && t.endsWith('inspecting paca.'));
  },
  parse(lines, i, ctx) {
    const t = lines.trimmed(i);
    const state = dmesgState(ctx);
    const silent = NO_ANSWER.exec(t);
    if (silent) {
      state.pacaCpu = { cpu: Number(silent[1]), index: i };
      return i + 1;
    }
    const m = CURRENT.exec(t);
    if (!m) return null;
    const tied = state.pacaCpu;
    state.pacaCpu = null;
    const pid = Number(m[1]);
    const comm = m[2];
    const idleOf = pid === 0 ? IDLE_COMM.exec(comm) : null;
    const cpu = idleOf ? Number(idleOf[1]) : tied && i - tied.index <= TIE_DISTANCE ? tied.cpu : null;
    let j = i + 1;
    if (j < lines.length && SAVED_R1.test(lines.trimmed(j))) j++;
    const rec: TaskRecord = {
      pid,
      comm,
      state: 'R',
      cpu,
      taskAddr: null,
      frames: [],
      onCpu: cpu !== null,
      span: span(lines, i, i + 1),
      format: 'paca_inspection',
    };
    if (j > i + 1 && j < lines.length && isTraceBodyLine(ctx.frames, lines.trimmed(j))) {
      const tr = readTrace(lines, j, ctx.frames, 512, startsTaskOrCapture);
      rec.frames = tr.frames;
      rec.frameLines = tr.frameLines;
      if (tr.stops.length) rec.stops = tr.stops;
      for (const s of tr.strays) ctx.strays.push(s);
      j = tr.end;
    }
    rec.span = span(lines, i, j);
    const idle = idleOf !== null;
    if (idle) rec.idle = true;
    ctx.records.addTask(rec);
    // A busy task in the paca means the CPU does execute: it is deaf to the backtrace IPI
    // because it runs with interrupts masked (`irq_soft_mask: 0x01`), not because the
    // hypervisor stopped running it. An idle CPU that does not answer stays silent.
    if (cpu !== null && !idle) ctx.records.nmiAnswered.add(cpu);
    if (cpu !== null) {
      const cpuRec: CpuRecord = {
        cpu,
        current: { pid, comm, taskAddr: null },
        span: rec.span,
        format: 'paca_inspection',
      };
      if (idle) cpuRec.idle = true;
      const stuckReason = state.stuck.get(cpu);
      if (stuckReason) {
        cpuRec.stuck = true;
        cpuRec.stuckReason = stuckReason;
      }
      ctx.records.cpus.push(cpuRec);
    }
    return j;
  },
};
