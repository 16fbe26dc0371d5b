// The storage interface. Routes and services speak only this, so a PostgreSQL
// implementation (raw dumps in object storage, search in PostgreSQL) is a new class,
// not a rewrite. Methods are async for that reason even though SQLite is synchronous.
import type { DocumentForm, StoredDocument } from './document.js';
import type { TaskGroupSummary } from '../view/page-view.js';

export type { DocumentForm, StoredDocument } from './document.js';

export type IncidentStatus = 'open' | 'mitigated' | 'resolved' | 'duplicate';
export const INCIDENT_STATUSES: readonly IncidentStatus[] = ['open', 'mitigated', 'resolved', 'duplicate'];

/** What the analyzer said, reduced to the fields the store indexes, plus the document. */
export interface AnalysisRecord {
  /** The contract document, compressed (see document.ts); what the store writes. */
  document: StoredDocument;
  /** The contract document as JSON text, when at hand (in-process analysis); an
   * analysis worker leaves it out so the text is not copied between threads. */
  documentJson?: string;
  /** The incident page's view of the document (view/page-view.ts), built while the
   *  document was in memory, compressed as the store compresses documents; its stack
   *  groups also as compressed JSON (`groupsDoc`), which the store keeps. */
  view?: { version: number; doc: StoredDocument; groups: TaskGroupSummary[]; groupsDoc: StoredDocument };
  /** Milliseconds per step in an analysis worker, for the request log. */
  timings?: { decode: number; analyze: number; encode: number; view?: number };
  analyzerVersion: string;
  kind: string;
  title: string;
  fingerprint: string;
  /** The analyzer's FINGERPRINT_VERSION: which rules made `fingerprint` and `signature`. */
  fingerprintVersion: number;
  /** The culprit's and the victims' normalized frames (the analyzer's frameSignature). */
  signature: { culprit: string[]; victims: string[] };
  kernel: string | null;
  lineCount: number;
  /** Text for full-text search. */
  search: { verdict: string; frames: string; comms: string; titles: string };
}

export interface NewIncident {
  id: string;
  sha256: string;
  createdAt: string;
  raw: { encoding: 'gzip' | 'identity'; data: Buffer; size: number };
  userTitle: string | null;
  host: string | null;
  tags: string[];
  analysis: AnalysisRecord;
}

export interface IncidentSummary {
  id: string;
  title: string;
  kind: string;
  host: string | null;
  kernel: string | null;
  status: IncidentStatus;
  duplicateOf: string | null;
  createdAt: string;
  updatedAt: string;
  fingerprint: string;
  size: number;
  tags: string[];
}

export interface IncidentDetail extends IncidentSummary {
  sha256: string;
  lineCount: number;
  userTitle: string | null;
  analyzerVersion: string;
  /** Kept by retention whatever its age. */
  pinned: boolean;
  /** The contract document (expanded when stored compact), JSON text. Built on first
   * use, on the event loop: for a big analysis prefer store.getAnalysis(). */
  analysisJson: string;
}

/** An incident's analysis as stored, inflated: JSON bytes in `form` (see compact-json.ts). */
export interface StoredAnalysis {
  form: DocumentForm;
  json: Buffer;
}

/** The detail fields with the analysis as stored: sent without decoding it. */
export interface StoredIncidentDetail extends Omit<IncidentDetail, 'analysisJson'> {
  analysis: { encoding: 'identity'; json: string } | StoredDocument;
  /** Changes whenever the stored analysis does (with the fields, it makes the ETag). */
  analysisTag: string;
}

/** The detail fields and the stored analysis's tag, without the analysis. */
export type StoredIncidentHead = Omit<StoredIncidentDetail, 'analysis'>;

export interface ListFilter {
  kind?: string;
  fingerprint?: string;
  kernel?: string;
  host?: string;
  tag?: string;
  status?: IncidentStatus;
  from?: string;
  to?: string;
  /** Already a safe FTS5 MATCH expression (see search-query.ts). */
  match?: string;
}

export interface ListPage {
  items: IncidentSummary[];
  nextCursor: string | null;
}

