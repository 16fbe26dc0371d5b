// CPU-level waits: cross-CPU calls not answered, try_to_wake_up spinning on a task
// still on its CPU, CPUs occupied by a spinning task, idle CPUs with queued work.
// Each resolver returns its facts; graph/cpus.ts draws them in the order given.

import type { Confidence, EdgeKind, Span } from '../contract.js';
import type { TaskWait } from '../waits/find.js';
import { X86_EFLAGS_IF } from '../knowledge/arch.js';
import { readCfd, readCpumask, readCsd } from '../knowledge/structs.js';
import { panicReason } from '../knowledge/panic-reasons.js';
import { isRcuGpKthreadFrame } from '../knowledge/rcu.js';
import { cpuOfPercpuAddr, type Model, type ModelCpu, type ModelTask } from '../model/build.js';

/** A task spinning until other CPUs run its cross-CPU call (csd_lock_wait). */
export interface IpiResult {
  waiter: ModelTask;
  cpu: number | null;
  /** The CPUs that have not answered, in the order first named. */
  pending: { cpu: number; why: string; evidence: Span[]; confidence: Confidence }[];
  answered: number[];
  wait: TaskWait;
  /** What the waiter spins for: a cross-CPU call (csd), or the other CPUs of a stop
   *  machine to reach its next state (multi_cpu_stop). */
  awaits: 'call' | 'stop';
}

/** A CPU the kernel reports waiting for another to run its call, with no task of the
 *  waiting CPU in the text to hang it on. */
export interface ReportedIpiWait {
  fromCpu: number;
  toCpu: number;
  why: string;
  evidence: Span[];
}

export interface ResolvedIpis {
  results: IpiResult[];
  reported: ReportedIpiWait[];
}

