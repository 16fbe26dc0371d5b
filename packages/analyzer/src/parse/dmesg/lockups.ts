// CPU-side watchdog reports and the per-CPU register/stack dumps that follow them.
//
// soft lockup (kernel/watchdog.c `watchdog_timer_fn`):
//   watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [kworker/1:2:123]
//   Modules linked in: …            (print_modules)
//   irq event stamp: 1234            (print_irqtrace_events, lockdep kernels)
//   CPU: 1 PID: 123 Comm: kworker/1:2 Not tainted 5.4.0 #1   (show_regs → show_regs_print_info)
// hard lockup (kernel/watchdog_perf.c `watchdog_overflow_callback`, watchdog_hld.c before 6.6):
//   NMI watchdog: Watchdog detected hard LOCKUP on cpu 1   (+ `Kernel panic - not syncing: Hard LOCKUP`)
// all-CPU backtraces (lib/nmi_backtrace.c `nmi_trigger_cpumask_backtrace`/`nmi_cpu_backtrace`):
//   Sending NMI from CPU 0 to CPUs 1-3:
//   NMI backtrace for cpu 1            / `NMI backtrace for cpu 2 skipped: idling at intel_idle+0x…`

import type { CpuRecord, Stop, TaskRecord, TaskRef } from '../records.js';
import { panicReason } from '../../knowledge/panic-reasons.js';
import type { FormatParser, ParseContext } from '../parser.js';
import { span } from '../parser.js';
import type { LineTable } from '../../text/lines.js';
import { isTraceBodyLine, readTrace } from './call-trace.js';
import { parseWorkqueueLine, startsTaskOrCapture } from './task-dump.js';
import { announceCpu, dmesgState, takeAnnouncedCpu } from './state.js';
import { callerTaskOf } from '../caller-ids.js';
import { isCsdReportLine } from '../interleave.js';

// `%s: BUG: soft lockup - CPU#%d stuck for %us! [%s:%d]`; the prefix was `NMI watchdog:`
// (3.x-4.x), `watchdog:` (4.15+), none (2.6). Found anywhere in the line: a cut timestamp
// (`348439.713178] NMI watchdog: …`), a syslog prefix or the next line joined after it
// (`… [netlink_test:253305] Sample time: …`) leave the headline itself intact.
// The punctuation between the fixed words is what a copy changes: a web page or word
// processor turns ` - ` into an en or em dash, a screenshot transcribed by hand adds or
// drops marks (`soft lockup. - CPU#7 stuck for 28s! -[qemu-ga:864]`); the words, the
// numbers and `[comm:pid]` are read as they are.
const SOFT =
  /BUG: soft lockup\.? {0,2}[-\u2013\u2014]? {0,2}CPU#(\d{1,5}) stuck for (\d{1,7}) ?s!? {0,2}[-\u2013\u2014]? {0,2}\[(.{1,16}?):(\d{1,10})\]/;
// The same headline cut at the end of the text or of a line (a bug tracker's excerpt, a
// page store, a terminal that cut the line): `watchdog: BUG: soft lockup - CPU#8` with
// nothing after the CPU number, or cut inside `stuck for 22s!`. The CPU is still the one
// stuck; the task and the seconds are not known.
// (2.6.16-2.6.24, kernel/softlockup.c, said only the CPU: `BUG: soft lockup detected on CPU#1!`.)
const SOFT_CUT =
  /BUG: soft lockup(?:\.? {0,2}[-\u2013\u2014]? {0,2}| detected on )CPU#(\d{1,5})(?:!$| stuck(?: for(?: (\d{1,7}) ?s!?)?)?|$)/;