/** A group: the incidents of one bug (one `group_key`: the fingerprint, unless a person
 *  marked an incident a duplicate of another or moved it out; migrations/0008). */
export interface IncidentGroup {
  /** The group's key (its fingerprint, or `split:<id>` for an incident moved out). */
  fingerprint: string;
  kind: string;
  title: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  latestId: string;
  kernels: string[];
  hosts: string[];
  /** The most advanced status of its incidents: resolved, else mitigated, else open. */
  status: IncidentStatus;
}

/** The newest mitigation note written on any incident of a group. */
export interface GroupMitigation {
  incidentId: string;
  body: string;
  author: string | null;
  updatedAt: string;
}

export interface IncidentGroupDetail extends IncidentGroup {
  mitigation: GroupMitigation | null;
  /** Its incidents, newest first. */
  incidents: IncidentSummary[];
}

export interface SimilarIncident extends IncidentSummary {
  score: number;
  reason: string;
}

/** What the group of an incident knew before it: the repeat banner of its page. */
export interface RepeatInfo {
  group: string;
  /** Incidents of the group created before this one. */
  before: number;
  /** The newest of them. */
  last: IncidentSummary | null;
  status: IncidentStatus;
  mitigation: GroupMitigation | null;
}

export interface IncidentPatch {
  status?: IncidentStatus;
  duplicateOf?: string | null;
  /** Moved out of its fingerprint's group by hand (true), or back (false). */
  groupSplit?: boolean;
  userTitle?: string | null;
  host?: string | null;
  tags?: string[];
  /** Kept by retention whatever its age (migrations/0010). */
  pinned?: boolean;
}

export interface Annotation {
  id: string;
  incidentId: string;
  target: string | null;
  lines: [number, number] | null;
  body: string;
  author: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AnnotationPatch {
  target?: string | null;
  lines?: [number, number] | null;
  body?: string;
  author?: string | null;
}

export interface MitigationRevision {
  body: string;
  author: string | null;
  createdAt: string;
}

/** `analysisTag`: the tag getStored will give the stored analysis (see analysisTag). */
export type CreateResult = { created: true; id: string; analysisTag?: string } | { created: false; id: string };

/** An incident page's view as stored beside its analysis (migrations/0006): valid for the
 *  analysis with this tag, built by view code of this VIEW_VERSION. */
export interface StoredView {
  tag: string;
  version: number;
  /** The view's JSON, compressed. */
  doc: StoredDocument;
  /** Its stack groups' JSON (TaskGroupSummary[]), compressed. */
  groups: StoredDocument;
}

/** What a token lets its holder do (auth/roles.ts). */
export type Role = 'read' | 'write' | 'ingest' | 'admin';
export const ROLES: readonly Role[] = ['read', 'write', 'ingest', 'admin'];

/** An API token as listed: never the token itself, which is shown once when made. */
export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  revokedAt: string | null;
}

/** What the audit list records: changes to status, mitigation and annotations (and pins). */
export type AuditAction =
  'status' | 'pin' | 'details' | 'mitigation' | 'annotation.add' | 'annotation.edit' | 'annotation.delete';

export interface AuditEntry {
  at: string;
  /** The token's or proxy user's name; null with authentication off. */
  actor: string | null;
  action: AuditAction;
  /** What changed (the new status, the annotation's id, ...). */
  detail: Record<string, unknown>;
}

/** A redacted share link of an incident (routes/shares.ts). */
export interface IncidentShare {
  id: string;
  incidentId: string;
  createdAt: string;
  createdBy: string | null;
  /** Kernel addresses shifted too (redact/redact.ts). */
  kaslr: boolean;
}

/** Counters every server on one database shares (PostgreSQL): rate limits and the daily
 *  quota. A store without them (SQLite: one server) leaves them to the process. */
export interface SharedCounters {
  /** Count a request under `key` in its window of `windowMs` (the window starts with the
   *  first request): the requests counted in the window so far, and the ms it has left. */
  hit(key: string, windowMs: number): Promise<{ count: number; ttlMs: number }>;
  /** Bytes `client` stored on `day` (YYYY-MM-DD, UTC). */
  quotaUsed(day: string, client: string): Promise<number>;
  quotaAdd(day: string, client: string, bytes: number): Promise<void>;
}