export function resolveIpis(model: Model, waits: Map<string, TaskWait>): ResolvedIpis {
  const csds = model.records.structs.flatMap((d) => {
    const c = readCsd(d);
    return c ? [{ ...c, cpu: cpuOfPercpuAddr(model, c.addr), span: d.span }] : [];
  });
  const masks = model.records.structs.flatMap((d) => {
    const m = readCpumask(d);
    return m ? [{ ...m, span: d.span }] : [];
  });
  const cfds = model.records.structs.flatMap((d) => {
    const c = readCfd(d);
    return c ? [{ ...c, span: d.span }] : [];
  });
  // Indexed once: a text with a waiter on every CPU (512 CPUs in csd_lock_wait, in
  // rounds) would otherwise scan every record, csd and CPU per waiter.
  // Per waiting CPU, the kernel's last statement about each target (a later report of
  // the same pair replaces an earlier one), in the order the targets were first named.
  const ipiByFrom = new Map<number, Map<number, (typeof model.records.ipiWaits)[number]>>();
  for (const r of model.records.ipiWaits) {
    let byTo = ipiByFrom.get(r.fromCpu);
    if (!byTo) ipiByFrom.set(r.fromCpu, (byTo = new Map()));
    byTo.set(r.toCpu, r);
  }
  const csdByAddr = new Map<string, (typeof csds)[number]>();
  for (const c of csds) if (!csdByAddr.has(c.addr)) csdByAddr.set(c.addr, c);
  const cfdByCpu = new Map<number | null, (typeof cfds)[number]>();
  for (const c of cfds) if (!cfdByCpu.has(c.cpu)) cfdByCpu.set(c.cpu, c);
  const baseByCpu = new Map<number, (typeof model.percpuBases)[number]>();
  for (const b of model.percpuBases) if (!baseByCpu.has(b.cpu)) baseByCpu.set(b.cpu, b);
  const answeredCsdCpus: number[] = [];
  for (const c of csds) if (!c.locked && c.cpu !== null) answeredCsdCpus.push(c.cpu);
  const irqsOff = cpusWithIrqsOff(model);
  const hardLocked = hardLockedCpus(model);
  const out: IpiResult[] = [];
  for (const w of waits.values()) {
    const stop = isStopperSpin(w);
    if (w.rule.kind !== 'ipi' && !stop) continue;
    const t = w.task;
    const pending = new Map<number, { why: string; evidence: Span[]; conf?: Confidence }>();
    if (stop) {
      stopPartners(t, masks, hardLocked, model, pending);
      addIrqsOffCpus(t, irqsOff, pending, 'take part in the stop');
      // With no CPU named, the stop stays a wait for the stopper threads (externals).
      if (pending.size > 0) out.push(ipiResult(t, w, pending, [], 'stop'));
      continue;
    }
    // 0. The kernel's CSD-lock debugging names the CPU it waits for: certain.
    for (const r of (t.cpu !== null ? ipiByFrom.get(t.cpu)?.values() : undefined) ?? []) {
      if (r.toCpu === t.cpu) continue;
      const secs = r.waitedNs !== null ? ` for ${(r.waitedNs / 1e9).toFixed(0)} s` : '';
      pending.set(r.toCpu, {
        why: `the kernel reports cpu ${r.fromCpu} waiting${secs} for cpu ${r.toCpu} to run ${r.func ?? 'its call'} (non-responsive CSD lock)`,
        evidence: [r.span],
        conf: 'certain',
      });
    }
    const answered = new Set<number>();
    // 1. The csd being polled is in a register of the spinning frame (csd_lock_wait's
    //    `testb $0x1, 0x20(%rcx)` style loop): its CPU is the one not answering.
    const regs = t.registers;
    if (regs) {
      for (const reg of Object.keys(regs)) {
        const c = csdByAddr.get(regs[reg]);
        if (c && c.locked && c.cpu !== null && c.cpu !== t.cpu) {
          pending.set(c.cpu, {
            why: `${reg.toUpperCase()} holds csd ${c.addr} of cpu ${c.cpu}, whose CSD_FLAG_LOCK is still set`,
            evidence: [c.span, ...(t.framesSpan ? [t.framesSpan] : [])],
          });
        }
      }
    }
    // 2. The sender's call_function_data: the mask it sent to, and each target's csd at
    //    per-cpu base + cfd->csd. flags & CSD_FLAG_LOCK = not yet answered.
    const cfd = cfdByCpu.get(t.cpu);
    if (cfd) {
      const sent = masks.find((m) => m.addr !== null && m.addr === cfd.cpumaskAddr);
      for (const cpu of sent?.cpus ?? []) {
        if (cpu === t.cpu) continue;
        const base = baseByCpu.get(cpu);
        const csdAddr = base && cfd.csdOffset ? (base.base + BigInt('0x' + cfd.csdOffset)).toString(16) : null;
        const csd = csdAddr ? csdByAddr.get(csdAddr) : undefined;
        if (csd && !csd.locked) answered.add(cpu);
        else if (csd && csd.locked && !pending.has(cpu))
          pending.set(cpu, {
            why: `cpu ${t.cpu} sent it a call (cfd cpumask) and its csd ${csd.addr} is still locked`,
            evidence: [cfd.span, sent!.span, csd.span],
          });
        else if (!csd && !pending.has(cpu))
          pending.set(cpu, {
            why: `cpu ${t.cpu} sent it a call (cfd cpumask); whether it answered is not in the dump`,
            evidence: [cfd.span, sent!.span],
          });
      }
    }
    for (const cpu of answeredCsdCpus) answered.add(cpu);
    for (const a of answered) pending.delete(a);
    // 3. Nothing names the target: all-CPU backtraces show which CPU runs with
    //    interrupts disabled (x86 EFLAGS.IF, bit 9, clear) and so cannot take the IPI.
    addIrqsOffCpus(t, irqsOff, pending, 'run the call');
    out.push(ipiResult(t, w, pending, [...answered], 'call'));
  }
  // The kernel's statement stands on its own when the waiting CPU's stack is not in the
  // text (or shows no csd_lock_wait): the CPU waits for the other one.
  const byTask = new Set(out.map((r) => r.cpu));
  const reported: ReportedIpiWait[] = [];
  for (const r of model.records.ipiWaits) {
    if (byTask.has(r.fromCpu) || r.toCpu === r.fromCpu) continue;
    const secs = r.waitedNs !== null ? ` for ${(r.waitedNs / 1e9).toFixed(0)} s` : '';
    reported.push({
      fromCpu: r.fromCpu,
      toCpu: r.toCpu,
      why: `the kernel reports cpu ${r.fromCpu} waiting${secs} for cpu ${r.toCpu} to run ${r.func ?? 'its call'} (non-responsive CSD lock)`,
      evidence: [r.span],
    });
  }
  return { results: out, reported };
}

