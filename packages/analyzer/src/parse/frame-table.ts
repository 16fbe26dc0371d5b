// The frames of one analysis, each distinct frame once and each distinct stack once.
//
// A sysrq-t dump of 50,000 tasks prints a million frame lines but only a few hundred
// distinct frames and stacks. Every task's frames are taken from this table: identical
// frames are one frozen object, identical stacks one frozen array (the analysis document
// shares them too), and a frame line's text is parsed once however often it is printed.
//
// One table per analysis: the run's Records makes it, the parsers reach it through their
// ParseContext, and it is dropped with the run (its keys are slices of the input text;
// nothing outlives the analysis, and nothing needs emptying).

import { UNCACHED, type FnKnowledge, type Named } from '../knowledge/by-name.js';
import type { FrameHeldLock } from '../knowledge/frame-held-locks.js';
import type { LockWrapper } from '../knowledge/lock-wrappers.js';
import type { ReportFrame } from '../knowledge/report-frames.js';
import type { WaitRule } from '../knowledge/waits.js';
import type { ArmCall, FrameContext, ParsedFrame, StackFrame } from './records.js';

/** Names with fewer variants are compared field by field, else first split by splitKey. */
const VARIANTS_SCANNED = 8;
/** Variants with the same split key compared field by field before the complete key is used. */
const INNER_SCANNED = 16;
/** Bound on remembered frame-line texts (a dump has a few thousand distinct ones). */
const TEXT_MEMO_MAX = 200_000;
/** Lookups after which a text memo that found fewer than half of them is given up. */
const MEMO_TRIAL = 16_384;

type FrameFields = Omit<ParsedFrame, 'line'>;

/**
 * Frames of one name (or one name and call site): the frame itself while it is the only
 * one, else a list. Most names and sites of a dump have one frame, and a list for each
 * would be as many arrays as frames, kept to the end of the run.
 */
type Bucket = StackFrame | StackFrame[];

/** `bucket` with `f` added: `f` alone when the bucket is empty. */
function withFrame(bucket: Bucket | undefined, f: StackFrame): Bucket {
  if (bucket === undefined) return f;
  if (!Array.isArray(bucket)) return [bucket, f];
  bucket.push(f);
  return bucket;
}

/**
 * One function name's frames: a bucket, or (many variants) buckets by address/offset;
 * empty ones are not kept (a dump of distinct stacks has tens of thousands of names).
 */
interface FnEntry {
  variants: Bucket | Map<string, Bucket> | null;
  /** isGenericFrame(name), asked once per name rather than once per variant. */
  generic: boolean;
  /** The other knowledge of the name (FnKnowledge), each asked when first wanted. */
  rule?: WaitRule | null;
  held?: readonly FrameHeldLock[];
  taken?: LockWrapper | null;
  report?: ReportFrame | null;
  exceptionEntry?: boolean;
  /**
   * The name, size and module as first printed: a function's size and module are the
   * same in all its frames, so its frames share these strings rather than each holding
   * its own copy cut from its line.
   */
  fn: string;
  size: string | null;
  module: string | null;
  /** The table the entry is of (a frame's id counts only in its own table). */
  table: FrameTable;
}

/**
 * Also the run's FnKnowledge: a name's answers are kept on its entry, asked once.
 */
export class FrameTable implements FnKnowledge {
  private byFn = new Map<string, FnEntry>();
  /** Distinct frames made: the next frame's id. */
  private frames = 0;
  private byHash = new Map<number, readonly StackFrame[]>();
  private byKey = new Map<string, readonly StackFrame[]>();
  private byText = new Map<string, StackFrame>();
  private textTrial = new MemoTrial();
  private byFullKey = new Map<string, StackFrame>();
  private contextVariants = new Map<StackFrame, Map<FrameContext, StackFrame>>();
  /** Crash `bt` frames by the text after `#N [sp] ` (parse/frames.ts crashBtFrame). */
  readonly crashText = new TextMemo<StackFrame | null>();
  /** 32-bit ARM backtrace lines' calls by their text (parse/frames.ts armCallOfLine). */
  readonly armText = new TextMemo<ArmCall | null>();

  /** The entry of a function name, made when first asked (by a frame or a stage). */
  private entry(fn: string, size: string | null, module: string | null): FnEntry {
    let entry = this.byFn.get(fn);
    if (entry === undefined) {
      entry = { variants: null, generic: UNCACHED.isGeneric(fn), fn, size, module, table: this };
      this.byFn.set(fn, entry);
    }
    return entry;
  }

  /**
   * The entry of a name, or of a frame's name: a frame of this table holds its entry, so
   * the stages that ask about every frame of every distinct stack do not look the name up
   * in a table of tens of thousands of names each time.
   */
  private entryOf(f: Named): FnEntry {
    if (typeof f === 'string') return this.entry(f, null, null);
    return TableFrame.entryOf(f) ?? this.entry(f.fn, null, null);
  }

  isGeneric(f: Named): boolean {
    return this.entryOf(f).generic;
  }