// `Watchdog detected hard LOCKUP on cpu %d` (kernel/watchdog_perf.c; the 6.6+ buddy
// detector prints `watchdog: CPU4: Watchdog detected …` from the CPU that noticed; before
// 4.x panic() printed `Kernel panic - not syncing: Watchdog detected hard LOCKUP on cpu %d`).
const HARD = /Watchdog detected hard LOCKUP on cpu (\d{1,5})/;
// Before 2.6.38 x86's own NMI watchdog (arch/x86/kernel/apic/nmi.c, nmi.c before 2.6.30;
// die_nmi) printed `NMI Watchdog detected LOCKUP on CPU 1` (x86_64), `… on CPU0, eip
// c011c7cb, registers:` (i386), `… on CPU14, registers:`; -rt kernels `NMI watchdog
// detected lockup on CPU#1 (50000/50000)`. show_regs of that CPU follows (`CPU 1`, then
// `Pid: 284, comm: scsi_eh_2 …`).
const OLD_NMI_HARD = /NMI [Ww]atchdog detected (?:LOCKUP|lockup) on CPU ?#?(\d{1,5})(?![\d.])/;
// powerpc (arch/powerpc/kernel/watchdog.c): `watchdog: CPU 19 self-detected hard LOCKUP @ fn+0x60/0x100`
// (soft_nmi_interrupt, on the stuck CPU), `watchdog: CPU 3 detected hard LOCKUP on other CPUs 5,7-8`
// (watchdog_smp_panic), `watchdog: CPU 5 Hard LOCKUP` (wd_lockup_ipi, on the stuck CPU).
const PPC_SELF = /(?:^|: )CPU (\d{1,5}) (?:self-detected hard LOCKUP @ |Hard LOCKUP$)/;
const PPC_OTHERS = /(?:^|: )CPU \d{1,5} detected hard LOCKUP on other CPUs ([\d,-]{1,200})$/;
// The same watchdog as first merged (v4.13, commit 2104180a5369, until pr_fmt gave it the
// `watchdog: ` prefix in v4.17): `Watchdog CPU:3 detected Hard LOCKUP other CPUS:5,7-8`
// (watchdog_smp_panic) and `Watchdog CPU:5 Hard LOCKUP` (wd_lockup_ipi / soft_nmi_interrupt).
const PPC_OLD_SELF = /(?:^|: )Watchdog CPU:(\d{1,5}) Hard LOCKUP$/;
const PPC_OLD_OTHERS = /(?:^|: )Watchdog CPU:\d{1,5} detected Hard LOCKUP other CPUS:([\d,-]{1,200})$/;
// Samsung Exynos / Google Tensor vendor hard-lockup debug drivers (debug-snapshot,
// drivers/soc/google/debug/hardlockup-debug.c), on the locked CPU from its FIQ/SDEI
// handler, then dump_backtrace() of that CPU's registers:
//   Core - Debugging Information for Hardlockup core(8) - locked CPUs mask (0x100)
//   All Core - Debugging Information for Hardlockup core - CPU(2), Mask:(0x4)
//   Debugging Information for Hardlockup core - CPU 3            (exynos-ss, 4.x)
// (`WDT expired` / `All Core` instead of `Core` when every core is locked.)
const VENDOR_HARD =
  /Debugging Information for Hardlockup core(?:\((\d{1,5})\)| - CPU ?\(?(\d{1,5})\)?)(?:.{0,40}?[Mm]ask:? ?\(0x([0-9a-f]{1,16})\))?/;

/** The CPUs set in a hex mask (`0x100` → [8]); at most 64 CPUs. */
function maskCpus(hex: string): number[] {
  const out: number[] = [];
  for (let d = 0; d < hex.length; d++) {
    const v = Number.parseInt(hex[hex.length - 1 - d], 16);
    for (let b = 0; b < 4; b++) if (v & (1 << b)) out.push(d * 4 + b);
  }
  return out;
}

// Lines print_modules/print_irqtrace_events add under a lockup headline.
// (`CPU 1` alone: x86 show_regs before 2.6.26 printed the CPU on a line of its own.)
const LOCKUP_PREAMBLE =
  /^(?:CPU \d{1,5}$|Modules linked in:|irq event stamp: |hardirqs last {1,2}(?:en|dis)abled at |softirqs last {1,2}(?:en|dis)abled at |Sending NMI from CPU |(?:watchdog: )?CPU \d{1,5} TB:\d|Watchdog CPU:\d{1,5} TB:\d)/;