type Pending = Map<number, { why: string; evidence: Span[]; conf?: Confidence }>;

function ipiResult(
  t: ModelTask,
  w: TaskWait,
  pending: Pending,
  answered: number[],
  awaits: 'call' | 'stop',
): IpiResult {
  return {
    waiter: t,
    cpu: t.cpu,
    pending: [...pending].map(([cpu, p]) => ({
      cpu,
      why: p.why,
      evidence: p.evidence,
      confidence: p.conf ?? (p.why.includes('not in the dump') ? 'guess' : 'likely'),
    })),
    answered,
    wait: w,
    awaits,
  };
}

/** Nothing else names the target: all-CPU backtraces show which CPU runs with interrupts
 *  disabled (x86 EFLAGS.IF, bit 9, clear), and so can neither take the IPI nor let its
 *  stopper thread run. */
function addIrqsOffCpus(
  t: ModelTask,
  irqsOff: ReturnType<typeof cpusWithIrqsOff>,
  pending: Pending,
  what: string,
): void {
  if (pending.size > 0) return;
  for (const { c, cur, fl } of irqsOff) {
    if (c.cpu === t.cpu || cur === t) continue;
    pending.set(c.cpu, {
      why: `cpu ${c.cpu} runs ${cur.comm ?? 'a task'} with interrupts disabled (EFLAGS ${fl}: IF clear), so it cannot ${what}`,
      evidence: [...c.evidence.slice(0, 2), ...(cur.framesSpan ? [cur.framesSpan] : [])],
      conf: 'likely',
    });
  }
}

/** A CPU stopper running a stop_machine / stop_two_cpus request: multi_cpu_stop
 *  (kernel/stop_machine.c, 3.12+) loops, calling stop_machine_yield(cpumask), until
 *  every CPU of the stop has acked the current state (thread_ack). It spins (never
 *  sleeps) waiting for the other CPUs' stoppers. The callers of stop_machine() wait
 *  in stop_machine_cpuslocked / stop_two_cpus and sleep: not this. */
function isStopperSpin(w: TaskWait): boolean {
  return w.rule.kind === 'stop_machine' && /^multi_cpu_stop(?:\.|$)/.test(w.frame.fn);
}

/** The CPUs a spinning stopper waits for. A `struct cpumask` of the text at an address
 *  the spinning frames hold in a register (stop_machine_yield(msdata->active_cpus)
 *  takes it in its first argument) names the stop's other CPUs; a CPU the text reports
 *  hard-locked (interrupts off for seconds: its stopper thread cannot run) is one it
 *  waits for. */
function stopPartners(
  t: ModelTask,
  masks: { addr: string | null; cpus: number[]; span: Span }[],
  hardLocked: Map<number, Span>,
  model: Model,
  pending: Pending,
): void {
  const regs = new Set(Object.values(t.registers ?? {}));
  for (const m of masks) {
    if (m.addr === null || !regs.has(m.addr)) continue;
    for (const cpu of m.cpus) {
      if (cpu === t.cpu || pending.has(cpu)) continue;
      pending.set(cpu, {
        why: `the stop's cpumask ${m.addr} (in a register of the spinning frames) names cpu ${cpu}; the stopper spins until every CPU of the stop acks its state`,
        evidence: [m.span, ...(t.framesSpan ? [t.framesSpan] : [])],
      });
    }
  }
  if (pending.size > 0) return;
  for (const [cpu, span] of hardLocked) {
    if (cpu === t.cpu) continue;
    const cur = model.cpus.get(cpu)?.current;
    const other = cur ? model.taskById.get(cur) : undefined;
    if (other && /^migration\/\d+$/.test(other.comm ?? '')) continue;
    pending.set(cpu, {
      why: `cpu ${cpu} is reported hard-locked (interrupts off), so its stopper thread cannot run the stop`,
      evidence: [span],
    });
  }
}

