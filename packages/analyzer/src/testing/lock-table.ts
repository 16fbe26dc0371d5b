// A lock resolution step on its own (resolve/locks/*.test.ts): text → model → waits, and
// an empty LockTable for the step to record into.

import { findWaits } from '../waits/find.js';
import { buildModel } from '../model/build.js';
import { pickKernel } from '../parse/kernel.js';
import { parseText } from '../parse/run.js';
import { LockTable } from '../resolve/locks/table.js';

export function lockTableOf(text: string) {
  const { records } = parseText(text);
  const { kernel, arch } = pickKernel(records);
  const model = buildModel(records, text, kernel);
  const waits = findWaits(model, arch ?? 'x86_64');
  return { model, waits, table: new LockTable(model) };
}

/** A fact of a lock as plain data, for toEqual. */
export function ownerOf(table: LockTable, addrOrName: string) {
  const l = table.existing(addrOrName, addrOrName) ?? table.namedNow(addrOrName);
  return l?.owner ? { task: l.owner.task, confidence: l.owner.confidence } : null;
}

export function waitersOf(table: LockTable, addrOrName: string) {
  const l = table.existing(addrOrName, addrOrName) ?? table.namedNow(addrOrName);
  return [...(l?.waiters ?? new Map())].map(([task, w]) => ({ task, confidence: w.confidence }));
}
