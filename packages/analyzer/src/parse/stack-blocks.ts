// Which task's kernel stack each 16 KiB block is, as a crash session shows it (bt frame
// addresses, `kmem ADDR` of a stack address). Each such fact is a record for the model;
// the parsers ask "whose stack holds this address?" only for header-less `bt` output, so
// the index is built from the facts on the first question and kept up to date after: a
// `foreach bt` of 17,000 tasks with headers never builds it.

import type { Records, TaskRef } from './records.js';
import type { Span } from '../contract.js';
import { X86_64_THREAD_SHIFT } from '../knowledge/arch.js';

// The block is the address shifted right by THREAD_SHIFT (12..16): the first 12 hex
// digits (48 bits) times 2^(16 - shift), plus the thirteenth digit's top (shift - 12) bits.
const LOW_BITS = X86_64_THREAD_SHIFT - 12;
const HIGH_SCALE = 2 ** (16 - X86_64_THREAD_SHIFT);

/** A 16 KiB kernel stack block's key: its number, or (for text that is not hex) a string. */
export type StackBlockKey = number | string;

/**
 * The 16 KiB-aligned kernel stack block an address falls in (x86_64 THREAD_SIZE): the
 * address without its low 14 bits, as a number (the top 48 bits of the 16 hex digits and
 * 2 bits of the thirteenth: at most 2^50, exact in a double). A number, so that keying a
 * map by it makes no string per stack frame.
 */
export function stackBlockKey(addr: string): StackBlockKey {
  const a = addr.length === 16 && isLowerHex(addr) ? addr : addr.replace(/^0x/, '').toLowerCase().padStart(16, '0');
  let hi = 0;
  for (let i = 0; i < 12; i++) {
    const v = hexValue(a.charCodeAt(i));
    if (v < 0) return textKey(a);
    hi = hi * 16 + v;
  }
  const q = hexValue(a.charCodeAt(12));
  if (q < 0) return textKey(a);
  return hi * HIGH_SCALE + (q >> LOW_BITS);
}

/** The key of text that is not a hex address (it matches only the same text). */
function textKey(a: string): string {
  return a.slice(0, 12) + Math.floor(Number.parseInt(a[12], 16) / 2 ** LOW_BITS);
}

/** stackBlockKey(a) === stackBlockKey(b), without building either key in the common case. */
export function sameStackBlock(a: string, b: string): boolean {
  if (a.length === 16 && b.length === 16) {
    for (let i = 0; i < 12; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return false;
    const x = hexValue(a.charCodeAt(12));
    const y = hexValue(b.charCodeAt(12));
    if (x >= 0 && y >= 0 && isLowerHex(a) && isLowerHex(b)) return x >> LOW_BITS === y >> LOW_BITS;
  }
  return stackBlockKey(a) === stackBlockKey(b);
}

function hexValue(d: number): number {
  return d >= 48 && d <= 57 ? d - 48 : d >= 97 && d <= 102 ? d - 87 : -1;
}

function isLowerHex(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

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
