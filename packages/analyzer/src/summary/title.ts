// Titles in syzkaller's naming (google/syzkaller pkg/report/linux.go + report.go), so a
// hang found here carries the name syzbot files it under.
//
// The kernel knowledge is data (knowledge/syzkaller-reports.ts): REPORTS lists the report kinds (header regex, title
// format, alternative title, which stack region to read and which frames to skip);
// FRAME_SKIP is syzkaller's global skip list. The engine (`titleFor`) walks a region
// the way syzkaller's extractStackFrameImpl does: each `line` part finds the next line
// matching its regex (taking its captured function as a frame), each `trace` part takes
// frame lines until the next `Call Trace`-like line. Skipped frames are dropped; the
// extractor then picks the frame (default: the first).

import type { Kind } from '../contract.js';
import {
  FRAME,
  FRAME_ARM,
  FRAME_SKIP,
  QUESTIONABLE,
  RAW_MARK,
  REPORTS,
  STACK_START,
  STRIP_PREFIXES,
  type Part,
  type ReportRule,
} from '../knowledge/syzkaller-reports.js';
import type { Records } from '../parse/records.js';
import { raisedKinds } from './raised-reports.js';
import { leftHeldKinds, unionKinds } from './left-held.js';
import type { LineTable } from '../text/lines.js';

// The table is data in knowledge/; the engine's users and tests read it from here too.
export { REPORTS, STALL_ANCHORS } from '../knowledge/syzkaller-reports.js';

const SKIP_ALL = FRAME_SKIP.map((s) => new RegExp(s));

/** syzkaller's stripFrames: the shortest of the frame with one syscall-wrapper prefix removed. */
function stripPrefix(fn: string): string {
  let out = fn;
  for (const p of STRIP_PREFIXES)
    if (fn.startsWith(p) && fn.length > p.length && fn.length - p.length < out.length) out = fn.slice(p.length);
  return out;
}

/**
 * A C++ (Itanium ABI) symbol's function name without its parameters, as syzkaller's
 * demangle.Filter(NoParams) gives it: `_Z8fakeNameiii` → `fakeName`, `_ZN3foo3barEv` →
 * `foo::bar`. Anything else, or a mangling beyond plain names, is returned as it is.
 */
export function demangledName(fn: string): string {
  if (!fn.startsWith('_Z')) return fn;
  let p = 2;
  const nested = fn[p] === 'N';
  if (nested) p++;
  const names: string[] = [];
  while (p < fn.length) {
    const m = /^[1-9]\d{0,3}/.exec(fn.slice(p, p + 4));
    if (!m) break;
    const len = Number(m[0]);
    p += m[0].length;
    if (p + len > fn.length) return fn;
    names.push(fn.slice(p, p + len));
    p += len;
    if (!nested) break;
  }
  if (names.length === 0 || (nested && fn[p] !== 'E')) return fn;
  return names.join('::');
}

/** Walk `parts` over `text` (the report's lines) like extractStackFrameImpl; return raw frames. */
function collectFrames(text: string[], parts: Part[], skip: RegExp[]): string[] {
  const frames: string[] = [];
  const keep = (raw: string | undefined) => {
    const f = raw && demangledName(raw);
    if (f && !skip.some((re) => re.test(f))) frames.push(f);
  };
  let k = 0;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p];
    if ('trace' in part) {
      for (; k < text.length; k++) {
        const ln = text[k];
        if (STACK_START.test(ln)) {
          k++;
          break;
        }
        const next = parts[p + 1];
        if (next && 're' in next) {
          const m = next.re.exec(ln);
          if (m) {
            keep(m[1]);
            p++;
            k++;
            break;
          }
        }
        const m = FRAME.exec(ln);
        if (m) keep(m[1]);
        else {
          const a = FRAME_ARM.exec(ln);
          if (a) {
            keep(a[1]);
            keep(a[2]);
          }
        }
      }
    } else {
      for (; k < text.length; k++) {
        const m = part.re.exec(text[k]);
        if (m) {
          keep(m[1]);
          k++;
          break;
        }
      }
    }
  }
  return frames;
}

/**
 * The report's frame: `named` as the title gives it, `raw` as printed (for alt titles).
 * Like syzkaller, the extractor sees the frames with their syscall-wrapper prefixes
 * stripped (so `compat_SyS_ioctl` is the `ioctl` stall anchor).
 */