/** One capture of an incident: its own dump (seq 1) or one added after (issue 23). */
export interface CaptureInfo {
  seq: number;
  createdAt: string;
  size: number;
  sha256: string;
}

export interface NewCapture {
  createdAt: string;
  sha256: string;
  raw: { encoding: 'gzip' | 'identity'; data: Buffer; size: number };
}

/** addCapture's answer: the new capture's seq and analysis tag; 'conflict' when another
 *  capture was added since the caller counted (its analysis misses that one); null: no
 *  such incident. */
export type AddCaptureResult = { seq: number; analysisTag: string } | 'conflict' | null;

export interface IncidentStore {
  /** See SharedCounters; undefined: this process counts alone. */
  readonly shared?: SharedCounters;
  ping(): Promise<boolean>;
  /** Insert incident, raw bytes, analysis, tags and search index atomically. A sha256
   * that already exists is not an error: the existing id comes back with created=false. */
  create(incident: NewIncident): Promise<CreateResult>;
  findIdBySha256(sha256: string): Promise<string | null>;
  get(id: string): Promise<IncidentDetail | null>;
  /** Like get(), but the analysis as stored (compressed or not) and an entity tag. */
  getStored(id: string): Promise<StoredIncidentDetail | null>;
  /** getStored() without reading the analysis: the fields and the analysis's tag ('' for
   *  none, and for an uncompressed analysis from before 0003). */
  getStoredHead(id: string): Promise<StoredIncidentHead | null>;
  getRaw(id: string): Promise<{ encoding: 'gzip' | 'identity'; data: Buffer } | null>;
  /** The analysis as stored (compact or full), inflated off the event loop; null: no incident or analysis. */
  getAnalysis(id: string): Promise<StoredAnalysis | null>;
  list(filter: ListFilter, cursor: string | null, limit: number): Promise<ListPage>;
  /** The same page as the API's JSON body, `{"items":[…],"nextCursor":…}`, items with
   * their `url`: what GET /api/incidents sends, without building objects per row. */
  listJson(filter: ListFilter, cursor: string | null, limit: number): Promise<string>;
  count(): Promise<number>;
  update(id: string, patch: IncidentPatch): Promise<IncidentDetail | null>;
  /** Replace the analysis (re-analysis with a newer analyzer), and its stored view with
   *  the record's (or none). Returns the new analysis's tag, null: no such incident. */
  replaceAnalysis(id: string, analysis: AnalysisRecord, analyzedAt: string): Promise<string | null>;
  /** The incident's captures, its own dump first (seq 1), oldest first; null: no incident. */
  listCaptures(id: string): Promise<CaptureInfo[] | null>;
  /** The stored bytes of one capture (seq 1: the incident's own dump, as getRaw). */
  getCaptureRaw(id: string, seq: number): Promise<{ encoding: 'gzip' | 'identity'; data: Buffer } | null>;
  /** Add a capture as number `expectedCount + 1` and replace the incident's analysis with
   *  `analysis` (the analysis of all its captures), in one transaction. */
  addCapture(
    id: string,
    expectedCount: number,
    capture: NewCapture,
    analysis: AnalysisRecord,
    analyzedAt: string,
  ): Promise<AddCaptureResult>;
  /** The stored view of the incident, if it was built from analysis `tag` by view code
   *  of `version`; null otherwise. */
  getView(id: string, tag: string, version: number): Promise<StoredView | null>;
  /** Keep a view built from the incident's analysis `view.tag` (replacing any other). A
   *  view of an analysis that has been replaced meanwhile is not kept, nor one of an
   *  analysis too small for views to be kept (see keepsViews). */
  putView(id: string, view: StoredView): Promise<void>;
  /** Does the store keep the views of analyses whose JSON is this long? (Small ones are
   *  rebuilt faster than a write costs.) */
  keepsViews(analysisLength: number): boolean;
  /** Ids whose analysis came from an analyzer other than `currentVersion`, whose
   *  fingerprint other rules than `fingerprintVersion` made, or that did not finish,
   *  oldest first and unfinished ones last; none whose re-analysis already failed under
   *  `currentVersion` (null: every incident). */
  idsToReanalyze(currentVersion: string | null, fingerprintVersion?: number): Promise<string[]>;
  /** Re-analysing the incident under this analyzer version failed: not tried again under it. */
  markReanalysisFailed(id: string, analyzerVersion: string): Promise<void>;
  /** Before re-analysing an incident: true when this caller (`owner`) is to do it, for
   *  `leaseMs`; false when another server holds a live claim on it, or it no longer needs
   *  re-analysis under `currentVersion` / `fingerprintVersion` (another server did it;
   *  currentVersion null: every incident needs it). Several servers re-analysing after an
   *  upgrade then share the work instead of each doing all of it. */
  claimReanalysis(
    id: string,
    owner: string,
    leaseMs: number,
    currentVersion: string | null,
    fingerprintVersion: number,
  ): Promise<boolean>;
  groups(limit: number): Promise<IncidentGroup[]>;
  /** One group with its incidents (at most `limit`, newest first); null when empty. */
  group(key: string, limit: number): Promise<IncidentGroupDetail | null>;
  /** The group an incident is in and what it knew before it; null for no incident. */
  repeatInfo(id: string): Promise<RepeatInfo | null>;
  /** Incidents of the same group first, then those whose culprit and victim frames
   *  overlap, best first, each with its score (0..1) and the reason in words. */
  similar(id: string, limit: number): Promise<SimilarIncident[]>;

