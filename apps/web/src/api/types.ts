// Shapes of the server's HTTP API (apps/server). The analysis document itself is the
// analyzer's contract, imported as types only so no analyzer code reaches the browser.
import type { AnalysisDocument, Kind } from '@hangscope/analyzer';

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
  analysis: AnalysisDocument;
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

/** Incidents sharing an analysis fingerprint (GET /api/groups). */
export interface IncidentGroup {
  fingerprint: string;
  kind: string;
  title: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  latestId: string;
}