function preambleEnd(lines: LineTable, j: number): number {
  while (j < lines.length && LOCKUP_PREAMBLE.test(lines.trimmed(j))) j++;
  return j;
}

export const softLockupParser: FormatParser = {
  name: 'soft_lockup',
  starts(line) {
    return line.trimmed.includes('BUG: soft lockup');
  },
  parse(lines, i, ctx) {
    const m = SOFT.exec(lines.trimmed(i));
    if (!m) return softLockupCut(lines, i, ctx);
    const cpu = Number(m[1]);
    const seconds = Number(m[2]);
    const task = { pid: Number(m[4]), comm: m[3], taskAddr: null };
    const sp = span(lines, i, i + 1);
    dmesgState(ctx).stuck.set(cpu, `soft lockup for ${seconds}s`);
    ctx.records.reports.push({
      kind: 'soft_lockup',
      header: lines.trimmed(i),
      cpu,
      seconds,
      task,
      span: sp,
      format: 'soft_lockup',
    });
    // The headline names the task the CPU has been running all along (watchdog_timer_fn
    // prints `current`): a task on that CPU even when no register dump or stack follows.
    ctx.records.addTask({ ...task, state: 'R', cpu, frames: [], onCpu: true, span: sp, format: 'soft_lockup' });
    announceCpu(ctx, cpu, i + 1, true);
    return preambleEnd(lines, i + 1);
  },
};

/** A soft-lockup headline cut after its CPU number (SOFT_CUT): the CPU is stuck, its task unknown. */
function softLockupCut(lines: LineTable, i: number, ctx: ParseContext): number | null {
  const t = lines.trimmed(i);
  const c = SOFT_CUT.exec(t);
  if (!c) return null;
  const cpu = Number(c[1]);
  const seconds = c[2] === undefined ? null : Number(c[2]);
  dmesgState(ctx).stuck.set(cpu, seconds === null ? 'soft lockup' : `soft lockup for ${seconds}s`);
  ctx.records.reports.push({
    kind: 'soft_lockup',
    header: t,
    cpu,
    seconds,
    span: span(lines, i, i + 1),
    format: 'soft_lockup',
  });
  announceCpu(ctx, cpu, i + 1, true);
  return preambleEnd(lines, i + 1);
}

export const hardLockupParser: FormatParser = {
  name: 'hard_lockup',
  starts(line) {
    const t = line.trimmed;
    return (
      t.includes('hard LOCKUP') ||
      t.includes(' Hard LOCKUP') ||
      t.includes('Information for Hardlockup core') ||
      t.includes('atchdog detected LOCKUP') ||
      t.includes('atchdog detected lockup')
    );
  },
  parse(lines, i, ctx) {
    const t = lines.trimmed(i);
    // The panic line is the panic parser's (panic.ts).
    if (t.includes('Kernel panic - not syncing')) return null;
    const v = VENDOR_HARD.exec(t);
    const m = v ? null : (HARD.exec(t) ?? OLD_NMI_HARD.exec(t) ?? PPC_SELF.exec(t) ?? PPC_OLD_SELF.exec(t));
    const others = m || v ? null : (PPC_OTHERS.exec(t) ?? PPC_OLD_OTHERS.exec(t));
    // The vendor line: its own CPU first (the backtrace below is that CPU's), then the
    // other locked CPUs of its mask.
    const own = v ? Number(v[1] ?? v[2]) : null;
    const cpus =
      own !== null
        ? [own, ...(v![3] ? maskCpus(v![3]).filter((c) => c !== own) : [])]
        : m
          ? [Number(m[1])]
          : others
            ? cpuList(others[1])
            : [];
    if (cpus.length === 0) return null;
    const sp = span(lines, i, i + 1);
    const state = dmesgState(ctx);
    for (const cpu of cpus) {
      state.stuck.set(cpu, 'hard LOCKUP');
      if (!ctx.records.reports.some((r) => r.kind === 'hard_lockup' && r.cpu === cpu))
        ctx.records.reports.push({ kind: 'hard_lockup', header: t, cpu, span: sp, format: 'hard_lockup' });
    }
    // show_regs of the stuck CPU follows its own headline (not the list of others).
    if (m || own !== null) announceCpu(ctx, cpus[0], i + 1, true);
    return preambleEnd(lines, i + 1);
  },
};

