// Analysis worker thread: receives { jobId, text }, answers { jobId, record, timings }
// or { jobId, error }. Serialising and compressing the document happen here, off the
// main thread and overlapped with each other; the record crosses over without any
// JSON text, and the compressed bytes are transferred, not copied.
import { analyze } from '@hangscope/analyzer';
import { parentPort } from 'node:worker_threads';
import { compressDocumentStreaming } from '../store/document.js';
import { indexFields } from './digest.js';

if (!parentPort) throw new Error('analysis worker must run in a worker thread');
const port = parentPort;

/** The bytes in an ArrayBuffer of their own (a small Buffer may share Node's pool). */
function ownBuffer(data: Buffer): ArrayBuffer {
  if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer) return data.buffer;
  const copy = new ArrayBuffer(data.byteLength);
  new Uint8Array(copy).set(data);
  return copy;
}

// One job at a time (the pool never sends a second before the answer), so the awaits
// below cannot interleave jobs.
port.on('message', async (message: { jobId: number; text: string }) => {
  try {
    const t0 = performance.now();
    const doc = analyze(message.text);
    const t1 = performance.now();
    const fields = indexFields(doc, message.text);
    const document = await compressDocumentStreaming(doc);
    const timings = { analyze: Math.round(t1 - t0), encode: Math.round(performance.now() - t1) };
    const data = ownBuffer(document.data);
    port.postMessage({ jobId: message.jobId, record: { ...fields, document: { ...document, data: new Uint8Array(data) } }, timings }, [data]);
  } catch (err) {
    port.postMessage({ jobId: message.jobId, error: err instanceof Error ? err.message : String(err) });
  }
});
