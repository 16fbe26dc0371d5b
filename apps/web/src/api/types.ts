// Shapes of the server's HTTP API (apps/server). The analysis document itself is the
// analyzer's contract, imported as types only so no analyzer code reaches the browser.
import type { AnalysisDocument, CoverageSegment, Frame, Kind, Task } from '@hangscope/analyzer';

/** A task of the analyzer's compact form (packages/analyzer/src/compact.ts): `frames`
 * replaced by an index into the document's `stacks`. */
export type CompactTask = Omit<Task, 'frames'> & { stack: number };

export type IncidentStatus = 'open' | 'mitigated' | 'resolved' | 'duplicate' | string;

export interface CreatedIncident {
  id: string;
  url: string;
  duplicate?: boolean;
}

export interface IncidentSummary {
  id: string;
  url: string;
  title: string;
  kind: Kind | string;
  host: string | null;
  kernel: string | null;
  status: IncidentStatus;
  createdAt: string;
  fingerprint: string;
  size: number;
  tags: string[];
}

export interface Incident extends IncidentSummary {
  sha256: string;
  lineCount: number;
  analyzerVersion: string;
  /** Kept by retention whatever its age (absent from older servers). */
  pinned?: boolean;
  analysis: AnalysisDocument;
}

/** All tasks with the same function sequence: one row of the tasks table (GET …/view). */
export interface TaskGroupSummary {
  key: string;
  count: number;
  states: string[];
  /** "comm (pid)" of the first few tasks. */
  comms: string[];
  /** Function names of the group's stack, innermost first. */
  fns: string[];
  /** Indexes into `fns` of the frames the analyzer marks `generic`. */
  generic?: number[];
  /** The first task of the group that is a graph node (or folded into one). */
  node: string | null;
}

export type CoverageCounts = Record<CoverageSegment['status'], number>;

export interface ViewCounts {
  tasks: number;
  locks: number;
  cpus: number;
  works: number;
  taskGroups: number;
}

/** GET /api/incidents/:id/view as sent: the analysis part in the compact form. */
export interface IncidentViewWire extends Omit<Incident, 'analysis'> {
  view: Omit<AnalysisDocument, 'tasks' | 'coverage'> & {
    stacks: Frame[][];
    tasks: CompactTask[];
    coverage: CoverageSegment[];
    coverageCounts: CoverageCounts;
    coverageSegments: number;
    counts: ViewCounts;
    taskGroups: TaskGroupSummary[];
  };
}

/**
 * What the incident page works from: the incident, and the part of its analysis the
 * page shows. `analysis.tasks`, `locks`, `cpus` and `works` hold only what is in the
 * graph (the rest is counted in `counts`, grouped in `taskGroups`, and fetched by id
 * when asked for); `analysis.coverage` may be the notable segments only.
 */
export interface IncidentView extends Incident {
  counts: ViewCounts;
  /** Captures per status (a parsed segment may stand for several read back to back). */
  coverageCounts: CoverageCounts;
  /** Coverage segments in the analysis (the view may list fewer). */
  coverageSegments: number;
  taskGroups: TaskGroupSummary[];
}

export interface IncidentPage {
  items: IncidentSummary[];
  nextCursor: string | null;
}

export interface HistoryQuery {
  q?: string;
  kind?: string;
  host?: string;
  tag?: string;
  status?: string;
  cursor?: string;
  limit?: number;
}

export interface Annotation {
  id: string;
  target: string | null;
  lines: [number, number] | null;
  body: string;
  author: string | null;
  createdAt?: string;
  updatedAt?: string;
}

export interface NewAnnotation {
  target: string | null;
  lines: [number, number] | null;
  body: string;
  author: string | null;
}

export interface SimilarIncident {
  id: string;
  url: string;
  title: string;
  createdAt?: string;
  host?: string | null;
  /** 0..1: 1 for the same group; else the overlap of culprit and victim frames. */
  score?: number;
  /** Why it is listed: "same fingerprint", "same culprit frames, different victim", … */
  reason?: string;
}

export interface UploadInput {
  /** A File keeps the exact bytes; a string is pasted text. */
  dump: File | string;
  title?: string;
  host?: string;
  tags?: string;
  /** Called with the fraction of the body sent (0..1) while a large upload is under way. */
  onProgress?: (fraction: number) => void;
}

export interface Mitigation {
  body: string;
  author: string | null;
  updatedAt: string | null;
  /** Every saved version, newest first. */
  history: { body: string; author: string | null; createdAt: string }[];
}

/** The incidents of one bug (GET /api/groups): one fingerprint, unless a person marked
 *  an incident a duplicate of another or moved it out (then `split:<id>`). */
export interface IncidentGroup {
  fingerprint: string;
  kind: string;
  title: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  latestId: string;
  /** The group's page, `/groups/<key>` (servers before groups had pages: absent). */
  url?: string;
  kernels?: string[];
  hosts?: string[];
  /** resolved when one of its incidents is, else mitigated when one is, else open. */
  status?: IncidentStatus;
}

/** The newest mitigation note written on an incident of a group. */
export interface GroupMitigation {
  incidentId: string;
  incidentUrl: string;
  body: string;
  author: string | null;
  updatedAt: string;
}

/** GET /api/groups/:key */
export interface IncidentGroupDetail extends IncidentGroup {
  url: string;
  kernels: string[];
  hosts: string[];
  status: IncidentStatus;
  mitigation: GroupMitigation | null;
  /** Newest first. */
  incidents: IncidentSummary[];
}

/** GET /api/incidents/:id/repeat: the incident's group and what it knew before it. */
export interface RepeatInfo {
  group: string;
  groupUrl: string;
  before: number;
  last: IncidentSummary | null;
  status: IncidentStatus;
  mitigation: GroupMitigation | null;
}

/** One change on an incident's audit list (GET /api/incidents/:id/audit). */
export interface AuditEntry {
  at: string;
  actor: string | null;
  action: 'status' | 'pin' | 'details' | 'mitigation' | 'annotation.add' | 'annotation.edit' | 'annotation.delete';
  detail: Record<string, unknown>;
}