  waitRule(f: Named): WaitRule | null {
    const e = this.entryOf(f);
    return e.rule !== undefined ? e.rule : (e.rule = UNCACHED.waitRule(e.fn));
  }

  heldLocks(f: Named): readonly FrameHeldLock[] {
    const e = this.entryOf(f);
    return e.held ?? (e.held = UNCACHED.heldLocks(e.fn));
  }

  lockTaken(f: Named): LockWrapper | undefined {
    const e = this.entryOf(f);
    if (e.taken === undefined) e.taken = UNCACHED.lockTaken(e.fn) ?? null;
    return e.taken ?? undefined;
  }

  reportFrame(f: Named): ReportFrame | undefined {
    const e = this.entryOf(f);
    if (e.report === undefined) e.report = UNCACHED.reportFrame(e.fn) ?? null;
    return e.report ?? undefined;
  }

  isExceptionEntry(f: Named): boolean {
    const e = this.entryOf(f);
    return (e.exceptionEntry ??= UNCACHED.isExceptionEntry(e.fn));
  }

  /** The table's frame equal to `f` (its line ignored). */
  frame(f: FrameFields): StackFrame {
    const entry = this.entry(f.fn, f.size, f.module);
    let variants = entry.variants;
    if (Array.isArray(variants) && variants.length >= VARIANTS_SCANNED) {
      // A name with many variants (per-call-site return addresses in crash bt): split by
      // the field that tells them apart, so a dump with thousands stays linear. The key
      // is a string the frame already holds: nothing is built per lookup.
      const m = new Map<string, Bucket>();
      for (const v of variants) m.set(splitKey(v), withFrame(m.get(splitKey(v)), v));
      entry.variants = variants = m;
    }
    const byKey = variants instanceof Map ? variants : null;
    const key = byKey === null ? '' : splitKey(f);
    const bucket = byKey === null ? ((variants as Bucket | null) ?? undefined) : byKey.get(key);
    if (bucket !== undefined) {
      if (!Array.isArray(bucket)) {
        if (sameFrame(bucket, f)) return bucket;
      } else for (const v of bucket) if (sameFrame(v, f)) return v;
    }
    let fullKey: string | undefined;
    if (Array.isArray(bucket) && bucket.length >= INNER_SCANNED) {
      // Adversarial text (one function and offset printed with thousands of sizes or
      // modules): the list stops growing, further variants go by their complete key.
      fullKey = `${f.fn}|${variantKey(f)}`;
      const v = this.byFullKey.get(fullKey);
      if (v) return v;
    }
    const frozen = Object.freeze(new TableFrame(entry, f, this.frames++));
    if (fullKey !== undefined) this.byFullKey.set(fullKey, frozen);
    else if (Array.isArray(bucket)) bucket.push(frozen);
    else if (byKey !== null) byKey.set(key, withFrame(bucket, frozen));
    else entry.variants = withFrame(bucket, frozen);
    return frozen;
  }

  /**
   * The frame a frame line's text denotes (task context), parsing each distinct text
   * once with `parse`; undefined when the text is not a frame.
   */
  fromText(trimmed: string, parse: (t: string) => FrameFields | undefined): StackFrame | undefined {
    const trial = this.textTrial;
    if (trial.on) {
      const known = this.byText.get(trimmed);
      trial.note(known !== undefined);
      if (known !== undefined) return known;
      if (!trial.on) this.byText = new Map();
    }
    const p = parse(trimmed);
    if (!p) return undefined;
    // Only frames are remembered: a non-frame line fails in a few character tests, and
    // remembering every distinct line of a big dump would fill the memo.
    const f = this.frame(p);
    if (trial.on && this.byText.size < TEXT_MEMO_MAX) this.byText.set(trimmed, f);
    return f;
  }

  /** `f` as printed inside an interrupt/NMI handler's section of a trace. */
  withContext(f: StackFrame, context: FrameContext): StackFrame {
    if (f.context === context) return f;
    let m = this.contextVariants.get(f);
    if (!m) this.contextVariants.set(f, (m = new Map()));
    let v = m.get(context);
    if (!v) m.set(context, (v = this.frame({ ...f, context })));
    return v;
  }

  /** The table's stack equal to `frames` (whose frames come from this table). */
  stack(frames: readonly StackFrame[]): readonly StackFrame[] {
    if (frames.length === 0) return EMPTY;
    // Looked up by a number made from the frames' ids: a key string per stack was built
    // for every task of a dump, and kept for every distinct one.
    let hash = frames.length;
    for (let k = 0; k < frames.length; k++) hash = mix(hash, TableFrame.idIn(this, this.own(frames[k])));
    const known = this.byHash.get(hash);
    if (known !== undefined && this.sameStack(known, frames)) return known;
    // Another stack with the same number (rare; or text made to collide): the exact key
    // of its frames' ids decides, so no lookup compares more than one stack.
    let key: string | undefined;
    if (known !== undefined) {
      key = '';
      for (let k = 0; k < frames.length; k++) key += TableFrame.idIn(this, this.own(frames[k])) + ',';
      const v = this.byKey.get(key);
      if (v !== undefined) return v;
    }
    const out = Object.freeze(frames.map((f) => this.own(f)));
    if (key === undefined) this.byHash.set(hash, out);
    else this.byKey.set(key, out);
    return out;
  }

