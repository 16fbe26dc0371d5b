// Shared pieces of crash(8) output: task states, register lines, raw memory words.

import type { TaskState } from '../../contract.js';
import type { StackWord } from '../records.js';

/** crash `ps` state column → the kernel's state letter. */
export const CRASH_STATE: Record<string, TaskState> = {
  RU: 'R',
  IN: 'S',
  UN: 'D',
  ST: 'T',
  TR: 't',
  ZO: 'Z',
  DE: 'X',
  WA: 'W',
  PA: 'P',
  ID: 'I',
};

/** crash's `STATE: TASK_UNINTERRUPTIBLE` → letter. */
export function stateFromName(s: string): TaskState | null {
  const m = /TASK_(RUNNING|INTERRUPTIBLE|UNINTERRUPTIBLE|STOPPED|TRACED|DEAD|WAKEKILL|IDLE|PARKED)|EXIT_(ZOMBIE|DEAD)/.exec(s);
  if (!m) return null;
  switch (m[1] ?? m[2]) {
    case 'RUNNING': return 'R';
    case 'INTERRUPTIBLE': return 'S';
    case 'UNINTERRUPTIBLE': return 'D';
    case 'STOPPED': return 'T';
    case 'TRACED': return 't';
    case 'IDLE': return 'I';
    case 'PARKED': return 'P';
    case 'ZOMBIE': return 'Z';
    case 'DEAD': return 'X';
    default: return null;
  }
}

// `RAX: 0000000000000003  RBX: 00000000000000fc  RCX: ffff88043fd9adb8`, also
// `RIP: 0010:smp_call_function_many+0x1f2/0x260` (dmesg) which is handled elsewhere.
const REG_PAIR = /\b([A-Z][A-Z0-9_]{1,7}|[re]?[a-z]{2}|x\d{1,2}|r\d{1,2}):? {1,3}([0-9a-f]{4,16})\b/g;
const REG_LINE = /^(?:[A-Z][A-Z0-9_]{1,7}: {1,3}[0-9a-f]{4,16}\s*){1,4}$/;

export function isRegisterLine(trimmed: string): boolean {
  return REG_LINE.test(trimmed);
}

/** Read `NAME: value` register pairs from a line into `into` (names lower-cased). */
export function readRegisters(trimmed: string, into: Record<string, string>): number {
  let n = 0;
  REG_PAIR.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = REG_PAIR.exec(trimmed))) {
    // The value pattern is lower-case hex already.
    into[m[1].toLowerCase()] = m[2];
    n++;
  }
  return n;
}

/**
 * The common register line, `RAX: ffffffffffffffda  RBX: 0000000000000003` (up to four
 * `NAME: value` pairs, white space after each value), read by hand into `into`: true
 * when the line is one (REG_LINE matches it, and the pairs are what readRegisters reads).
 * False, with nothing written, for anything else, which the patterns then decide: crash
 * prints three such lines per task with registers, and the patterns were a tenth of a
 * `foreach bt`'s analysis.
 */
export function readRegisterLine(t: string, into: Record<string, string>): boolean {
  const n = t.length;
  let p = 0;
  let pairs = 0;
  // At most four pairs: [name start, name end, value start, value end] each.
  const at = pairAt;
  while (p < n) {
    if (pairs === 4) return false;
    const ns = p;
    if (!isUpper(t.charCodeAt(p))) return false;
    p++;
    while (p < n && p - ns < 8 && isNameChar(t.charCodeAt(p))) p++;
    if (p - ns < 2 || p >= n || t.charCodeAt(p) !== 58 /* : */) return false;
    const ne = p++;
    const sp = p;
    while (p < n && p - sp < 3 && t.charCodeAt(p) === 32) p++;
    if (p === sp) return false;
    const vs = p;
    while (p < n && p - vs < 16 && isLowerHexCode(t.charCodeAt(p))) p++;
    if (p - vs < 4) return false;
    const ve = p;
    // White space (or the end) must follow the value: any other shape goes to the patterns.
    if (p < n && !isBlank(t.charCodeAt(p))) return false;
    while (p < n && isBlank(t.charCodeAt(p))) p++;
    at[pairs * 4] = ns;
    at[pairs * 4 + 1] = ne;
    at[pairs * 4 + 2] = vs;
    at[pairs * 4 + 3] = ve;
    pairs++;
  }
  if (pairs === 0) return false;
  for (let k = 0; k < pairs; k++) into[t.slice(at[k * 4], at[k * 4 + 1]).toLowerCase()] = t.slice(at[k * 4 + 2], at[k * 4 + 3]);
  return true;
}

const pairAt = new Int32Array(16);
const isUpper = (c: number) => c >= 65 && c <= 90;
const isNameChar = (c: number) => isUpper(c) || (c >= 48 && c <= 57) || c === 95;
const isLowerHexCode = (c: number) => (c >= 48 && c <= 57) || (c >= 97 && c <= 102);
const isBlank = (c: number) => c === 32 || c === 9;

// `ffff8f4957fbfa38: 000000000001ab80 0000000000000086 ` (bt -f, rd, rd -s). Values may
// be symbols in rd -s output: `schedule_preempt_disabled+41`.
// Tokens are separated by white space (never zero-width), so no input can make the
// engine try the many ways of splitting one run of hex digits.
const WORD_TOKEN = String.raw`(?:[0-9a-f]{8,16}|[A-Za-z_][\w.]{0,127}(?:\+\d{1,9})?)(?![\w.+])`;
const WORD_LINE = new RegExp(String.raw`^([0-9a-f]{8,16}):\s{1,4}(${WORD_TOKEN}(?:\s{1,4}${WORD_TOKEN}){0,7})\s*$`);

export function isWordLine(trimmed: string): boolean {
  return WORD_LINE.test(trimmed);
}

export function readWords(trimmed: string, line: number): StackWord[] {
  const m = WORD_LINE.exec(trimmed);
  if (!m) return [];
  const base = BigInt('0x' + m[1]);
  const out: StackWord[] = [];
  let k = 0;
  for (const tok of m[2].trim().split(/\s+/)) {
    if (tok === '') continue;
    const at = (base + BigInt(8 * k)).toString(16);
    out.push({ at, value: /^[0-9a-f]{8,16}$/.test(tok) ? tok.toLowerCase() : tok, line });
    k++;
  }
  return out;
}

/** `[exception RIP: smp_call_function_many+514]` */
export const EXCEPTION_RIP = /^\[exception RIP: ([^\]]{1,200})\]$/;
/** `--- <IRQ stack> ---`, `--- <NMI exception stack> ---` */
export const STACK_MARKER = /^--- <([^>]{1,40})> ---$/;
/** crash `bt` task header. */
export const BT_HEADER = /^PID: {1,8}(\d{1,9}) {1,8}TASK: {1,8}([0-9a-f]{8,16}) {1,8}CPU: {1,8}(\d{1,5}) {1,8}COMMAND: "(.{0,64})"/;