// lib/nmi_backtrace.c
const NMI_BT = /^NMI backtrace for cpu (\d{1,5})(?: skipped: idling at (\S{1,200}))?$/;
const SENDING_NMI = /^Sending NMI (?:from CPU (\d{1,5}) )?to (all CPUs|CPUs [\d,-]{1,200}):$/;

/** `0-4,6-15` → [0,1,2,3,4,6,…,15] (bounded). */
export function cpuList(s: string): number[] {
  const out: number[] = [];
  for (const part of s.split(',')) {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(part.trim());
    if (!m) continue;
    const a = Number(m[1]);
    const b = m[2] ? Number(m[2]) : a;
    for (let c = a; c <= b && out.length < 8192; c++) out.push(c);
  }
  return out;
}
// `** 12 printk messages dropped **` (printk ring buffer overrun, console_unlock).
const DROPPED = /^\*\* \d{1,10} printk messages dropped \*\*$/;

export const nmiBacktraceParser: FormatParser = {
  name: 'nmi_backtrace',
  startChars: 'NS*',
  starts(line) {
    const t = line.trimmed;
    return t.startsWith('NMI backtrace for cpu') || t.startsWith('Sending NMI ') || t.startsWith('** ');
  },
  parse(lines, i, ctx) {
    const t = lines.trimmed(i);
    const sent = SENDING_NMI.exec(t);
    if (sent) {
      ctx.records.nmiRequests.push({
        fromCpu: sent[1] ? Number(sent[1]) : null,
        cpus: sent[2] === 'all CPUs' ? 'all' : cpuList(sent[2].slice(5)),
        span: span(lines, i, i + 1),
      });
      return i + 1;
    }
    if (DROPPED.test(t)) return i + 1;
    const m = NMI_BT.exec(t);
    if (!m) return null;
    const cpu = Number(m[1]);
    ctx.records.nmiAnswered.add(cpu);
    if (m[2]) {
      ctx.records.cpus.push({ cpu, idle: true, current: null, span: span(lines, i, i + 1), format: 'nmi_backtrace' });
      return i + 1;
    }
    announceCpu(ctx, cpu, i + 1, true);
    return i + 1;
  },
};

/**
 * The stack of a CPU a lockup or backtrace headline announced, printed (or pasted) with no
 * `CPU: N PID: N Comm:` line of its own: a knowledge-base page or a mail trims the
 * headline's show_regs down to `RIP:` and `Call Trace:`. watchdog_overflow_callback and
 * nmi_cpu_backtrace dump the CPU's current context, so the trace is the task running on
 * that CPU — with no pid here; the model gives it to the task the dump shows current on
 * that CPU, if one is (model/build.ts).
 */
