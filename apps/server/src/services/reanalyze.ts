import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ANALYZER_VERSION, FINGERPRINT_VERSION } from '@hangscope/analyzer';
import type { FastifyBaseLogger } from 'fastify';
import type { AnalysisRunner } from '../analysis/pool.js';
import type { IncidentStore } from '../store/types.js';
import { readRawBytes } from './raw.js';

export interface ReanalyzeResult {
  updated: number;
  failed: number;
  total: number;
  /** Left to another server on the same database, which claimed them first (or had
   *  re-analysed them already); absent when none. */
  claimedElsewhere?: number;
}

/** A re-analysis claim lasts this long: longer than an analysis may take (5 minutes in
 *  the server, 10 in the CLI), so a claim runs out only when its server died. */
const CLAIM_LEASE_MS = 15 * 60_000;

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
  const ids = await store.idsToReanalyze(opts.all ? null : ANALYZER_VERSION, FINGERPRINT_VERSION);
  const result: ReanalyzeResult = { updated: 0, failed: 0, total: ids.length };
  if (ids.length === 0) return result;
  log.info({ count: ids.length, analyzerVersion: ANALYZER_VERSION }, 're-analysing stored incidents');
  const current = opts.all ? null : ANALYZER_VERSION;
  for (const id of ids) {
    if (opts.shouldStop?.()) break;
    if (!(await store.claimReanalysis(id, OWNER, CLAIM_LEASE_MS, current, FINGERPRINT_VERSION))) {
      result.claimedElsewhere = (result.claimedElsewhere ?? 0) + 1;
      continue;
    }
    try {
      const bytes = await readRawBytes(store, id);
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
      await store.markReanalysisFailed(id, ANALYZER_VERSION).catch((e: unknown) => log.warn({ err: e, incident: id }, 'could not record the failed re-analysis'));
    }
  }
  log.info(result, 're-analysis finished');
  return result;
}