/** CPUs a hard-lockup report names, with the report's span. */
function hardLockedCpus(model: Model): Map<number, Span> {
  const out = new Map<number, Span>();
  for (const r of model.records.reports)
    if (r.kind === 'hard_lockup' && r.cpu != null && !out.has(r.cpu)) out.set(r.cpu, r.span);
  return out;
}

/** CPUs whose current task runs with interrupts disabled (x86 EFLAGS.IF, bit 9, clear),
 *  in the model's CPU order. */
function cpusWithIrqsOff(model: Model) {
  const out: { c: ModelCpu; cur: ModelTask; fl: string }[] = [];
  for (const c of model.cpus.values()) {
    if (c.idle || !c.current) continue;
    const cur = model.taskById.get(c.current);
    if (!cur || cur.idle) continue;
    const fl = cur.registers?.eflags ?? cur.registers?.rflags;
    if (!fl || !/^[0-9a-f]{1,16}$/.test(fl) || (Number.parseInt(fl, 16) & X86_EFLAGS_IF) !== 0) continue;
    out.push({ c, cur, fl });
  }
  return out;
}

/** A task spinning in try_to_wake_up until the task it wakes leaves its CPU. */
export interface Wakeup {
  waker: ModelTask;
  woken: ModelTask;
  why: string;
  evidence: Span[];
}

/** try_to_wake_up spinning on `p->on_cpu`: p is the task_struct held in a register. */
export function resolveWakeups(model: Model, waits: Map<string, TaskWait>): Wakeup[] {
  const out: Wakeup[] = [];
  for (const w of waits.values()) {
    if (w.rule.kind !== 'ttwu_on_cpu' || !w.frame.isIp) continue;
    const t = w.task;
    const regs = t.registers ?? {};
    const targets = new Map<string, string>();
    for (const [reg, v] of Object.entries(regs)) {
      const other = model.taskByAddr.get(v);
      if (other && other !== t) targets.set(other.id, reg);
    }
    for (const [id, reg] of targets) {
      const other = model.taskById.get(id)!;
      out.push({
        waker: t,
        woken: other,
        why: `${t.comm ?? 'the task'} spins in try_to_wake_up until ${other.comm ?? 'the woken task'} leaves its CPU (while (p->on_cpu) cpu_relax()); ${reg.toUpperCase()} holds that task_struct ${other.taskAddr}`,
        evidence: t.framesSpan ? [t.framesSpan] : [],
      });
    }
  }
  return out;
}

export interface StarvedCpu {
  cpu: number;
  /** Tasks queued on the idle CPU (none when `notExecuting` says why instead). */
  runnable: string[];
  /** Why the CPU is taken not to execute at all (a silent NMI, a starved RCU kthread). */
  notExecuting?: string;
  evidence: Span[];
}

/**
 * Requests that name a CPU kept as its evidence: the first few say it. A text of
 * thousands of `Sending NMI …` lines would otherwise give every CPU thousands of spans
 * (and copying the list per request made it quadratic).
 */
const MAX_CPU_EVIDENCE = 8;
function addEvidence(by: Map<number, Span[]>, cpu: number, sp: Span): void {
  const list = by.get(cpu);
  if (!list) by.set(cpu, [sp]);
  else if (list.length < MAX_CPU_EVIDENCE) list.push(sp);
}

/** A link from a CPU: starved by the hypervisor (or firmware), or occupied by its task. */
export interface CpuLink {
  cpu: number;
  /** The CPU node's evidence. */
  cpuEvidence: Span[];
  to: { hypervisor: string } | { task: ModelTask };
  kind: EdgeKind;
  confidence: Confidence;
  why: string;
  evidence: Span[];
}

/** A task on the run queue of a CPU whose current task does not leave it: it waits for
 *  that CPU (the CPU is occupied by the current task, an on_cpu link). */
export interface QueuedOnCpu {
  task: ModelTask;
  cpu: number;
  why: string;
  evidence: Span[];
}

