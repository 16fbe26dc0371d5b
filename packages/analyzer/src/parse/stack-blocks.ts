// Which task's kernel stack each 16 KiB block is, as a crash session shows it (bt frame
// addresses, `kmem ADDR` of a stack address). Each such fact is a record for the model;
// the parsers ask "whose stack holds this address?" only for header-less `bt` output, so
// the index is built from the facts on the first question and kept up to date after: a
// `foreach bt` of 17,000 tasks with headers never builds it.

import { stackBlockKey, type StackBlockKey } from './parser.js';
import type { Records, TaskRef } from './records.js';
import type { Span } from '../contract.js';

export class StackBlocks {
  private index: Map<StackBlockKey, TaskRef> | null = null;

  constructor(private readonly records: Records) {}

  /** The block holding `addr` is `task`'s kernel stack (a fact the model reads too). */
  note(addr: string, task: TaskRef, span: Span): void {
    this.records.addresses.push({ kind: 'stack', addr, task, span });
    this.index?.set(stackBlockKey(addr), task);
  }

  /** The task whose kernel stack holds `addr`, from the facts so far (the last one wins). */
  ownerOf(addr: string): TaskRef | null {
    if (!this.index) {
      this.index = new Map();
      for (const f of this.records.addresses) if (f.kind === 'stack') this.index.set(stackBlockKey(f.addr), f.task);
    }
    return this.index.get(stackBlockKey(addr)) ?? null;
  }
}
