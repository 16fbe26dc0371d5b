// Analysis worker thread: receives { jobId, text }, answers { jobId, record } or
// { jobId, error }. Serialising the document to JSON here keeps that cost off the
// main thread too.
import { parentPort } from 'node:worker_threads';
import { analyzeToRecord } from './digest.js';

if (!parentPort) throw new Error('analysis worker must run in a worker thread');
const port = parentPort;

port.on('message', (message: { jobId: number; text: string }) => {
  try {
    port.postMessage({ jobId: message.jobId, record: analyzeToRecord(message.text) });
  } catch (err) {
    port.postMessage({ jobId: message.jobId, error: err instanceof Error ? err.message : String(err) });
  }
});