export interface ResolvedCpus {
  starved: StarvedCpu[];
  links: CpuLink[];
  queued: QueuedOnCpu[];
}

/**
 * The task the dump shows running on `cpu` when it is neither idle, nor the RCU
 * grace-period kthread (whose own `R running task` line says it is runnable, not that it
 * runs), nor khungtaskd printing its report (the hung-task check runs in its own thread,
 * briefly: its `CPU: N` line is where the report was printed, not what held the CPU),
 * with the lines that say so; else undefined. The watchdogs that run in an interrupt
 * (soft lockup, RCU, workqueue timers) do show the task they interrupted.
 */
function runningTask(model: Model, cpu: number): { task: ModelTask; evidence: Span[] } | undefined {
  const c = model.cpus.get(cpu);
  const cur = c?.current ? model.taskById.get(c.current) : undefined;
  if (!c || !cur || c.idle || cur.idle) return undefined;
  const known = model.records.frames;
  for (const f of cur.frames)
    if (isRcuGpKthreadFrame(f.fn) || known.reportFrame(f)?.kind === 'hung_task') return undefined;
  // The task that printed a panic which does not come from the stuck CPU (khungtaskd's
  // `hung_task: blocked tasks`, knowledge/panic-reasons.ts) was only reporting.
  const panic = model.records.panic;
  if (panic?.task?.pid != null && panic.task.pid === cur.pid && !panicReason(panic.reason)?.onStuckCpu)
    return undefined;
  return { task: cur, evidence: c.evidence.slice(0, 2) };
}

/** RCU's grace-period kthread, by its function (kernel/rcu/tree.c rcu_gp_kthread, 3.12+)
 *  or its name (`rcu_preempt`, `rcu_sched`, `rcu_bh`: the kthread is named after its flavor). */
function isGpKthread(t: ModelTask): boolean {
  return (
    t.frames.some((f) => f.fn === 'rcu_gp_kthread') ||
    (t.comm !== null && /^rcu_(?:preempt|sched|bh)$/.test(t.comm) && t.frames.length > 0)
  );
}

