import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { failedAnalysisRecord } from '../analysis/digest.js';
import { AnalysisError, type AnalysisRunner } from '../analysis/pool.js';
import type { AnalysisRecord } from '../store/types.js';
import { newIncidentId } from '../ids.js';
import type { ViewCache } from '../routes/view.js';
import type { IncidentStore } from '../store/types.js';
import { Redactor } from '../redact/redact.js';

const gzipAsync = promisify(gzip);

/**
 * The original bytes are kept for the raw view and re-analysis, rarely read. Level 6
 * (zlib's default) takes seconds for 50 MB on a busy machine and competes with the
 * analysis for the same cores; level 1 is several times faster and still ~5:1 on logs.
 */
const RAW_GZIP_LEVEL = 1;

export interface IngestInput {
  bytes: Buffer;
  title: string | null;
  host: string | null;
  tags: string[];
}

/** Redaction before storing (HANGSCOPE_REDACT_AT_INGEST): the original is never kept. */
export interface IngestRedaction {
  kaslr: boolean;
  /** The database's redaction secret (services/redaction.ts). */
  secret: () => Promise<string>;
}

/** A dump through the redaction pass before it is stored (uploads and captures alike). */
export async function redactForIngest(
  redaction: IngestRedaction,
  bytes: Buffer,
  hosts: (string | null)[],
): Promise<{ redactor: Redactor; bytes: Buffer }> {
  const text = bytes.toString('utf8');
  const own = createHash('sha256').update(bytes).digest('hex');
  const redactor = new Redactor(text, { kaslr: redaction.kaslr, secret: `${await redaction.secret()}:${own}`, hosts });
  return { redactor, bytes: Buffer.from(redactor.redact(text), 'utf8') };
}

export interface IngestResult {
  id: string;
  duplicate: boolean;
  /** Why the analysis did not finish (out of time or memory); the dump is stored with
   *  an analysis that says so. Absent when the analysis succeeded. */
  analysisError?: string;
  /** Milliseconds per step, for the request log. `analyze` is the wait for the
   * worker; `worker` splits it (decoding the bytes; the analyzer; JSON text and its
   * compression, overlapped); `gzipRaw` ran alongside. */
  timings?: {
    sha256: number;
    analyze: number;
    gzipRaw: number;
    store: number;
    worker?: { decode: number; analyze: number; encode: number };
  };
}

/**
 * Store one dump: skip it if the same bytes are already stored, check it is text and
 * analyse it (off the event loop), compress the original bytes and write everything in
 * one transaction.
 */
export class IngestService {
  constructor(
    private readonly store: IncidentStore,
    private readonly analysis: AnalysisRunner,
    /** Where the page's view of a fresh upload is kept (the page asks for it next). */
    private readonly views: ViewCache | null = null,
    private readonly redaction: IngestRedaction | null = null,
  ) {}

  /** The dump and its fields through the redaction pass. The text is read as UTF-8:
   *  a redacted dump is no longer byte-exact anyway. */
  private async redacted(input: IngestInput): Promise<IngestInput> {
    if (!this.redaction) return input;
    const { redactor: r, bytes } = await redactForIngest(this.redaction, input.bytes, [input.host]);
    return {
      bytes,
      title: input.title === null ? null : r.redact(input.title),
      host: input.host === null ? null : r.redact(input.host),
      tags: input.tags,
    };
  }

  async ingest(original: IngestInput): Promise<IngestResult> {
    const input = await this.redacted(original);
    const t0 = performance.now();
    const sha256 = createHash('sha256').update(input.bytes).digest('hex');
    const existing = await this.store.findIdBySha256(sha256);
    if (existing) return { id: existing, duplicate: true };

    // The analysis runner decodes the bytes (a 400/415 for what is not a text dump) and
    // analyses them in a worker; zlib compresses the original on libuv's thread pool
    // meanwhile. Neither blocks the event loop.
    const t1 = performance.now();
    let gzipMs = 0;
    let analysisError: string | undefined;
    const [analysis, compressed] = await Promise.all([
      this.analysis.analyze(input.bytes).catch((err: unknown): AnalysisRecord => {
        // A 400/415 (not a text dump) is the upload's answer. An analysis that ran out
        // of time or memory is the analyzer's failure, not the user's: the dump is kept.
        if (!(err instanceof AnalysisError)) throw err;
        analysisError = err.message;
        return failedAnalysisRecord(input.bytes, err.message);
      }),
      gzipAsync(input.bytes, { level: RAW_GZIP_LEVEL }).then((b) => {
        gzipMs = performance.now() - t1;
        return b;
      }),
    ]);
    const t2 = performance.now();
    const result = await this.store.create({
      id: newIncidentId(),
      sha256,
      createdAt: new Date().toISOString(),
      raw: { encoding: 'gzip', data: compressed, size: input.bytes.length },
      userTitle: input.title,
      host: input.host,
      tags: input.tags,
      analysis,
    });
    if (result.created && result.analysisTag && analysis.view && this.views) {
      this.views.prime(result.id, { tag: result.analysisTag, doc: analysis.view.doc, groups: analysis.view.groups });
    }
    // created=false: the same bytes were stored by a concurrent upload meanwhile.
    const ms = (a: number, b: number) => Math.round(b - a);
    return {
      id: result.id,
      duplicate: !result.created,
      ...(analysisError ? { analysisError } : {}),
      timings: {
        sha256: ms(t0, t1),
        analyze: ms(t1, t2),
        gzipRaw: Math.round(gzipMs),
        store: ms(t2, performance.now()),
        ...(analysis.timings ? { worker: analysis.timings } : {}),
      },
    };
  }
}
