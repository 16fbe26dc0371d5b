// For each task: what it waits on, named from the wait-semantics table.

import { CALLER_RULES, GENERIC_WAITS, SPIN_HELPERS, isGenericFrame, matchWaitRule, type WaitRule } from '../knowledge/waits.js';
import type { Model, ModelTask } from '../model/build.js';
import type { ParsedFrame } from '../parse/records.js';

export interface TaskWait {
  task: ModelTask;
  rule: WaitRule;
  /** The frame that names the wait. */
  frame: ParsedFrame;
  /** The outermost frame of the same wait kind right below `frame` (the API the caller
   *  used: `mutex_lock` over `__mutex_lock`, `synchronize_rcu` over `__wait_rcu_gp`). */
  api: ParsedFrame;
  /** The wait's frames from the API inwards (`synchronize_net → synchronize_rcu → __wait_rcu_gp`). */
  run: string[];
  /** First caller frame that is neither plumbing nor a wait primitive: "who asked". */
  culprit: ParsedFrame | null;
  /** From caller rules: the work function / workqueue being flushed. */
  work: string | null;
  wq: string | null;
  ruleSource: string | null;
  /** Lock / csd address read from the spinning frame's argument register. */
  argAddr: string | null;
}

/** How many non-generic frames may precede the one that names the wait. */
const MAX_UNNAMED = 2;

/** The frames of the task's own context, innermost first (interrupt handlers dropped). */
export function taskContextFrames(t: ModelTask): ParsedFrame[] {
  return t.frames.filter((f) => f.context !== 'irq' && f.context !== 'nmi');
}

export function findWait(t: ModelTask, arch: string | null): TaskWait | null {
  const frames = taskContextFrames(t);
  let unnamed = 0;
  let generic: { k: number; rule: WaitRule } | null = null;
  for (let k = 0; k < frames.length; k++) {
    const f = frames[k];
    if (isGenericFrame(f.fn) || SPIN_HELPERS.test(f.fn)) {
      const g: (typeof GENERIC_WAITS)[number] | undefined = f.reliable && !generic ? GENERIC_WAITS.find((x) => x.fn.test(f.fn)) : undefined;
      if (g) generic = { k, rule: { fn: g.fn, kind: g.kind, what: g.what } };
      continue;
    }
    if (!f.reliable) continue;
    const rule = matchWaitRule(f.fn);
    if (!rule) {
      if (++unnamed > MAX_UNNAMED) return generic ? genericWait(t, frames, generic.k, generic.rule) : null;
      continue;
    }
    // A sleep-and-retry loop is how a wait is done, not what it waits for: when its caller
    // names a wait of its own (netdev_wait_allrefs → msleep), that caller says what.
    if (rule.kind === 'poll_sleep') {
      for (let c = k + 1; c < frames.length; c++) {
        if (isGenericFrame(frames[c].fn) || !frames[c].reliable) continue;
        const outer = matchWaitRule(frames[c].fn);
        if (outer && outer.kind !== 'poll_sleep') return findWaitAt(t, frames, c, outer, arch);
        break;
      }
    }
    return findWaitAt(t, frames, k, rule, arch);
  }
  return generic ? genericWait(t, frames, generic.k, generic.rule) : null;
}

function findWaitAt(t: ModelTask, frames: ParsedFrame[], k: number, rule: WaitRule, arch: string | null): TaskWait {
  const f = frames[k];
  {
    let work: string | null = null;
    let wq: string | null = null;
    let ruleSource: string | null = null;
    for (const cr of CALLER_RULES) {
      if (cr.kind !== rule.kind) continue;
      const hit = frames.slice(k, k + 1 + cr.within).some((c) => cr.caller.test(c.fn));
      if (hit) {
        work = cr.work ?? null;
        wq = cr.wq ?? null;
        ruleSource = cr.source;
        break;
      }
    }
    let api = f;
    const run = [f.fn];
    for (let c = k + 1; c < frames.length; c++) {
      const fn = frames[c].fn;
      if (isGenericFrame(fn) || !frames[c].reliable) continue;
      if (matchWaitRule(fn)?.kind !== rule.kind) break;
      api = frames[c];
      if (!run.includes(fn)) run.unshift(fn);
    }
    let culprit: ParsedFrame | null = null;
    for (let c = k + 1; c < frames.length; c++) {
      const fn = frames[c].fn;
      if (isGenericFrame(fn) || matchWaitRule(fn) || !frames[c].reliable) continue;
      culprit = frames[c];
      break;
    }
    // The argument register is meaningful only where the CPU was stopped inside the
    // spinning function itself (the exception/NMI frame), not for a sleeping task.
    let argAddr: string | null = null;
    const reg = rule.argReg?.[(arch === 'arm64' ? 'arm64' : 'x86_64') as 'x86_64' | 'arm64'];
    if (reg && f.isIp && t.registers?.[reg] && /^[0-9a-f]{16}$/.test(t.registers[reg]) && t.registers[reg] !== '0000000000000000') {
      argAddr = t.registers[reg];
    }
    return { task: t, rule, frame: f, api, run, culprit, work, wq, ruleSource, argAddr };
  }
}

/** A wait named only by generic plumbing (wait_for_completion, io_schedule). */
function genericWait(t: ModelTask, frames: ParsedFrame[], k: number, rule: WaitRule): TaskWait {
  const f = frames[k];
  let culprit: ParsedFrame | null = null;
  for (let c = k + 1; c < frames.length; c++) {
    if (isGenericFrame(frames[c].fn) || !frames[c].reliable) continue;
    culprit = frames[c];
    break;
  }
  return { task: t, rule, frame: f, api: f, run: [f.fn], culprit, work: null, wq: null, ruleSource: null, argAddr: null };
}

export function findWaits(model: Model, arch: string | null): Map<string, TaskWait> {
  const out = new Map<string, TaskWait>();
  for (const t of model.tasks) {
    if (t.idle || t.frames.length === 0) continue;
    // A sleeping task's wait matters when it is blocked (D) or when we know nothing of
    // its state; a running task's spin matters when it is on a CPU (spins, not sleeps).
    const w = findWait(t, arch);
    if (!w) continue;
    if (t.state === 'S' && !w.rule.spins && !t.onCpu && w.rule.kind === 'event') continue;
    if (t.idle) continue;
    out.set(t.id, w);
  }
  return out;
}
