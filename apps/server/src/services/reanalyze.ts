import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ANALYZER_VERSION, FINGERPRINT_VERSION } from '@hangscope/analyzer';
import type { FastifyBaseLogger } from 'fastify';
import type { AnalysisRunner } from '../analysis/pool.js';
import type { IncidentStore } from '../store/types.js';
import { readAnalysisInput } from './captures.js';

export interface ReanalyzeResult {
  updated: number;
  failed: number;
  total: number;
  /** Left to another server on the same database, which claimed them first (or had
   *  re-analysed them already); absent when none. */
  claimedElsewhere?: number;
}

/**
 * A re-analysis claim lasts this long and is renewed every third of it while the
 * analysis runs, so a claim outlives its server by at most this much (kill -9, a host
 * gone): then another server takes the incident over. HANGSCOPE_REANALYSIS_LEASE_MS
 * shortens it for tests.
 */
const CLAIM_LEASE_MS = Number(process.env.HANGSCOPE_REANALYSIS_LEASE_MS) || 2 * 60_000;

/** Who claims, in the claims other servers see: this process. */
const OWNER = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

export interface ReanalyzeOptions {
  /** Re-analyse every incident, not only those from another analyzer version or
   *  fingerprint rules. */
  all?: boolean;
  /** Checked between incidents: the server stops the background run when closing. */
  shouldStop?: () => boolean;
}

/**
 * Analyse stored dumps again with this analyzer, one at a time (the uploads share the
 * same workers, so a re-analysis never holds more than one of them), replacing analysis, indexed fields and search text of each. The
 * original bytes are the input, so the result equals a fresh upload's.
 */
export async function reanalyzeStored(
  store: IncidentStore,
  analysis: AnalysisRunner,
  log: Pick<FastifyBaseLogger, 'info' | 'warn'>,
  opts: ReanalyzeOptions = {},
): Promise<ReanalyzeResult> {
  const current = opts.all ? null : ANALYZER_VERSION;
  let ids = await store.idsToReanalyze(current, FINGERPRINT_VERSION);
  const result: ReanalyzeResult = { updated: 0, failed: 0, total: ids.length };
  if (ids.length === 0) return result;
  log.info({ count: ids.length, analyzerVersion: ANALYZER_VERSION }, 're-analysing stored incidents');
  /** Incidents another server had claimed when this one came to them. */
  const elsewhere = new Set<string>();
  for (;;) {
    let skipped = 0;
    for (const id of ids) {
      if (opts.shouldStop?.()) break;
      if (!(await store.claimReanalysis(id, OWNER, CLAIM_LEASE_MS, current, FINGERPRINT_VERSION))) {
        elsewhere.add(id);
        skipped++;
        continue;
      }
      elsewhere.delete(id);
      // Renewed while the analysis runs: the claim lapses only when this process is gone.
      const renew = setInterval(
        () => void store.claimReanalysis(id, OWNER, CLAIM_LEASE_MS, current, FINGERPRINT_VERSION).catch(() => {}),
        CLAIM_LEASE_MS / 3,
      );
      try {
        const bytes = await readAnalysisInput(store, id);
        if (!bytes) throw new Error('stored dump is missing');
        const record = await analysis.analyze(bytes);
        await store.replaceAnalysis(id, record, new Date().toISOString());
        result.updated++;
      } catch (err) {
        if (opts.shouldStop?.()) break;
        result.failed++;
        log.warn({ err, incident: id }, 're-analysis failed');
        // Not again under this analyzer: a dump that runs it out of time would hold a
        // worker for the whole timeout at every start.
        await store
          .markReanalysisFailed(id, ANALYZER_VERSION)
          .catch((e: unknown) => log.warn({ err: e, incident: id }, 'could not record the failed re-analysis'));
      } finally {
        clearInterval(renew);
      }
    }
    // Incidents other servers claimed: done by them meanwhile, or still to do when a
    // claim lapsed (its server died). Look again after a while until none is left. (Not
    // with --all: every incident always qualifies.)
    if (skipped === 0 || current === null || opts.shouldStop?.()) break;
    if (!(await pause(CLAIM_LEASE_MS / 4, opts.shouldStop))) break;
    ids = await store.idsToReanalyze(current, FINGERPRINT_VERSION);
    if (ids.length === 0) break;
  }
  if (elsewhere.size) result.claimedElsewhere = elsewhere.size;
  log.info(result, 're-analysis finished');
  return result;
}

/** Wait `ms`, or less when `shouldStop` turns true; false when it did. */
async function pause(ms: number, shouldStop?: () => boolean): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (shouldStop?.()) return false;
    await new Promise((r) => setTimeout(r, Math.min(200, until - Date.now())));
  }
  return !shouldStop?.();
}
