// What is wrong with a dump before it is sent: nothing to send, or more than the server
// accepts (said with the limit, before a 70 MB file travels only to be refused).
import { formatBytes } from '../util/format';

export function uploadProblem(
  size: number,
  blank: boolean,
  maxBytes: number | null,
  what: 'file' | 'text',
): string | null {
  if (size === 0 || blank)
    return what === 'file'
      ? 'This file is empty: there is nothing to analyze.'
      : 'Paste a dump or choose a file first.';
  if (maxBytes !== null && size > maxBytes) {
    return `This ${what === 'file' ? 'file' : 'text'} is ${formatBytes(size)}; this server accepts dumps of up to ${formatBytes(maxBytes)}. Cut it to the part around the hang (the report and the task dump), or ask the operator to raise HANGSCOPE_MAX_UPLOAD.`;
  }
  return null;
}

/** "3.2 s", "1 min 04 s". */
export function formatElapsed(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${String(Math.floor(s - m * 60)).padStart(2, '0')} s`;
}
