// Work items and workqueues: which worker runs which work, and who flushes what.
//
// A flush waits for work to finish, so its link points at the work (or the queue), and
// from there `runs` links point at the kworkers executing it. The runner is certain
// only when the dump names it (`Workqueue: events fn` / busy-workqueue `in-flight:`).
// The resolver returns these links in the order graph/works.ts draws them.

import type { Confidence, EdgeKind, Span, Work } from '../contract.js';
import type { TaskWait } from '../waits/find.js';
import { kworkerKind, workqueueInfo } from '../knowledge/workqueues.js';
import { mergeSpans, type Model, type ModelCpu, type ModelTask } from '../model/build.js';

interface Running {
  task: ModelTask;
  fn: string;
  wq: string | null;
  stated: boolean;
  evidence: Span[];
}

/** The work function a kworker is executing: the frame called by process_one_work. */
export function runningWork(
  t: ModelTask,
  memo?: Map<ModelTask['frames'], number>,
): { fn: string; line: number } | null {
  let at = memo?.get(t.frames);
  if (at === undefined) {
    at = workFrameIndex(t.frames);
    memo?.set(t.frames, at);
  }
  return at < 0 ? null : { fn: t.frames[at].fn, line: t.frameLines[at] ?? 0 };
}

/** Index of the frame process_one_work called (the work function), or -1. */
function workFrameIndex(frames: ModelTask['frames']): number {
  let k = -1;
  for (let j = 0; j < frames.length; j++) {
    if (frames[j].fn === 'process_one_work') {
      k = j;
      break;
    }
  }
  for (let j = k - 1; j >= 0; j--) if (frames[j].reliable) return j;
  return -1;
}

export interface FlushTarget {
  id: string;
  what: string;
}

/** A node a work link needs: a task, a work item / workqueue, or the CPU a per-CPU item waits for. */
export type WorkNode = { task: ModelTask } | { id: string; type: 'work' | 'wq' | 'cpu'; label: string };

/** One decided link (flushes, runs, waits_event), with the nodes it needs, in the order
 *  they are first met. */
export interface WorkLink {
  nodes: WorkNode[];
  from: string;
  to: string;
  kind: EdgeKind;
  confidence: Confidence;
  why: string;
  evidence: Span[];
}

export interface ResolvedWorks {
  links: WorkLink[];
  works: Work[];
  /** Flushes for which no running worker was found. */
  unresolvedFlushes: { waiter: ModelTask; target: FlushTarget; wait: TaskWait }[];
}

/** In-flight entries of one worker kept as the evidence that it runs its work. */
const MAX_RUNNING_EVIDENCE = 8;
/** Stuck CPUs a flush of per-CPU work is drawn waiting for (a 2000-CPU lockup needs not all). */
const MAX_STUCK_CPU_LINKS = 16;