  /** `f` itself when it is a frame of this table, else the table's frame equal to it. */
  private own(f: StackFrame): StackFrame {
    return TableFrame.idIn(this, f) >= 0 ? f : this.frame(f);
  }

  private sameStack(s: readonly StackFrame[], frames: readonly StackFrame[]): boolean {
    if (s.length !== frames.length) return false;
    for (let k = 0; k < s.length; k++) if (s[k] !== this.own(frames[k])) return false;
    return true;
  }

  /** Every function name the table has an entry for (all its frames' names among them). */
  names(): Iterable<string> {
    return this.byFn.keys();
  }

  /** Distinct frames held. */
  get size(): number {
    return this.frames;
  }
}

/**
 * A frame of the table: the document's frame (only the fields that are set, so documents
 * stay as small as the parsers made them), which also holds its function name's entry and
 * its id in the table (the key of the stacks it is in) in private fields — not
 * properties: JSON, structured clone, spreads and Object.keys do not see them.
 */
class TableFrame implements StackFrame {
  declare readonly fn: string;
  declare readonly offset: string | null;
  declare readonly size: string | null;
  declare readonly module: string | null;
  declare readonly addr: string | null;
  declare readonly reliable: boolean;
  declare readonly context?: FrameContext;
  declare readonly isIp?: boolean;
  declare readonly generic?: true;
  readonly #entry: FnEntry;
  readonly #id: number;

  constructor(entry: FnEntry, f: FrameFields, id: number) {
    const self = this as { -readonly [K in keyof StackFrame]: StackFrame[K] };
    self.fn = entry.fn;
    self.offset = f.offset;
    self.size = f.size === entry.size ? entry.size : f.size;
    self.module = f.module === entry.module ? entry.module : f.module;
    self.addr = f.addr;
    self.reliable = f.reliable;
    if (f.context !== undefined) self.context = f.context;
    if (f.isIp !== undefined) self.isIp = f.isIp;
    if (entry.generic) self.generic = true;
    this.#entry = entry;
    this.#id = id;
  }

  /** The frame's id in `table`, -1 when it is not a frame of that table. */
  static idIn(table: FrameTable, f: object): number {
    return #entry in f && (f as TableFrame).#entry.table === table ? (f as TableFrame).#id : -1;
  }

  static entryOf(f: object): FnEntry | undefined {
    return #entry in f ? (f as TableFrame).#entry : undefined;
  }
}

/** A frame made by a frame table (its JSON is its own enumerable fields). */
export function isTableFrame(o: object): boolean {
  return TableFrame.entryOf(o) !== undefined;
}

/** What a parser makes of a line's text, asked once per distinct text (up to a bound). */
export class TextMemo<T> {
  private byText = new Map<string, T>();
  private trial = new MemoTrial();

  get(text: string, parse: (t: string, table: FrameTable) => T, table: FrameTable): T {
    if (!this.trial.on) return parse(text, table);
    let v = this.byText.get(text);
    this.trial.note(v !== undefined);
    if (v === undefined) {
      v = parse(text, table);
      if (!this.trial.on) this.byText = new Map();
      else if (this.byText.size < TEXT_MEMO_MAX) this.byText.set(text, v);
    }
    return v;
  }
}

/**
 * Whether a memo of line texts pays for itself. A dump that prints the same few hundred
 * frame lines over and over (sysrq-t, NMI backtraces of every CPU) finds most texts in
 * it; one of distinct stacks finds few, and then the lookup and the stored entry cost
 * more than parsing the text again. After MEMO_TRIAL lookups with fewer than half found,
 * the memo is given up for the rest of the run (what is parsed is the same either way).
 */
class MemoTrial {
  private asked = 0;
  private found = 0;
  on = true;

  note(hit: boolean): void {
    if (hit) this.found++;
    if (++this.asked === MEMO_TRIAL && this.found * 2 < this.asked) this.on = false;
  }
}

function sameFrame(v: StackFrame, f: FrameFields): boolean {
  return (
    v.offset === f.offset &&
    v.size === f.size &&
    v.module === f.module &&
    v.addr === f.addr &&
    v.reliable === f.reliable &&
    v.context === f.context &&
    v.isIp === f.isIp
  );
}

function variantKey(f: FrameFields): string {
  return `${f.offset}|${f.size}|${f.module}|${f.addr}|${f.reliable}|${f.context}|${f.isIp}`;
}

/** What most tells variants of one function apart: the call site's address, else offset. */
function splitKey(f: FrameFields): string {
  return f.addr ?? f.offset ?? '';
}

const EMPTY: readonly StackFrame[] = Object.freeze([]);

/** One step of a 32-bit hash over a stack's frame ids (murmur3's mixing of a word). */
function mix(hash: number, id: number): number {
  let k = Math.imul(id, 0xcc9e2d51);
  k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  const h = hash ^ k;
  return (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
}
