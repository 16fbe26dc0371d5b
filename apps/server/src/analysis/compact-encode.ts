// The JSON text of compactAnalysis(doc), written straight from the full document.
//
// compactAnalysis copies every task without its frames (an object spread per task:
// ~250 ms for the 80,000 tasks of the 50 MB dump) and a generic piecewise writer then
// walks the copies (~400 ms). Here each task is stringified once as it is, with its
// `frames` set to undefined for that call (JSON.stringify leaves such a member out) and
// `"stack":k` appended, which is exactly what stringifying the compact task writes.

import { StackTable, type AnalysisDocument, type Frame } from '@hangscope/analyzer';

const PIECE = 1024 * 1024;

/** JSON.stringify(compactAnalysis(doc)), in pieces of about a megabyte. */
export function* compactJsonPieces(doc: AnalysisDocument): Generator<string> {
  const tasks = doc.tasks ?? [];
  // Stack indexes as compactAnalysis assigns them (the same StackTable).
  const table = new StackTable();
  const index = new Int32Array(tasks.length);
  for (let i = 0; i < tasks.length; i++) index[i] = table.indexOf(tasks[i].frames);
  const stacks = table.stacks;

  // { ...head, compact: 1, stacks, tasks }: the document's members but tasks, in order.
  let out = '{';
  let first = true;
  const record = doc as unknown as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key === 'tasks') continue;
    const json = JSON.stringify(record[key]);
    if (json === undefined) continue; // undefined, functions, symbols: left out
    out += `${first ? '' : ','}${JSON.stringify(key)}:${json}`;
    first = false;
    if (out.length >= PIECE) {
      yield out;
      out = '';
    }
  }
  out += `${first ? '' : ','}"compact":1,"stacks":${JSON.stringify(stacks)},"tasks":[`;
  for (let i = 0; i < tasks.length; i++) {
    const task = tasks[i] as { frames?: Frame[] };
    const frames = task.frames;
    let json: string;
    task.frames = undefined;
    try {
      json = JSON.stringify(task);
    } finally {
      task.frames = frames;
    }
    out += `${i === 0 ? '' : ','}${json === '{}' ? '{' : `${json.slice(0, -1)},`}"stack":${index[i]}}`;
    if (out.length >= PIECE) {
      yield out;
      out = '';
    }
  }
  yield `${out}]}`;
}
