// The incident page's view of one analysis document: what /api/incidents/:id/view sends
// (see routes/view.ts for the route, its cache and the reasons). Built by the route from
// a stored document, and by the analysis worker from the document still in memory (so a
// fresh upload's page needs no second read of its analysis).

import {
  StackTable,
  isCompact,
  type AnalysisDocument,
  type CompactAnalysis,
  type CompactTask,
  type CoverageSegment,
  type Frame,
  type Task,
} from '@hangscope/analyzer';

/** Coverage lists longer than this send counts and the unparsed and prose segments, up to this many. */
export const COVERAGE_INLINE = 200;
/** Bump when the view's shape or content changes: part of the ETag, so browsers do not
 *  reuse an old one, and of stored views (migrations/0006), which are then rebuilt. */
export const VIEW_VERSION = 2;
/** Stack groups in the view; more through /view/task-groups. */
export const GROUPS_INLINE = 200;

/** All tasks with the same function sequence (offsets differ across builds): one table row. */
export interface TaskGroupSummary {
  key: string;
  count: number;
  /** Distinct states, in input order. */
  states: string[];
  /** "comm (pid)" of the first few tasks, in input order. */
  comms: string[];
  /** The function names of the group's stack, innermost first (empty: no stack). */
  fns: string[];
  /** Indexes into `fns` of the frames the analyzer marks `generic` (scheduler, entry and
   *  report plumbing: they say nothing about why the tasks wait). */
  generic: number[];
  /** The first task of the group that is a graph node (or folded into one), if any. */
  node: string | null;
}

export type AnyTask = Task | CompactTask;
export type AnyDocument = AnalysisDocument | CompactAnalysis;

const COMMS_SHOWN = 6;
const NO_FRAMES: Frame[] = [];

/** A task's frames in either form of the document. */
export function framesReader(doc: AnyDocument): (t: AnyTask) => Frame[] {
  if (isCompact(doc)) return (t) => doc.stacks[(t as CompactTask).stack] ?? NO_FRAMES;
  return (t) => (t as Task).frames ?? NO_FRAMES;
}

function graphTaskIds(doc: AnyDocument): Set<string> {
  const ids = new Set<string>();
  for (const n of doc.graph?.nodes ?? []) {
    ids.add(n.id);
    for (const m of n.members ?? []) ids.add(m);
  }
  return ids;
}