function frameFor(rule: ReportRule, text: string[]): { named: string; raw: string } | null {
  if (!rule.parts) return null;
  const skip = rule.noSkip ? [] : [...SKIP_ALL, ...(rule.skip ?? []).map((s) => new RegExp(s))];
  const extract = rule.extractor ?? ((f: string[]) => f[0] ?? null);
  for (const parts of [rule.parts, rule.parts2]) {
    if (!parts) continue;
    const frames = collectFrames(text, parts, skip);
    const stripped = frames.map(stripPrefix);
    const f = stripped.length ? extract(stripped) : null;
    if (!f) continue;
    // An extractor that renamed its frame (`synchronize_rcu` for `synchronize_rcu_expedited`) marks the one it picked.
    const [named, picked] = f.includes(RAW_MARK) ? f.split(RAW_MARK) : [f, f];
    const at = stripped.indexOf(picked);
    return { named, raw: at >= 0 ? frames[at] : picked };
  }
  return null;
}

/** Words one of which every REPORTS header contains (checked by a test). */
export const HEADER_WORDS = ['INFO:', 'BUG:', 'WARNING:', 'LOCKUP', 'CSD lock', 'hung_task_timeout_secs'];

/**
 * The header word each rule's pattern requires, as a bit of HEADER_WORDS (0: none it must
 * hold, so it is tried on every header line). A line of 20,000 `CSD lock` lines is then
 * tried against the one rule that can match it, not all of them. Derived from the
 * patterns (constant data), so it cannot drift from REPORTS.
 */
const RULE_WORD_BITS: readonly number[] = REPORTS.map((r) => {
  const k = HEADER_WORDS.findIndex((w) => requiresLiteral(r.header, w));
  return k < 0 ? 0 : 1 << k;
});

/**
 * Whether every match of `re` holds `word`: the word is printed literally in its pattern
 * before any group, class, escape or alternation, not made optional by a quantifier, and
 * the pattern has no alternation at its top level.
 */
