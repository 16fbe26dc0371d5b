// V8 heap limits of an analysis worker thread (worker_threads `resourceLimits`).
//
// Young generation: the analyzer's own figure (packages/analyzer/src/heap.ts) — V8's
// default lets it reach 32 MB, 3.2× a 10 MB dump, in every big analysis.
//
// Old generation: bounded so that a dump which makes the analyzer use far more memory
// than it should (a bug: a 50 MB dump peaks at ~5× its size) ends its worker with
// ERR_WORKER_OUT_OF_MEMORY instead of taking the server down; the upload is still
// stored, with an analysis that says it failed (services/ingest.ts). The bound scales
// with the largest upload accepted: 16× it (a dump with one non-Latin-1 character is
// held as UTF-16, twice its bytes), and never below 1 GB; HANGSCOPE_ANALYSIS_HEAP_MB
// sets it outright.

import { ANALYSIS_YOUNG_GENERATION_MB } from '@hangscope/analyzer';
import type { ResourceLimits } from 'node:worker_threads';

export const ANALYSIS_MIN_OLD_GENERATION_MB = 1024;
export const ANALYSIS_OLD_GENERATION_PER_UPLOAD_BYTE = 16;

/** The limits for a server accepting uploads of up to `maxUploadBytes`; `oldGenerationMb`
 *  overrides the old generation's bound. */
export function analysisResourceLimits(maxUploadBytes: number, oldGenerationMb?: number): ResourceLimits {
  const perUpload = Math.ceil((maxUploadBytes * ANALYSIS_OLD_GENERATION_PER_UPLOAD_BYTE) / 1048576);
  return {
    maxYoungGenerationSizeMb: ANALYSIS_YOUNG_GENERATION_MB,
    maxOldGenerationSizeMb: oldGenerationMb || Math.max(ANALYSIS_MIN_OLD_GENERATION_MB, perUpload),
  };
}
