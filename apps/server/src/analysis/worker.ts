// Analysis worker thread: receives { jobId, text }, answers { jobId, record, timings }
// or { jobId, error }. Serialising and compressing the document here keeps that cost
// off the main thread; the record crosses over without its JSON text, and the
// compressed bytes are transferred, not copied.
import { analyze } from '@hangscope/analyzer';
import { parentPort } from 'node:worker_threads';
import { toAnalysisRecord, type RecordTimings } from './digest.js';

if (!parentPort) throw new Error('analysis worker must run in a worker thread');
const port = parentPort;

/** The bytes in an ArrayBuffer of their own (a small Buffer may share Node's pool). */
function ownBuffer(data: Buffer): ArrayBuffer {
  if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer) return data.buffer;
  const copy = new ArrayBuffer(data.byteLength);
  new Uint8Array(copy).set(data);
  return copy;
}

port.on('message', (message: { jobId: number; text: string }) => {
  try {
    const t0 = performance.now();
    const doc = analyze(message.text);
    const timings: RecordTimings & { analyze: number } = { analyze: Math.round(performance.now() - t0), serialize: 0, compress: 0 };
    const { documentJson: _json, ...record } = toAnalysisRecord(doc, message.text, timings);
    const data = ownBuffer(record.document.data);
    port.postMessage(
      { jobId: message.jobId, record: { ...record, document: { ...record.document, data: new Uint8Array(data) } }, timings },
      [data],
    );
  } catch (err) {
    port.postMessage({ jobId: message.jobId, error: err instanceof Error ? err.message : String(err) });
  }
});
