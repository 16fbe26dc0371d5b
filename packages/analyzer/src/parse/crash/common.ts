// Shared pieces of crash(8) output: task states, register lines, raw memory words.

import type { TaskState } from '../../contract.js';
import type { StackWord } from '../records.js';
import { readRegisterLineByHand } from '../register-line.js';

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
  const m =
    /TASK_(RUNNING|INTERRUPTIBLE|UNINTERRUPTIBLE|STOPPED|TRACED|DEAD|WAKEKILL|IDLE|PARKED)|EXIT_(ZOMBIE|DEAD)/.exec(s);
  if (!m) return null;
  switch (m[1] ?? m[2]) {
    case 'RUNNING':
      return 'R';
    case 'INTERRUPTIBLE':
      return 'S';
    case 'UNINTERRUPTIBLE':
      return 'D';
    case 'STOPPED':
      return 'T';
    case 'TRACED':
      return 't';
    case 'IDLE':
      return 'I';
    case 'PARKED':
      return 'P';
    case 'ZOMBIE':
      return 'Z';
    case 'DEAD':
      return 'X';
    default:
      return null;
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
 * crash's register line of the common shape, `RAX: ffffffffffffffda  RBX: 0000000000000003`
 * (up to four pairs, REG_LINE's shape), read by hand: true when the line is one (REG_LINE
 * matches it, and the pairs are what readRegisters reads); false, with nothing written,
 * for anything else, which the patterns then decide.
 */
export function readRegisterLine(t: string, into: Record<string, string>): boolean {
  return readRegisterLineByHand(t, into, CRASH_REGISTER_LINE);
}

const CRASH_REGISTER_LINE = { maxPairs: 4, segment: false, tabs: true };

// `ffff8f4957fbfa38: 000000000001ab80 0000000000000086 ` (bt -f, rd, rd -s). Values may
// be symbols in rd -s output: `schedule_preempt_disabled+41`, and slab objects in bt -F
// output: `[ffff9f4b8a2d0000:task_struct]` (the word is the object's address).
// A reader who walked the frame by hand may tag a word with the register it saves
// (`ffffa0e401865500[rbp]`, `ffff941d45f98870[r14]`): the word is the value before it.
// Tokens are separated by white space (never zero-width), so no input can make the
// engine try the many ways of splitting one run of hex digits.
const WORD_TOKEN = String.raw`(?:[0-9a-f]{8,16}(?:\[[a-z][a-z0-9]{1,3}\])?|[A-Za-z_][\w.]{0,127}(?:\+\d{1,9})?|\[[0-9a-f]{8,16}:[\w.\-]{1,64}\])(?![\w.+])`;
const REGISTER_TAG = /^([0-9a-f]{8,16})\[[a-z][a-z0-9]{1,3}\]$/;
const SLAB_WORD = /^\[([0-9a-f]{8,16}):/;
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
    const slab = SLAB_WORD.exec(tok) ?? REGISTER_TAG.exec(tok);
    out.push({ at, value: slab ? slab[1] : /^[0-9a-f]{8,16}$/.test(tok) ? tok.toLowerCase() : tok, line });
    k++;
  }
  return out;
}

/** `[exception RIP: smp_call_function_many+514]`; pasted without its brackets when the
 *  author also cut the `#N [sp]` columns (`exception RIP: fn+91`). The symbol is group 1 or 2. */
export const EXCEPTION_RIP = /^(?:\[exception RIP: ([^\]]{1,200})\]|exception RIP: (\S{1,200}))$/;
/** `--- <IRQ stack> ---`, `--- <NMI exception stack> ---`; in a hand-trimmed bt, the
 *  same section named in brackets: `[IRQ stack]` … `[End of IRQ stack]`. */
export const STACK_MARKER = /^(?:--- <([^>]{1,40})> ---|\[((?:End of )?[A-Za-z]{1,12}(?: exception)? stack)\])$/;
/** crash `bt` task header. */
// A header may carry a number pasted before it (a line number from `grep -n` or an
// editor: `290858 PID: 278176  TASK: …`).
export const BT_HEADER =
  /^(?:\d{1,9} {1,4})?PID: {1,8}(\d{1,9}) {1,8}TASK: {1,8}([0-9a-f]{8,16}) {1,8}CPU: {1,8}(\d{1,5}) {1,8}COMMAND: "(.{0,64})"/;
