// Analysis worker thread: receives { jobId, bytes } (the upload's bytes, transferred),
// answers { jobId, record, timings }, { jobId, rejected } when the bytes are not a text
// dump (400/415), or { jobId, error }. Decoding, analysing, serialising and compressing
// all happen here, off the main thread: the main thread never holds the dump as a
// string, and its event loop is not blocked by decoding 50 MB. The record crosses over
// without any JSON text; its compressed bytes are transferred, not copied.
import { analyze } from '@hangscope/analyzer';
import { parentPort } from 'node:worker_threads';
import { HttpError } from '../errors.js';
import { lowerThreadPriority } from './thread-priority.js';
import { compressDocumentStreaming, compressJsonPieces } from '../store/document.js';
import { compactJsonPieces } from './compact-encode.js';
import { COMPACT_MIN_TASKS, countLines, decodeOrReject, indexFields, pageView, storedForm } from './digest.js';

if (!parentPort) throw new Error('analysis worker must run in a worker thread');
const port = parentPort;
// Analyses yield the CPU to the event loop, which keeps answering meanwhile.
lowerThreadPriority(10);

/** The bytes in an ArrayBuffer of their own (a small Buffer may share Node's pool). */
function ownBuffer(data: Buffer): ArrayBuffer {
  if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer)
    return data.buffer;
  const copy = new ArrayBuffer(data.byteLength);
  new Uint8Array(copy).set(data);
  return copy;
}

function takeBytes(message: { bytes: Uint8Array | null }): Uint8Array {
  const bytes = message.bytes;
  message.bytes = null;
  if (!bytes) throw new Error('job without bytes');
  return bytes;
}

// One job at a time (the pool never sends a second before the answer), so the awaits
// below cannot interleave jobs.
port.on('message', async (message: { jobId: number; bytes: Uint8Array | null }) => {
  try {
    const t0 = performance.now();
    // The bytes are dropped as soon as they are text (no local keeps them across the
    // awaits below): the event object would otherwise hold 50 MB for the whole analysis.
    let text: string | null = decodeOrReject(takeBytes(message));
    const t1 = performance.now();
    const doc = analyze(text);
    const t2 = performance.now();
    const fields = indexFields(doc, countLines(text));
    text = null; // the analysis is done with it; let it go before the encoding allocates
    // The compact form's JSON is written from the document itself (compact-encode.ts).
    const compact = storedForm(doc, COMPACT_MIN_TASKS, false).form === 'compact';
    const document = compact
      ? await compressJsonPieces(compactJsonPieces(doc), 'compact')
      : await compressDocumentStreaming(doc, 'full');
    const t3 = performance.now();
    const view = pageView(doc);
    const timings = {
      decode: Math.round(t1 - t0),
      analyze: Math.round(t2 - t1),
      encode: Math.round(t3 - t2),
      view: Math.round(performance.now() - t3),
    };
    const data = ownBuffer(document.data);
    const viewData = ownBuffer(view.doc.data);
    const groupsData = ownBuffer(view.groupsDoc.data);
    const record = {
      ...fields,
      document: { ...document, data: new Uint8Array(data) },
      view: {
        ...view,
        doc: { ...view.doc, data: new Uint8Array(viewData) },
        groupsDoc: { ...view.groupsDoc, data: new Uint8Array(groupsData) },
      },
    };
    port.postMessage({ jobId: message.jobId, record, timings }, [data, viewData, groupsData]);
  } catch (err) {
    if (err instanceof HttpError) {
      port.postMessage({
        jobId: message.jobId,
        rejected: { statusCode: err.statusCode, error: err.error, message: err.message },
      });
    } else {
      port.postMessage({ jobId: message.jobId, error: err instanceof Error ? err.message : String(err) });
    }
  }
});