export function resolveWorks(model: Model, waits: Map<string, TaskWait>): ResolvedWorks {
  const links: WorkLink[] = [];
  // Work nodes the links made so far (a pending work waits only behind one that is drawn).
  const workNodes = new Set<string>();
  const link = (
    nodes: WorkNode[],
    from: string,
    to: string,
    kind: EdgeKind,
    confidence: Confidence,
    why: string,
    evidence: Span[],
  ) => {
    for (const n of nodes) if ('id' in n) workNodes.add(n.id);
    links.push({ nodes, from, to, kind, confidence, why, evidence });
  };
  const running: Running[] = [];
  const memo = new Map<ModelTask['frames'], number>();
  for (const t of model.tasks) {
    const frame = runningWork(t, memo);
    if (t.workqueue) {
      running.push({ task: t, fn: t.workqueue.fn, wq: t.workqueue.wq, stated: true, evidence: t.evidence.slice(0, 2) });
    } else if (frame) {
      running.push({
        task: t,
        fn: frame.fn,
        wq: null,
        stated: false,
        evidence: [{ line: frame.line, endLine: frame.line }],
      });
    }
  }
  const runningByTask = new Map(running.map((r) => [r.task, r]));
  // Busy-workqueue dumps: `in-flight: 4790:qxl_fb_work`.
  for (const w of model.records.works) {
    if (w.state !== 'running' || w.workerPid == null) continue;
    const t = model.taskById.get(`task:${w.workerPid}`);
    if (!t) continue;
    const r = runningByTask.get(t);
    if (r) {
      r.wq ??= w.wq;
      r.stated = true;
      // The first few entries say it: a text listing one worker thousands of times made
      // this scan-and-push quadratic (512 KB of one in-flight line: 4.9 s).
      if (r.evidence.length < MAX_RUNNING_EVIDENCE && !r.evidence.some((e) => e.line === w.span.line))
        r.evidence.push(w.span);
    } else {
      const nr: Running = { task: t, fn: w.fn, wq: w.wq, stated: true, evidence: [w.span] };
      running.push(nr);
      runningByTask.set(t, nr);
    }
  }
  const runningByFn = new Map<string, Running[]>();
  for (const r of running) {
    let l = runningByFn.get(r.fn);
    if (!l) runningByFn.set(r.fn, (l = []));
    l.push(r);
  }

  const works = new Map<string, Work>();
  const addWork = (
    id: string,
    type: 'work' | 'wq',
    name: string,
    wq: string | null,
    state: Work['state'],
    ev: Span[],
  ): Work => {
    let w = works.get(id);
    if (!w) {
      w = { id, type, name, workqueue: wq, runners: [], state, evidence: [] };
      works.set(id, w);
    }
    // Spans are merged once at the end: a work flushed by thousands of tasks must not
    // re-sort its evidence each time.
    if (w.evidence.length < 64) w.evidence.push(...ev.slice(0, 64 - w.evidence.length));
    if (state === 'running') w.state = 'running';
    return w;
  };
  for (const w of model.records.works) addWork(`work:${w.fn}`, 'work', w.fn, w.wq, w.state, [w.span]);

  const linked = new Set<string>();
  const unresolved: { waiter: ModelTask; target: FlushTarget; wait: TaskWait }[] = [];
  const blockedWorker = (r: Running) => waits.has(r.task.id) || r.task.state === 'D';
  const blockedRunning = running.filter(blockedWorker);
  const blockedNoWq = blockedRunning.filter((r) => !r.wq);
  const runningByWq = new Map<string, Running[]>();
  for (const r of running) {
    if (!r.wq) continue;
    let l = runningByWq.get(r.wq);
    if (!l) runningByWq.set(r.wq, (l = []));
    l.push(r);
  }
  /** Up to n entries of `list` other than task t. */
  const firstOthers = (list: Running[], t: ModelTask, n: number): Running[] => {
    const out: Running[] = [];
    for (const r of list) {
      if (r.task === t) continue;
      out.push(r);
      if (out.length >= n) break;
    }
    return out;
  };

  /** The one workqueue the busy-workqueue dump shows work in flight on, if one. */
  let onlyBusy: { wq: string; span: Span } | null | undefined;
  const onlyBusyWorkqueue = (): { wq: string; span: Span } | null => {
    if (onlyBusy !== undefined) return onlyBusy;
    onlyBusy = null;
    for (const r of model.records.works) {
      if (r.state !== 'running' || r.workerPid == null || r.wq === null) continue;
      if (onlyBusy && onlyBusy.wq !== r.wq) return (onlyBusy = null);
      onlyBusy ??= { wq: r.wq, span: r.span };
    }
    return onlyBusy;
  };
  const barrierOf = new Map<number, (typeof model.records.workBarriers)[number]>();
  for (const b of model.records.workBarriers) if (!barrierOf.has(b.pid)) barrierOf.set(b.pid, b);
  for (const w of waits.values()) {
    if (w.rule.kind !== 'flush_work' && w.rule.kind !== 'flush_workqueue') continue;
    const t = w.task;
    const ev: Span[] = [{ line: w.frame.line, endLine: w.culprit?.line ?? w.frame.line }];
    const site = w.culprit?.fn ?? w.frame.fn;
    let target: FlushTarget;
    let candidates: Running[];
    let stated: (r: Running) => boolean;
    if (w.rule.kind === 'flush_work') {
      // The work is not named by the stack: a `BAR(pid)` of the workqueue dump names it;
      // else, when exactly one other blocked kworker is running a work item, that is
      // the one being flushed, most likely.
      const barrier = t.pid !== null ? barrierOf.get(t.pid) : undefined;
      const lone = w.work || barrier ? [] : firstOthers(blockedRunning, t, 2);
      const fn = w.work ?? barrier?.fn ?? (lone.length === 1 ? lone[0].fn : null);
      if (barrier) ev.push(barrier.span);
      const id = fn ? `work:${fn}` : `work:?@${site}`;
      target = { id, what: fn ? `work ${fn}${w.wq ? ` on ${w.wq}` : ''}` : `a work item flushed from ${site}` };
      const node: WorkNode = { id, type: 'work', label: fn ?? `work flushed by ${site}` };
      addWork(id, 'work', fn ?? `? (flushed by ${site})`, w.wq, 'unknown', ev);
      const named = w.work
        ? w.ruleSource
          ? ` (${w.ruleSource})`
          : ''
        : barrier
          ? ` (the workqueue dump shows its flush barrier BAR(${t.pid}) queued behind ${fn})`
          : fn
            ? ` (not named by the dump: the only other blocked kworker runs ${fn})`
            : '';
      // Certain when the flush's work is stated (a known caller, a BAR(pid) barrier);
      // taken from the one other blocked kworker, it is an inference.
      const conf = w.work || barrier ? 'certain' : 'likely';
      link(
        [node],
        t.id,
        id,
        'flushes',
        conf,
        fn ? `${w.api.fn} from ${site} waits for ${fn}${named}` : `${w.api.fn} from ${site} waits for a work item`,
        ev,
      );
      candidates = fn ? (runningByFn.get(fn) ?? []) : firstOthers(blockedRunning, t, 7);
      stated = (r) => r.stated && fn !== null;
    } else {
      // The stack does not name the workqueue: a flush that does not return waits for work
      // in flight on it, and a busy-workqueue dump lists every workqueue with such work.
      // When that is one workqueue, it is the one flushed, most likely (the dump may be
      // cut, or taken at another time: a guess).
      const busy = w.wq ? null : onlyBusyWorkqueue();
      const wq = w.wq ?? busy?.wq ?? null;
      const id = wq ? `wq:${wq}` : `wq:?@${site}`;
      target = { id, what: wq ? `workqueue ${wq}` : `a workqueue flushed from ${site}` };
      addWork(id, 'wq', wq ?? `? (flushed by ${site})`, wq, 'unknown', busy ? [...ev, busy.span] : ev);
      link(
        [{ id, type: 'wq', label: wq ?? `workqueue flushed by ${site}` }],
        t.id,
        id,
        'flushes',
        busy ? 'guess' : wq ? 'certain' : 'likely',
        `${w.api.fn}${site !== w.api.fn ? ` from ${site}` : ''} waits for every work queued on ${wq ?? 'the workqueue'}${w.ruleSource ? ` (${w.ruleSource})` : ''}${busy ? ` (the stack does not name it; the busy-workqueue dump shows work in flight on ${wq} only)` : ''}`,
        busy ? [...ev, busy.span] : ev,
      );
      const info = wq ? workqueueInfo(wq) : undefined;
      // Workers of that queue, then (workqueue not printed) blocked kworkers of the
      // matching kind that may be serving it. Bounded: only a few become edges anyway.
      candidates = [];
      for (const r of wq ? (runningByWq.get(wq) ?? []) : []) {
        if (r.task !== t) candidates.push(r);
        if (candidates.length >= 64) break;
      }
      for (const r of blockedNoWq) {
        if (candidates.length >= 64) break;
        if (r.task === t) continue;
        const kind = kworkerKind(r.task.comm);
        if (!info || !kind || kind.bound === info.bound) candidates.push(r);
      }
      stated = (r) => r.wq !== null && r.wq === wq;
    }
    if (candidates.length === 0) {
      // Work the caller queued on every CPU's pool of a per-CPU workqueue (drain_all_pages,
      // lru_add_drain_all, schedule_on_each_cpu): each item runs only on its own CPU, in a
      // kworker there. A CPU reported stuck (soft or hard lockup, RCU stall) runs nothing
      // else, so its item cannot start, and the flush waits for that CPU.
      const stuck = w.everyCpu ? stuckCpus(model, t) : [];
      for (const c of stuck)
        link(
          [{ id: `cpu:${c.cpu}`, type: 'cpu', label: `cpu ${c.cpu}` }],
          target.id,
          `cpu:${c.cpu}`,
          'waits_event',
          'likely',
          `${target.what} is queued for every CPU on a per-CPU workqueue (${w.ruleSource ?? 'its caller'}), and each CPU's item runs only there; cpu ${c.cpu} is stuck${c.stuckReason ? ` (${c.stuckReason})` : ''} and schedules nothing else, so its item cannot run`,
          [...ev.slice(0, 1), ...c.evidence.slice(0, 2)],
        );
      if (stuck.length === 0) unresolved.push({ waiter: t, target, wait: w });
      continue;
    }
    const few = candidates.length <= 6 ? candidates : candidates.filter(blockedWorker).slice(0, 6);
    for (const r of few) {
      const conf = stated(r) ? 'likely' : few.length === 1 ? 'likely' : 'guess';
      const why = stated(r)
        ? `${r.task.comm ?? 'the worker'} is executing ${r.fn}${r.wq ? ` from ${r.wq}` : ''}`
        : `${r.task.comm ?? 'the worker'} is blocked running ${r.fn}; the dump does not say which workqueue it came from`;
      link([{ task: r.task }], target.id, r.task.id, 'runs', conf, why, r.evidence);
      linked.add(`${target.id}>${r.task.id}`);
      const wk = works.get(target.id);
      if (wk && !wk.runners.includes(r.task.id)) wk.runners.push(r.task.id);
    }
  }
  // A flush barrier (`BAR(pid)`) states that task pid waits for the work queued before
  // it, whether or not the task's stack is in the text.
  for (const b of model.records.workBarriers) {
    const t = model.taskById.get(`task:${b.pid}`);
    if (!t) continue;
    const id = `work:${b.fn}`;
    addWork(id, 'work', b.fn, b.wq, 'unknown', [b.span]);
    link(
      [{ id, type: 'work', label: b.fn }, { task: t }],
      t.id,
      id,
      'flushes',
      'certain',
      `${t.comm ?? 'task ' + b.pid} waits for ${b.fn} to finish: the workqueue dump shows its flush barrier BAR(${b.pid}) queued behind it`,
      [b.span],
    );
  }
  // Every in-flight entry of a busy-workqueue dump is a worker running that work. In a
  // pool that made no progress (workqueue lockup, or `hung=` past the threshold) the
  // pending works cannot start until the in-flight ones finish.
  const stuckPools = new Set(model.records.stuckPools.map((p) => p.cpus));
  const inflight = model.records.works.filter((w) => w.state === 'running' && w.workerPid != null);
  for (const w of inflight) {
    const t = model.taskById.get(`task:${w.workerPid}`);
    if (!t) continue;
    const id = `work:${w.fn}`;
    const where =
      w.poolCpus && stuckPools.has(w.poolCpus)
        ? ` (in-flight in the stuck pool cpus=${w.poolCpus})`
        : ' (in-flight in the busy-workqueue dump)';
    link(
      [{ id, type: 'work', label: w.fn }, { task: t }],
      id,
      t.id,
      'runs',
      'certain',
      `${t.comm ?? 'worker ' + w.workerPid} is executing ${w.fn}${w.wq ? ` from ${w.wq}` : ''}${where}`,
      [w.span],
    );
    linked.add(`${id}>${t.id}`);
    const wk = addWork(id, 'work', w.fn, w.wq, 'running', [w.span]);
    if (!wk.runners.includes(t.id)) wk.runners.push(t.id);
  }
  if (stuckPools.size) {
    const stuckInflight = inflight.filter((w) => w.poolCpus && stuckPools.has(w.poolCpus));
    for (const p of model.records.works) {
      if (p.state === 'running' || !p.poolCpus || !stuckPools.has(p.poolCpus)) continue;
      // Only in-flight works that became nodes (their worker is in the dump) can be waited on.
      const blockers = stuckInflight.filter(
        (w) => w.poolCpus === p.poolCpus && w.fn !== p.fn && workNodes.has(`work:${w.fn}`),
      );
      for (const b of blockers) {
        const id = `work:${p.fn}`;
        addWork(id, 'work', p.fn, p.wq, p.state, [p.span]);
        link(
          [{ id, type: 'work', label: p.fn }],
          id,
          `work:${b.fn}`,
          'waits_event',
          'likely',
          `${p.fn} is ${p.state} on the stuck pool cpus=${p.poolCpus}, behind ${b.fn}`,
          [p.span, b.span],
        );
      }
    }
  }
  // Show what each blocked kworker is executing, so the reader sees the work item; and
  // what a worker the dump names (`Workqueue: wq fn`) runs on a CPU reported stuck: the
  // work that holds that CPU.
  const holdsStuckCpu = (r: Running) => {
    if (!r.stated || r.task.cpu === null) return false;
    const c = model.cpus.get(r.task.cpu);
    return c !== undefined && c.stuck && c.current === r.task.id;
  };
  for (const r of running) {
    if (!blockedWorker(r) && !holdsStuckCpu(r)) continue;
    const id = `work:${r.fn}`;
    const wk = addWork(id, 'work', r.fn, r.wq, 'running', r.evidence);
    if (!wk.runners.includes(r.task.id)) wk.runners.push(r.task.id);
    if (linked.has(`${id}>${r.task.id}`)) continue;
    link(
      [{ id, type: 'work', label: r.fn }, { task: r.task }],
      id,
      r.task.id,
      'runs',
      r.stated ? 'certain' : 'likely',
      `${r.task.comm ?? 'the worker'} is executing ${r.fn} (called from process_one_work)`,
      r.evidence,
    );
  }
  for (const w of works.values()) w.evidence = mergeSpans(w.evidence);
  return { links, works: [...works.values()], unresolvedFlushes: unresolved };
}

/** The CPUs reported stuck, other than one the waiting task itself holds, up to
 *  MAX_STUCK_CPU_LINKS, in CPU order. */
function stuckCpus(model: Model, waiter: ModelTask): ModelCpu[] {
  const out: ModelCpu[] = [];
  for (const c of model.cpus.values()) if (c.stuck && c.current !== waiter.id) out.push(c);
  out.sort((a, b) => a.cpu - b.cpu);
  return out.slice(0, MAX_STUCK_CPU_LINKS);
}