export function requiresLiteral(re: RegExp, word: string): boolean {
  const src = re.source;
  if (re.flags.includes('i')) return false;
  let depth = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') i++;
    else if (c === '[') {
      while (i < src.length && src[i] !== ']') i += src[i] === '\\' ? 2 : 1;
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return false;
  }
  const at = src.indexOf(word);
  return (
    at >= 0 && !/[\\()[|?*+{.^$]/.test(src.slice(0, at + word.length)) && !/^[?*{]/.test(src.slice(at + word.length))
  );
}

/** The bits of the HEADER_WORDS that `t` holds. */
function headerWordBits(t: string): number {
  let bits = 0;
  for (let k = 0; k < HEADER_WORDS.length; k++) if (t.includes(HEADER_WORDS[k])) bits |= 1 << k;
  return bits;
}

/** The first rule whose header `t` matches, trying only rules whose word `t` holds. */
function headerRule(t: string): ReportRule | undefined {
  const bits = headerWordBits(t);
  for (let k = 0; k < REPORTS.length; k++) {
    const need = RULE_WORD_BITS[k];
    if ((need === 0 || (bits & need) !== 0) && REPORTS[k].header.test(t)) return REPORTS[k];
  }
  return undefined;
}

/**
 * Which report kind decides a text that holds several: the one that stopped the machine.
 * The panic says so when printed (`Kernel panic - not syncing: Hard LOCKUP` after the RCU
 * stall it ended); else a CPU that locked up explains an RCU stall, which explains hung
 * tasks, which explain a stuck workqueue (and lockdep's report names the deadlock itself).
 */
export const KIND_PRIORITY: Exclude<Kind, 'blocked_tasks' | 'unknown'>[] = [
  'deadlock',
  'hard_lockup',
  'soft_lockup',
  'rcu_stall',
  'hung_task',
  'workqueue_lockup',
];

export function decisiveKind<K extends Kind>(present: Iterable<K>, panicKind: Kind | null | undefined): K | null {
  const set = new Set<Kind>(present);
  if (panicKind && set.has(panicKind)) return panicKind as K;
  for (const k of KIND_PRIORITY) if (set.has(k)) return k as K;
  return null;
}

export interface OtherReport {
  kind: Kind;
  title: string;
  /** Its header's line in the input (1-based). */
  line: number;
}

// A report's header the sender quotes in a sentence of their own: `… it was also
// sometimes like "watchdog: BUG: soft lockup - CPU#5 stuck for 22s!".` A lower-case word,
// an opening quote, at most a log prefix (`watchdog: `, `kernel: `) before the header
// word, and a closing quote after it. The kernel prints no quote before its headers.
const PROSE_QUOTE_OPEN = /(?:^|\s)[a-z][a-z,]{0,30} {1,2}["\u201c`]((?:[\w -]{1,24}: )?)$/;
const QUOTE_CLOSE = /["\u201d`]/;

/** Is the header on line `t` quoted in the sender's prose rather than printed? */
function quotedInProse(t: string): boolean {
  let at = -1;
  for (const w of HEADER_WORDS) {
    const k = t.indexOf(w);
    if (k >= 0 && (at < 0 || k < at)) at = k;
  }
  if (at <= 0 || !PROSE_QUOTE_OPEN.test(t.slice(Math.max(0, at - 64), at))) return false;
  return QUOTE_CLOSE.test(t.slice(at));
}

/** Lines of the report, as syzkaller sees them: from the header on, questionable frames dropped. */
function reportText(lines: LineTable, from: number, maxLines = 2000): string[] {
  const out: string[] = [];
  // With printk caller ids, a report's lines carry its context ([T123] or [C5]): lines of
  // other contexts are other CPUs' or tasks' output interleaved on the console.
  const ctx = lines.caller(from);
  for (let i = from; i < lines.length && out.length < maxLines; i++) {
    if (ctx && lines.caller(i) && lines.caller(i) !== ctx) continue;
    const t = lines.trimmed(i);
    if (QUESTIONABLE.test(t) && !t.includes('<EOI>')) continue;
    // powerpc marks the same doubt after the frame: a first frame from a stale link register.
    if (t.endsWith(' (unreliable)')) continue;
    out.push(lines.text(i));
  }
  return out;
}

export function computeTitle(
  lines: LineTable,
  records: Records,
  raised: ReadonlySet<Kind> = unionKinds(raisedKinds(records), leftHeldKinds(records)),
): { title: string; altTitles: string[]; kind: Kind; others: OtherReport[] } | null {
  // The first header of each report rule, in text order. The text is read here rather
  // than through the records so the title follows syzkaller's own line-level rules even
  // where our parsers read a damaged report differently. Which report names the text is
  // then the one that stopped the machine (decisiveKind); syzkaller takes the first,
  // which is the same report whenever one report led to the next.
  let firstOf = new Map<ReportRule, number>();
  // Headers the sender quoted in a sentence: they decide only a text that prints none.
  const mentioned = new Map<ReportRule, number>();
  // Every header holds one of these words: only the lines that do are read.
  for (const i of lines.linesContaining(HEADER_WORDS)) {
    const t = lines.trimmed(i);
    if (t.length < 10) continue;
    let rule = headerRule(t);
    // A task name holding a newline splits the headline: read it joined with the next line.
    if (!rule && i + 1 < lines.length && t.length < 40) rule = headerRule(t + ' ' + lines.trimmed(i + 1));
    if (!rule) continue;
    if (quotedInProse(t)) {
      if (!mentioned.has(rule)) mentioned.set(rule, i);
    } else if (!firstOf.has(rule)) {
      firstOf.set(rule, i);
      if (firstOf.size === REPORTS.length) break;
    }
  }
  if (firstOf.size === 0) firstOf = mentioned;
  if (firstOf.size === 0) return null;
  // A report raised while an earlier one was printing (summary/raised-reports.ts) does
  // not decide, unless it is all there is.
  const present = [...firstOf.keys()].map((r) => r.kind);
  const deciding = present.filter((k) => !raised.has(k));
  const kind = decisiveKind(deciding.length > 0 ? deciding : present, records.panic?.kind);
  // Of the decisive kind: the first header, a watchdog's before a weak one.
  let rule: ReportRule | undefined;
  let start = -1;
  for (const [r, i] of firstOf) {
    if (r.kind !== kind) continue;
    if (!rule || (rule.weak && !r.weak) || (!!rule.weak === !!r.weak && i < start)) {
      rule = r;
      start = i;
    }
  }
  if (!rule) return null;
  const main = titleOf(rule, lines, start);
  // The other reports, each kind once, in text order: listed, not lost.
  const others: OtherReport[] = [];
  const seen = new Set<string>([main.title]);
  for (const [r, i] of [...firstOf].sort((a, b) => a[1] - b[1])) {
    if (r === rule) continue;
    const o = titleOf(r, lines, i);
    if (seen.has(o.title)) continue;
    seen.add(o.title);
    others.push({ kind: r.kind, title: o.title, line: lines.no(i) });
  }
  return { ...main, others };
}

function titleOf(
  rule: ReportRule,
  lines: LineTable,
  start: number,
): { title: string; altTitles: string[]; kind: Kind } {
  const frame = frameFor(rule, reportText(lines, start));
  if (!rule.fmt.includes('%')) return { title: rule.fmt, altTitles: [], kind: rule.kind };
  if (!frame) return { title: rule.fmt.replace(' in %', '').replace('%', ''), altTitles: [], kind: rule.kind };
  // A frame the extractor renamed (`synchronize_rcu` for `synchronize_rcu_expedited`) keeps the raw one for alt titles.
  const canonical = frame.named;
  const variants = [...new Set([canonical, frame.named, frame.raw])];
  const title = rule.fmt.replace('%', canonical);
  const altTitles = [
    ...variants.slice(1).map((v) => rule!.fmt.replace('%', v)),
    ...(rule.alt ? variants.map((v) => rule!.alt!.replace('%', v)) : []),
  ];
  return { title, altTitles: [...new Set(altTitles)].filter((a) => a !== title), kind: rule.kind };
}
