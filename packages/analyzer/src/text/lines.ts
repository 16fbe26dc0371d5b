// Split the input once into lines and strip the prefixes that loggers and people add,
// keeping the original 1-based line numbers for evidence.
//
// Every regex here is anchored and uses bounded quantifiers: lines are cut to
// MAX_LINE characters before any pattern runs, so the work per line is bounded and the
// whole pass is linear in the input size.

export interface Line {
  /** 1-based line number in the input as uploaded. */
  no: number;
  /** Content with log prefixes and trailing human comments removed, right-trimmed. */
  text: string;
  /** `text` without leading white space. */
  trimmed: string;
  /** Number of leading white-space characters of `text`. */
  indent: number;
  /** dmesg timestamp in seconds, when the line had one. */
  time: number | null;
  /** `[T1234]` printk caller task id, when the line had one. */
  callerTid: number | null;
  /** The printk caller context as printed: `T1234` (a task) or `C5` (a CPU in interrupt
   *  context), when the line had one. Lines of one report share it. */
  caller: string | null;
}

/** Longest line content any pattern sees (a 1 MB line is cut, not scanned by regexes). */
export const MAX_LINE = 4096;

// `<4>` / `<6>` printk level markers (also `<4>[  12.3]`).
const LEVEL = /^<\d{1,2}>/;
// syslog: `Mar  3 10:11:12 host kernel: `
const SYSLOG = /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d [\w.\-]{1,64} kernel: ?/;
// journalctl -o short-iso / rfc3339: `2024-03-03T10:11:12+0000 host kernel: `
const JOURNAL_ISO = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+\-]\d\d:?\d\d)? [\w.\-]{1,64} kernel: ?/;
// dmesg -T: `[Mon Mar  3 10:11:12 2024] `
const DMESG_HUMAN = /^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\] ?/;
// dmesg: `[  123.456789]`, optionally followed by a caller id `[T1234]`/`[ C3]`.
const DMESG_TIME = /^\[ {0,12}(\d{1,10}\.\d{1,9})\]/;
const CALLER = /^\[ {0,8}([TC])(\d{1,9})\]/;
// serial console / syzkaller log prefixes: `2017/11/25 12:34:56 ` is a fuzzer line, not kernel.
// A trailing human comment: `  // note`. Requires white space before `//` so URLs survive.
const SLASH_COMMENT = /\s\/\/.*$/;
// A getty prompt the console glued before a kernel line: `syzkaller login: [  709.68] INFO: …`.
const LOGIN_PROMPT = /^[\w.\-]{1,64} login: (?=\[ {0,12}\d{1,10}\.\d)/;

/**
 * A trailing annotation people add after a value with a run of dashes, as in
 * `RDI: ffff8f1afdf55fe8---lock` or `CPU: 26--------on cpu 26`. The dashes must follow
 * content and precede a non-dash, non-space, non-`<` character, so `--- <IRQ stack> ---`
 * and `[ cut here ]------------` are left alone.
 */
const DASH_COMMENT = /([^\s\-])\s{0,8}-{2,}(?=[^\s\-<>\]\[]).*$/;

export function stripPrefixes(raw: string): { text: string; time: number | null; callerTid: number | null; caller: string | null } {
  let s = raw.length > MAX_LINE ? raw.slice(0, MAX_LINE) : raw;
  if (s.endsWith('\r')) s = s.slice(0, -1);
  let time: number | null = null;
  let callerTid: number | null = null;
  let caller: string | null = null;
  // Prefixes may stack: `<4>[  1.2][ T12] ` or `Mar  3 ... kernel: [  1.2] `.
  for (let guard = 0; guard < 4; guard++) {
    let m: RegExpExecArray | null;
    const before = s;
    if ((m = LEVEL.exec(s))) s = s.slice(m[0].length);
    if ((m = LOGIN_PROMPT.exec(s))) s = s.slice(m[0].length);
    if ((m = SYSLOG.exec(s)) || (m = JOURNAL_ISO.exec(s)) || (m = DMESG_HUMAN.exec(s))) s = s.slice(m[0].length);
    if ((m = DMESG_TIME.exec(s))) {
      time = Number(m[1]);
      s = s.slice(m[0].length);
      if ((m = CALLER.exec(s))) {
        if (m[1] === 'T') callerTid = Number(m[2]);
        caller = m[1] + m[2];
        s = s.slice(m[0].length);
      }
      // dmesg puts one space after the timestamp; keep the rest of the indentation.
      if (s.startsWith(' ')) s = s.slice(1);
    } else if ((m = CALLER.exec(s))) {
      if (m[1] === 'T') callerTid = Number(m[2]);
      caller = m[1] + m[2];
      s = s.slice(m[0].length);
      if (s.startsWith(' ')) s = s.slice(1);
    }
    if (s === before) break;
  }
  s = s.replace(SLASH_COMMENT, '');
  s = s.replace(DASH_COMMENT, '$1');
  s = s.replace(/\s+$/, '');
  return { text: s, time, callerTid, caller };
}

/** Split into lines (LF, CRLF or CR) and strip prefixes. Linear in the input. */
export function splitLines(input: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  let no = 1;
  const n = input.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? input.charCodeAt(i) : 10;
    if (c !== 10 && c !== 13) continue;
    const raw = input.slice(start, i);
    const { text, time, callerTid, caller } = stripPrefixes(raw);
    const trimmed = text.replace(/^\s+/, '');
    out.push({ no, text, trimmed, indent: text.length - trimmed.length, time, callerTid, caller });
    no++;
    if (c === 13 && i + 1 < n && input.charCodeAt(i + 1) === 10) i++;
    start = i + 1;
    if (i >= n) break;
  }
  // A trailing newline does not start another line.
  if (out.length > 1 && input.length > 0 && /[\r\n]$/.test(input) && out[out.length - 1].text === '') out.pop();
  return out;
}