export const announcedStackParser: FormatParser = {
  name: 'cpu_stack',
  starts(line, ctx) {
    return dmesgState(ctx).announcedCpu?.bare === true && isTraceBodyLine(ctx.frames, line.trimmed);
  },
  parse(lines, i, ctx) {
    const a = dmesgState(ctx).announcedCpu;
    // Only right under the headline (its preamble lines between): the window takeAnnouncedCpu keeps.
    if (!a?.bare || i < a.index || i - a.index > 12 || startsTaskOrCapture(lines.trimmed(i))) return null;
    const tr = readTrace(lines, i, ctx.frames, 512, startsTaskOrCapture);
    if (tr.frames.length === 0) return null;
    const cpu = takeAnnouncedCpu(ctx, i);
    if (cpu === null) return null;
    // printk's caller id `[T18021]` on every line says whose context printed it; an old
    // register dump's `Process nfsd (pid: 2845, …)` line names the task too.
    const caller = callerTaskOf(lines, i, tr.end);
    const rec: TaskRecord = {
      pid: caller ?? tr.process?.pid ?? null,
      comm: caller === null ? (tr.process?.comm ?? null) : null,
      state: 'R',
      cpu,
      taskAddr: null,
      frames: tr.frames,
      frameLines: tr.frameLines,
      onCpu: true,
      span: span(lines, i, tr.end),
      format: 'cpu_dump',
    };
    if (Object.keys(tr.registers).length) rec.registers = tr.registers;
    if (tr.stops.length) rec.stops = tr.stops;
    ctx.records.addTask(rec);
    for (const s of tr.strays) ctx.strays.push(s);
    return tr.end;
  },
};

// `show_regs_print_info`/`dump_stack_print_info` (lib/dump_stack.c):
//   CPU: 1 PID: 123 Comm: kworker/1:2 Not tainted 5.4.0 #1      (6.10+: `CPU: 1 UID: 0 PID: 123 …`; RHEL adds `Kdump: loaded`)
//   Tainted: [W]=WARN, [O]=OOT_MODULE                            (6.11+, the taint flags spelled out)
//   Hardware name: QEMU Standard PC …
//   Workqueue: events fn
//   Stopper: multi_cpu_stop+0x0/0x100 <- migrate_swap+0xb4/0x110   (a CPU stopper's work and
//                                     who queued it: print_stop_info, kernel/stop_machine.c, 5.10+)
// then `__show_regs` and the trace. The task on that CPU is the one printed.
// A line cut after `Kdump: loaded` (the taint and version left out) is still that line.
const CPU_LINE =
  /^CPU: (\d{1,5}) (?:UID: \d{1,10} )?PID: (\d{1,10}) Comm: (.{1,16}?) {1,2}(?:Kdump: loaded(?: |$))?(?:Not tainted|Tainted: |$)/;