  listAnnotations(incidentId: string): Promise<Annotation[]>;
  getAnnotation(incidentId: string, annotationId: string): Promise<Annotation | null>;
  addAnnotation(annotation: Annotation): Promise<void>;
  updateAnnotation(
    incidentId: string,
    annotationId: string,
    patch: AnnotationPatch,
    updatedAt: string,
  ): Promise<Annotation | null>;
  deleteAnnotation(incidentId: string, annotationId: string): Promise<boolean>;

  mitigationHistory(incidentId: string): Promise<MitigationRevision[]>;
  addMitigation(incidentId: string, revision: MitigationRevision): Promise<void>;

  /** Delete an incident and everything of it (dump, analysis, views, tags, frames,
   *  annotations, mitigation notes, audit list, shares, search row) in one transaction;
   *  incidents marked its duplicates are regrouped. False: no such incident. */
  deleteIncident(id: string): Promise<boolean>;
  /** Delete (as deleteIncident) every unpinned incident created before `cutoff` (ISO);
   *  returns their ids. */
  deleteUnpinnedBefore(cutoff: string): Promise<string[]>;
  /** Is the incident pinned? null: no such incident. */
  isPinned(id: string): Promise<boolean | null>;

  addAudit(incidentId: string, entry: AuditEntry): Promise<void>;
  /** The incident's audit list, oldest first. */
  listAudit(incidentId: string): Promise<AuditEntry[]>;

  /** A new token, stored by the SHA-256 of its secret; a name in use is an error (409). */
  createToken(token: ApiToken, secretSha256: string): Promise<void>;
  listTokens(): Promise<ApiToken[]>;
  /** Revoke by id or name (and end its web sessions); null: no such valid token. */
  revokeToken(idOrName: string, at: string): Promise<ApiToken | null>;
  /** The valid (not revoked) token whose secret has this SHA-256. */
  tokenBySecret(secretSha256: string): Promise<ApiToken | null>;
  createSession(sessionSha256: string, tokenId: string, createdAt: string, expiresAt: string): Promise<void>;
  /** The valid token of an unexpired web session (`now`: ISO). */
  sessionToken(sessionSha256: string, now: string): Promise<ApiToken | null>;
  deleteSession(sessionSha256: string): Promise<void>;

  createShare(share: IncidentShare): Promise<void>;
  getShare(id: string): Promise<IncidentShare | null>;

  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;
  /** A consistent copy of the whole database while it keeps serving. */
  backup(destination: string): Promise<void>;
  close(): Promise<void>;
}
