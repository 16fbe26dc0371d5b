import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { joinCaptures } from '@hangscope/analyzer';
import { decodeOrReject, failedAnalysisRecord } from '../analysis/digest.js';
import { AnalysisError, type AnalysisRunner } from '../analysis/pool.js';
import { HttpError } from '../errors.js';
import type { ViewCache } from '../routes/view.js';
import type { AnalysisRecord, CaptureInfo, IncidentStore } from '../store/types.js';
import { redactForIngest, type IngestRedaction } from './ingest.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Tries when another capture of the same incident lands between reading and storing. */
const MAX_TRIES = 3;

export interface AddCaptureOutcome {
  seq: number;
  duplicate: boolean;
  analysisError?: string;
}

/** One capture's bytes as stored, exactly. */
export async function readCaptureBytes(store: IncidentStore, id: string, seq: number): Promise<Buffer | null> {
  const raw = await store.getCaptureRaw(id, seq);
  if (!raw) return null;
  return raw.encoding === 'gzip' ? gunzipAsync(raw.data) : raw.data;
}

/**
 * The text the incident's analysis reads: its own dump, or with several captures all of
 * them joined with their markers (the analyzer's joinCaptures), as UTF-8. Null: no
 * incident (or a capture gone missing).
 */
export async function readAnalysisInput(store: IncidentStore, id: string): Promise<Buffer | null> {
  const list = await store.listCaptures(id);
  if (!list) return null;
  if (list.length === 1) return readCaptureBytes(store, id, 1);
  const texts = await readCaptureTexts(store, id, list);
  return texts && Buffer.from(joinCaptures(texts), 'utf8');
}

/** Each capture's text (decoded as an upload is) and time; null: one is missing. */
async function readCaptureTexts(
  store: IncidentStore,
  id: string,
  list: CaptureInfo[],
): Promise<{ text: string; createdAt: string }[] | null> {
  const texts: { text: string; createdAt: string }[] = [];
  for (const c of list) {
    const bytes = await readCaptureBytes(store, id, c.seq);
    if (!bytes) return null;
    texts.push({ text: decodeOrReject(bytes), createdAt: c.createdAt });
  }
  return texts;
}

/**
 * Add a capture to an incident (issue 23): stored byte-exact beside the others, and the
 * incident's analysis replaced by the analysis of all its captures together (in the
 * analysis workers, like an upload's).
 */
export class CaptureService {
  constructor(
    private readonly store: IncidentStore,
    private readonly analysis: AnalysisRunner,
    private readonly views: ViewCache | null = null,
    /** HANGSCOPE_REDACT_AT_INGEST: captures are redacted before they are stored, as uploads are. */
    private readonly redaction: IngestRedaction | null = null,
  ) {}

  /** Null: no such incident. A capture with the bytes of one the incident has already
   *  is that one (duplicate). */
  async add(id: string, original: Buffer): Promise<AddCaptureOutcome | null> {
    const bytes = this.redaction
      ? (await redactForIngest(this.redaction, original, [(await this.store.get(id))?.host ?? null])).bytes
      : original;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    // Not a text dump: the same 400/415 as an upload's, before anything is read back.
    const text = decodeOrReject(bytes);
    const compressed = await gzipAsync(bytes, { level: 1 });
    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      const captures = await this.store.listCaptures(id);
      if (!captures) return null;
      const same = captures.find((c) => c.sha256 === sha256);
      if (same) return { seq: same.seq, duplicate: true };
      const createdAt = new Date().toISOString();
      const earlier = await readCaptureTexts(this.store, id, captures);
      if (!earlier) return null;
      const input = Buffer.from(joinCaptures([...earlier, { text, createdAt }]), 'utf8');
      let analysisError: string | undefined;
      const record = await this.analysis.analyze(input).catch((err: unknown): AnalysisRecord => {
        if (!(err instanceof AnalysisError)) throw err;
        analysisError = err.message;
        return failedAnalysisRecord(input, err.message);
      });
      const result = await this.store.addCapture(
        id,
        captures.length,
        { createdAt, sha256, raw: { encoding: 'gzip', data: compressed, size: bytes.length } },
        record,
        createdAt,
      );
      if (result === null) return null;
      if (result === 'conflict') continue;
      if (record.view && this.views)
        this.views.prime(id, { tag: result.analysisTag, doc: record.view.doc, groups: record.view.groups });
      return { seq: result.seq, duplicate: false, ...(analysisError ? { analysisError } : {}) };
    }
    throw new HttpError(409, 'conflict', 'other captures of this incident are being added at the same time; retry');
  }
}