// Before 3.15 (dump_stack and x86 show_regs, arch/x86/kernel/dumpstack*.c and
// process_{32,64}.c) the line named the task but not the CPU:
//   Pid: 4422, comm: udevd Not tainted 3.2.0 #2
// The CPU is the one the report right before it names (a lockup headline), if any.
const OLD_PID_LINE = /^Pid: (\d{1,10}), comm: (.{1,20}?) {1,2}(?:Not tainted|Tainted: )/;
/** 3.x/4.x show_regs: `task: ffff… ti: ffff…` (the task_struct address). */
const TASK_ADDR = /^task: ([0-9a-f]{8,16}) /;
const CPU_PREAMBLE =
  /^(?:Hardware name: |Tainted: \[|task: [0-9a-f]{8,16} |Sched_ext: |Stopper: |Modules linked in:|irq event stamp: |hardirqs last |softirqs last )/;

export const cpuDumpParser: FormatParser = {
  name: 'cpu_dump',
  startChars: 'CP',
  starts(line) {
    return line.trimmed.startsWith('CPU: ') || line.trimmed.startsWith('Pid: ');
  },
  parse(lines, i, ctx: ParseContext) {
    const m = CPU_LINE.exec(lines.trimmed(i));
    const old = m ? null : OLD_PID_LINE.exec(lines.trimmed(i));
    if (!m && !old) return null;
    const announced = takeAnnouncedCpu(ctx, i);
    const cpu = m ? Number(m[1]) : announced;
    const pid = Number(m ? m[2] : old![1]);
    const comm = m ? m[3] : old![2];
    if (cpu !== null) notePanicCpu(ctx, i, cpu, { pid, comm, taskAddr: null });
    let j = i + 1;
    let workqueue: { wq: string; fn: string } | null = null;
    const interleaved: number[] = [];
    for (; j < lines.length && j - i < 12; j++) {
      const t = lines.trimmed(j);
      const wq = parseWorkqueueLine(t);
      if (wq) workqueue = wq;
      // Another CPU's csd report printed between this dump's lines (interleave.ts).
      else if (lines.caller(i) === null && isCsdReportLine(t)) interleaved.push(j);
      else if (!CPU_PREAMBLE.test(t)) break;
      // A `Stopper:` line wrapped after its arrow: the queuer's symbol is the next line,
      // not the trace's first frame.
      else if (t.startsWith('Stopper: ') && t.endsWith(' <-')) j++;
    }
    let frames: ReturnType<typeof readTrace>['frames'] = [];
    let frameLines: number[] = [];
    let registers: Record<string, string> = {};
    let strays: readonly number[] = [];
    let stops: Stop[] = [];
    if (j < lines.length && isTraceBodyLine(ctx.frames, lines.trimmed(j))) {
      const tr = readTrace(lines, j, ctx.frames, 512, startsTaskOrCapture);
      frames = tr.frames;
      frameLines = tr.frameLines;
      registers = tr.registers;
      strays = tr.strays;
      stops = tr.stops;
      j = tr.end;
    }
    // 3.x/4.x show_regs prints the task_struct address: `task: ffff… ti: ffff…`.
    let taskAddr: string | null = null;
    for (let k = i + 1; k < Math.min(j, i + 12); k++) {
      const ta = lines.firstCode(k) === 116 /* t */ ? TASK_ADDR.exec(lines.trimmed(k)) : null;
      if (ta) {
        taskAddr = ta[1];
        break;
      }
    }
    const idle = pid === 0 && /^swapper/.test(comm);
    const stuckReason = cpu !== null ? (dmesgState(ctx).stuck.get(cpu) ?? null) : null;
    // Optional fields set one by one (a spread made an object per NMI backtrace).
    const rec: TaskRecord = {
      pid,
      comm,
      state: 'R',
      cpu,
      taskAddr,
      frames,
      frameLines,
      onCpu: true,
      span: span(lines, i, j),
      format: 'cpu_dump',
    };
    if (Object.keys(registers).length) rec.registers = registers;
    if (stops.length) rec.stops = stops;
    if (workqueue) rec.workqueue = workqueue;
    if (idle) rec.idle = true;
    ctx.records.addTask(rec);
    for (const s of interleaved) ctx.strays.push(s);
    for (const s of strays) ctx.strays.push(s);
    if (cpu === null) return j;
    const cpuRec: CpuRecord = { cpu, current: { pid, comm, taskAddr }, span: span(lines, i, j), format: 'cpu_dump' };
    if (idle) cpuRec.idle = true;
    if (stuckReason) {
      cpuRec.stuck = true;
      cpuRec.stuckReason = stuckReason;
    }
    ctx.records.cpus.push(cpuRec);
    return j;
  },
};

/**
 * The `CPU: N PID: N Comm:` line panic() prints right after its own line names the task
 * that panicked: crash's default context (a header-less `bt` pasted later is its stack),
 * and, for a watchdog that panics on the CPU it is about, the stuck CPU and its task when
 * the report's headline was not in the text.
 */
function notePanicCpu(ctx: ParseContext, i: number, cpu: number, task: TaskRef): void {
  const state = dmesgState(ctx);
  const at = state.panicAt;
  const panic = ctx.records.panic;
  if (at === null || !panic || i - at > 3) return;
  state.panicAt = null;
  panic.cpu ??= cpu;
  panic.task = task;
  if (!ctx.crash.currentTask) {
    ctx.crash.currentTask = task;
    ctx.crash.currentCpu = cpu;
  }
  const known = panicReason(panic.reason);
  if (!known?.onStuckCpu) return;
  const report = ctx.records.reports.find((r) => r.kind === known.kind);
  if (!report || (report.cpu != null && report.cpu !== cpu)) return;
  report.cpu = cpu;
  report.task ??= task;
  state.stuck.set(cpu, panic.reason);
}