/** Stack groups of all tasks, largest first (ties: input order of their first task). */
export function taskGroups(
  tasks: AnyTask[],
  framesOf: (t: AnyTask) => Frame[],
  inGraph: Set<string>,
): TaskGroupSummary[] {
  // Shared frame arrays (the compact form) are keyed once.
  const keys = new Map<Frame[], string>();
  const groups = new Map<string, TaskGroupSummary>();
  for (const t of tasks) {
    const frames = framesOf(t);
    let key: string;
    if (frames.length === 0) {
      // Tasks without frames are not "identical" to each other in any useful sense.
      key = `nostack:${t.id}`;
    } else {
      let k = keys.get(frames);
      if (k === undefined) {
        k = frames.map((f) => f.fn).join('<');
        keys.set(frames, k);
      }
      key = k;
    }
    let g = groups.get(key);
    if (!g) {
      g = {
        key,
        count: 0,
        states: [],
        comms: [],
        fns: frames.map((f) => f.fn),
        generic: genericIndexes(frames),
        node: null,
      };
      groups.set(key, g);
    }
    g.count++;
    const state = t.state ?? '?';
    if (!g.states.includes(state)) g.states.push(state);
    if (g.comms.length < COMMS_SHOWN) g.comms.push(`${t.comm ?? '?'} (${t.pid ?? t.id})`);
    if (g.node === null && inGraph.has(t.id)) g.node = t.id;
  }
  // Array.prototype.sort is stable: equal counts keep their first-seen order.
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

/**
 * The given tasks in the compact form, with only the stacks they use. Lines found on
 * the frames (analyzer 0.1) move to the task's `frameLines`, so equal stacks are shared.
 */
export function packTasks(
  tasks: AnyTask[],
  framesOf: (t: AnyTask) => Frame[],
): { stacks: Frame[][]; tasks: CompactTask[] } {
  const table = new StackTable();
  const out: CompactTask[] = [];
  for (const t of tasks) {
    const { frames: _f, stack: _s, ...rest } = t as Task & CompactTask;
    const original = framesOf(t);
    let frames = original;
    let frameLines = t.frameLines;
    if (frameLines === undefined && frames.length > 0 && frames.every((f) => typeof f.line === 'number')) {
      frameLines = frames.map((f) => f.line as number);
      frames = frames.map(({ line: _line, ...f }) => f);
    }
    const at = table.indexOf(frames, frames === original);
    out.push(frameLines === undefined ? { ...rest, stack: at } : { ...rest, frameLines, stack: at });
  }
  return { stacks: table.stacks, tasks: out };
}

/**
 * Coverage for the page: all of it when short, else what was not parsed. Counts are
 * of captures (a parsed segment may stand for `count` captures read back to back) and
 * of segments, so the page can say what it does not list.
 */
export function coverageView(segments: CoverageSegment[] | undefined): {
  coverage: CoverageSegment[];
  coverageCounts: Record<CoverageSegment['status'], number>;
  coverageSegments: number;
} {
  const all = segments ?? [];
  const coverageCounts = { parsed: 0, prose: 0, unparsed: 0 };
  for (const s of all)
    coverageCounts[s.status] = (coverageCounts[s.status] ?? 0) + (s.status === 'parsed' ? (s.count ?? 1) : 1);
  if (all.length <= COVERAGE_INLINE) return { coverage: all, coverageCounts, coverageSegments: all.length };
  // What a reader must know about: lines the analyzer could not parse, then prose; the
  // parsed segments are only counted (the full list is in the analysis document).
  const rank = { unparsed: 0, prose: 1, parsed: 2 } as const;
  const picked = all
    .map((s, i) => ({ s, i }))
    .filter((x) => x.s.status !== 'parsed')
    .sort((a, b) => rank[a.s.status] - rank[b.s.status] || a.i - b.i)
    .slice(0, COVERAGE_INLINE)
    .sort((a, b) => a.i - b.i)
    .map((x) => x.s);
  return { coverage: picked, coverageCounts, coverageSegments: all.length };
}

/** The page's view of one analysis document (either form). */
export function buildView(doc: AnyDocument): { view: Record<string, unknown>; groups: TaskGroupSummary[] } {
  const framesOf = framesReader(doc);
  const allTasks: AnyTask[] = doc.tasks ?? [];
  const inGraph = graphTaskIds(doc);
  const { stacks, tasks } = packTasks(
    allTasks.filter((t) => inGraph.has(t.id)),
    framesOf,
  );
  const groups = taskGroups(allTasks, framesOf, inGraph);
  const { tasks: _t, coverage: _c, ...rest } = doc;
  const { stacks: _s, compact: _k, ...head } = rest as Partial<CompactAnalysis> & typeof rest;
  const view = {
    ...head,
    graph: doc.graph ?? { nodes: [], edges: [] },
    findings: doc.findings ?? [],
    stacks,
    tasks,
    locks: (doc.locks ?? []).filter((l) => inGraph.has(l.id)),
    cpus: (doc.cpus ?? []).filter((c) => inGraph.has(c.id)),
    works: (doc.works ?? []).filter((w) => inGraph.has(w.id)),
    ...coverageView(doc.coverage),
    counts: {
      tasks: allTasks.length,
      locks: doc.locks?.length ?? 0,
      cpus: doc.cpus?.length ?? 0,
      works: doc.works?.length ?? 0,
      taskGroups: groups.length,
    },
    taskGroups: groups.slice(0, GROUPS_INLINE),
  };
  return { view, groups };
}

function genericIndexes(frames: readonly Frame[]): number[] {
  const out: number[] = [];
  for (let k = 0; k < frames.length; k++) if (frames[k].generic) out.push(k);
  return out;
}
