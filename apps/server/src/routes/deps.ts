import type { AnalysisRunner } from '../analysis/pool.js';
import type { DerivedCache } from '../derive/cache.js';
import type { DeriveRunner } from '../derive/pool.js';
import type { InflightBudget } from '../ingest/budget.js';
import type { Quota } from '../ingest/quota.js';
import type { WriteRateLimit } from '../plugins/external.js';
import type { CaptureService } from '../services/captures.js';
import type { IngestService } from '../services/ingest.js';
import type { IncidentStore } from '../store/types.js';
import type { ViewCache } from './view.js';

/** What route plugins need, passed explicitly (no decorators): easy to follow and test. */
export interface RouteDeps {
  store: IncidentStore;
  ingest: IngestService;
  /** Captures added to an incident (issue 23). */
  captures: CaptureService;
  analysis: AnalysisRunner;
  /** Builds exports, task views and diffs from whole analyses, off the event loop. */
  derive: DeriveRunner;
  /** Reports and graphs built once per analysis and inputs (derive/cache.ts). */
  exports: DerivedCache;
  maxUploadBytes: number;
  /** Bytes of upload bodies held at once, across all uploads (ingest/budget.ts). */
  inflight: InflightBudget;
  /** Uploads refused (503) while this many analyses wait for a worker. */
  maxQueuedAnalyses: number;
  /** Milliseconds an upload's body may take to arrive (408 after). */
  bodyTimeoutMs: number;
  rateLimit: WriteRateLimit | false;
  /** Per-client limit on reads that cost work (exports, raw, task views); false: none. */
  readRateLimit: WriteRateLimit | false;
  /** Stored bytes per client per day; null: no quota. */
  quota: Quota | null;
  /** Computed incident-page views (routes/view.ts), primed by fresh uploads. */
  views: ViewCache;
}