/** Idle CPUs with runnable tasks queued: the CPU is not being run (a starved vCPU). */
export function resolveCpus(
  model: Model,
  waits: Map<string, TaskWait>,
  ipis: IpiResult[],
  spinners: ReadonlySet<string> = new Set(),
): ResolvedCpus {
  const starved: StarvedCpu[] = [];
  const links: CpuLink[] = [];
  const queued: QueuedOnCpu[] = [];
  const hypervisor = model.virtualized ? 'hypervisor (vCPU not scheduled)' : 'hypervisor / firmware';
  const targeted = new Set(ipis.flatMap((r) => r.pending.map((p) => p.cpu)));
  // CPUs that do not answer an NMI backtrace request, or on which RCU's grace-period
  // kthread is runnable yet starved: the CPU itself is not executing.
  const silent = new Map<number, Span[]>();
  for (const r of model.records.nmiRequests) {
    if (r.cpus === 'all') continue;
    for (const c of r.cpus) if (!model.records.nmiAnswered.has(c) && c !== r.fromCpu) addEvidence(silent, c, r.span);
  }
  const starvedGp = new Map<number, Span[]>();
  for (const s of model.records.rcuStarvedOn) addEvidence(starvedGp, s.cpu, s.span);
  const gpKthread = starvedGp.size > 0 ? model.tasks.find(isGpKthread) : undefined;
  for (const cpu of new Set([...silent.keys(), ...starvedGp.keys()])) {
    const both = silent.has(cpu) && starvedGp.has(cpu);
    const ev = [...(silent.get(cpu) ?? []), ...(starvedGp.get(cpu) ?? [])];
    // The starved kthread itself (its stack dumped after the starvation line) waits for
    // that CPU: runnable there (->state=0x0), it cannot go on until the CPU runs it.
    if (gpKthread && starvedGp.has(cpu))
      queued.push({
        task: gpKthread,
        cpu,
        why: `${gpKthread.comm ?? "RCU's grace-period kthread"} is runnable on cpu ${cpu} (->state=0x0 ->cpu=${cpu}) but starved: it cannot go on until that CPU runs it`,
        evidence: [...(starvedGp.get(cpu) ?? []), ...gpKthread.evidence.slice(0, 1)],
      });
    // A CPU that answers (no silent NMI) and that the dump shows running a task other than
    // the grace-period kthread is executing: that task is what keeps the kthread off it
    // (an RT hog, an hrtimer storm), not the hypervisor.
    const busy = silent.has(cpu) ? undefined : runningTask(model, cpu);
    if (busy) {
      links.push({
        cpu,
        cpuEvidence: ev,
        to: { task: busy.task },
        kind: 'on_cpu',
        confidence: 'likely',
        why: `RCU's grace-period kthread is runnable on cpu ${cpu} but starved, and ${busy.task.comm ?? 'a task'} (${busy.task.pid ?? '?'}) is running there`,
        evidence: [...ev, ...busy.evidence],
      });
      continue;
    }
    const why = [
      silent.has(cpu) ? 'it never answered an NMI backtrace request' : null,
      starvedGp.has(cpu) ? "RCU's grace-period kthread is runnable there but starved" : null,
    ]
      .filter(Boolean)
      .join(' and ');
    starved.push({ cpu, runnable: [], notExecuting: why, evidence: ev });
    links.push({
      cpu,
      cpuEvidence: ev,
      to: { hypervisor },
      kind: 'starved_by',
      confidence: model.virtualized || both ? 'likely' : 'guess',
      why: `cpu ${cpu} is not executing: ${why}${model.virtualized ? ' (a virtual machine: the host is not running this vCPU)' : ''}`,
      evidence: ev,
    });
  }
  for (const c of model.cpus.values()) {
    if (silent.has(c.cpu) || starvedGp.has(c.cpu)) continue;
    const cur = c.current ? model.taskById.get(c.current) : undefined;
    const idle = c.idle || (cur?.idle ?? false);
    if (idle && c.runnable.length > 0) {
      starved.push({ cpu: c.cpu, runnable: c.runnable, evidence: c.evidence });
      links.push({
        cpu: c.cpu,
        cpuEvidence: c.evidence,
        to: { hypervisor },
        kind: 'starved_by',
        confidence: model.virtualized ? 'likely' : 'guess',
        why: `cpu ${c.cpu} is idle yet ${c.runnable.length} task(s) wait on its runqueue${targeted.has(c.cpu) ? ' and it does not answer IPIs' : ''}: the CPU itself is not running${model.virtualized ? ' (a virtual machine: the host is not scheduling this vCPU)' : ''}`,
        evidence: c.evidence,
      });
    }
    // A stuck CPU, or a CPU someone waits on, is occupied by its current task. The idle
    // task counts only when it spins itself: then an interrupt (an IPI handler, say) on
    // top of idle is what holds the CPU (spinlock_debug's `swapper/3/0` in drain_pages).
    const spins = cur ? Boolean(waits.get(cur.id)?.rule.spins) || spinners.has(cur.id) : false;
    if (cur && (!cur.idle || spins) && (c.stuck || targeted.has(c.cpu) || spins)) {
      links.push({
        cpu: c.cpu,
        cpuEvidence: c.evidence,
        to: { task: cur },
        kind: 'on_cpu',
        confidence: 'certain',
        why: `${cur.comm ?? 'the task'} is running on cpu ${c.cpu}`,
        evidence: [...c.evidence.slice(0, 2), ...cur.evidence.slice(0, 1)],
      });
    }
  }
  for (const c of model.cpus.values()) {
    if (!c.hog) continue;
    const hog = model.taskById.get(c.hog.task);
    for (const id of c.runnable) {
      const t = model.taskById.get(id);
      if (!t || !hog) continue;
      queued.push({
        task: t,
        cpu: c.cpu,
        why: `${t.comm ?? 'the task'} is runnable on cpu ${c.cpu}'s run queue, and ${hog.comm ?? 'the current task'} (${hog.pid}) has not left that CPU for ${c.hog.seconds}s`,
        evidence: [...t.evidence.slice(0, 2), ...c.evidence.slice(0, 2)],
      });
    }
  }
  return { starved, links, queued };
}
