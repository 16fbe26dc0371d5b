// Split the input once into lines and strip the prefixes that loggers and people add,
// keeping the original 1-based line numbers for evidence.
//
// Every regex here is anchored and uses bounded quantifiers: lines are cut to
// MAX_LINE characters before any pattern runs, so the work per line is bounded and the
// whole pass is linear in the input size.

/** One input line, as the parsers see it. */
export interface Line {
  /** 1-based line number in the input as uploaded. */
  readonly no: number;
  /** The last line, as uploaded, this line was read from (`no` unless reflow joined a
   *  wrapped record's physical lines into it). */
  readonly endNo: number;
  /** Content with log prefixes and trailing human comments removed, right-trimmed. */
  readonly text: string;
  /** `text` without leading white space. */
  readonly trimmed: string;
  /** The printk caller context as printed: `T1234` (a task) or `C5` (a CPU in interrupt
   *  context), when the line had one. Lines of one report share it. */
  readonly caller: string | null;
  /** Number of leading white-space characters of `text`. */
  readonly indent: number;
  /** `[T1234]` printk caller task id, when the line had one. */
  readonly callerTid: number | null;
}

/**
 * Every line of the input as offsets into it. A 50 MB dump has a million lines, all
 * needed while the parsers run; as objects with two strings each they were the largest
 * thing in memory (26 MB per 10 MB of sysrq-t) and most of the garbage collector's
 * copying. Here a line is three integers: its text is `input.slice(start, end)` and its
 * trimmed text starts `indent` characters later, made when a parser asks (young
 * garbage, which costs the collector nothing to drop).
 *
 * Every text the prefix stripper produces is such a slice: it only removes a prefix (log
 * stamps) and a suffix (comments, white space, the MAX_LINE cut) of the raw line.
 */
export class LineTable {
  readonly length: number;
  /** Lines of the input as uploaded (the document's `lineCount`): `length` once reflow
   *  (text/reflow.ts) has joined wrapped lines or dropped a web copy's blank lines. */
  readonly uploadedLines: number;
  constructor(
    private readonly input: string,
    private readonly starts: Int32Array,
    private readonly ends: Int32Array,
    private readonly indents: Int32Array,
    /** Printk caller ids by line index (few dumps have them). */
    private readonly callers: Map<number, string> | null,
    length: number,
    /** How each line looked as uploaded (splitLines' table only; reflow reads it). */
    readonly shape: LineShape | null = null,
    /** Original 1-based line numbers of each line's first and last physical line, when
     *  lines were joined, split or dropped (null: line i is line i + 1 as uploaded). */
    private readonly numbers: { first: Int32Array; last: Int32Array; uploaded: number } | null = null,
  ) {
    this.length = length;
    this.uploadedLines = numbers ? numbers.uploaded : length;
  }

  /**
   * A table of lines that are not slices of the upload (reflow joined, split or edited
   * some): their texts are laid end to end in one string, each line numbered as uploaded.
   */
  static of(
    texts: readonly string[],
    first: Int32Array,
    last: Int32Array,
    callers: Map<number, string> | null,
    uploaded: number,
  ): LineTable {
    const input = texts.join('\n');
    const n = texts.length;
    const starts = new Int32Array(n);
    const ends = new Int32Array(n);
    const indents = new Int32Array(n);
    let at = 0;
    for (let k = 0; k < n; k++) {
      starts[k] = at;
      ends[k] = at + texts[k].length;
      indents[k] = leadingSpace(texts[k]);
      at = ends[k] + 1;
    }
    return new LineTable(input, starts, ends, indents, callers, n, null, { first, last, uploaded });
  }

  /**
   * The same table ending after line `last`: a parser given it cannot read past that
   * line (the segmenter parses a line printed into the middle of another capture on its
   * own this way; see ParseContext.strays).
   */
  through(last: number): LineTable {
    return new LineTable(
      this.input,
      this.starts,
      this.ends,
      this.indents,
      this.callers,
      Math.min(this.length, last + 1),
      this.shape,
      this.numbers,
    );
  }
  /** 1-based line number, as uploaded, where line i starts. */
  no(i: number): number {
    return this.numbers ? this.numbers.first[i] : i + 1;
  }
  /** 1-based line number, as uploaded, where line i ends (a line joined from a wrapped
   *  record ends on a later line than it starts). */
  endNo(i: number): number {
    return this.numbers ? this.numbers.last[i] : i + 1;
  }
  /** Line i's text; '' past the last line. */
  text(i: number): string {
    return i < this.length ? this.input.slice(this.starts[i], this.ends[i]) : '';
  }
  /** Line i's text without its indentation; '' past the last line. */
  trimmed(i: number): string {
    return i < this.length ? this.input.slice(this.starts[i] + this.indents[i], this.ends[i]) : '';
  }
  /** trimmed(i) === '' without making the string. */
  blank(i: number): boolean {
    return this.starts[i] + this.indents[i] >= this.ends[i];
  }
  /** trimmed(i).length without making the string. */
  trimmedLength(i: number): number {
    return this.ends[i] - this.starts[i] - this.indents[i];
  }
  indent(i: number): number {
    return this.indents[i];
  }
  /** The last character code of text(i), -1 when blank or past the last line. */
  lastCode(i: number): number {
    return i < this.length && this.ends[i] > this.starts[i] + this.indents[i]
      ? this.input.charCodeAt(this.ends[i] - 1)
      : -1;
  }
  /** The first character code of trimmed(i), -1 when blank or past the last line
   *  (a test of one character without making the string). */
  firstCode(i: number): number {
    if (i >= this.length) return -1;
    const p = this.starts[i] + this.indents[i];
    return p < this.ends[i] ? this.input.charCodeAt(p) : -1;
  }
  /**
   * A test "does line i's text hold `needle`" for lines asked in increasing order, without
   * making their strings: one cursor moves through the input's occurrences (native
   * indexOf), so asking every line costs one pass over the input, not one per line.
   */
  finder(needle: string): (i: number) => boolean {
    let at = -2; // position of the next occurrence at or after the last line asked; -1: none
    let lastLine = -1;
    return (i) => {
      if (i >= this.length || needle === '') return false;
      const start = this.starts[i];
      const end = this.ends[i];
      // Asked out of order: search again from this line.
      if (i < lastLine || at === -2 || (at >= 0 && at < start)) at = indexOfText(this.input, needle, start);
      lastLine = i;
      return at >= 0 && at + needle.length <= end;
    };
  }
  caller(i: number): string | null {
    return this.callers?.get(i) ?? null;
  }
  /**
   * Indexes of the lines whose text contains one of the needles, in order. Found by
   * searching the input (native indexOf, once through per needle), so a scan for a rare
   * word does not make every line's string. Linear: every cursor only moves forward.
   */
  *linesContaining(needles: readonly string[]): Generator<number> {
    const at = needles.map((n) => indexOfText(this.input, n, 0));
    let line = 0;
    for (;;) {
      let k = -1;
      for (let q = 0; q < at.length; q++) if (at[q] >= 0 && (k < 0 || at[q] < at[k])) k = q;
      if (k < 0) return;
      const p = at[k];
      // Occurrences are taken in order, and line ends only grow: the one line that can
      // hold this occurrence is the first that ends at or after it. It does if the
      // occurrence lies wholly inside that line's text (not in a stripped prefix or suffix).
      while (line < this.length && this.ends[line] < p) line++;
      if (line >= this.length) return;
      if (this.starts[line] > p || p + needles[k].length > this.ends[line]) {
        at[k] = indexOfText(this.input, needles[k], p + 1);
        continue;
      }
      yield line;
      const end = this.ends[line];
      for (let q = 0; q < at.length; q++)
        if (at[q] >= 0 && at[q] < end) at[q] = indexOfText(this.input, needles[q], end);
      line++;
    }
  }
  /** A view of line i with its strings made once (for code that reads a line many ways). */
  at(i: number): Line {
    return new LineView(this, i);
  }
  *[Symbol.iterator](): IterableIterator<Line> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }
}

class LineView implements Line {
  readonly no: number;
  readonly endNo: number;
  readonly indent: number;
  private t: string | undefined;
  private tr: string | undefined;
  constructor(
    private readonly table: LineTable,
    private readonly i: number,
  ) {
    this.no = table.no(i);
    this.endNo = table.endNo(i);
    this.indent = table.indent(i);
  }
  get text(): string {
    return (this.t ??= this.table.text(this.i));
  }
  get trimmed(): string {
    return (this.tr ??= this.table.trimmed(this.i));
  }
  get caller(): string | null {
    return this.table.caller(this.i);
  }
  get callerTid(): number | null {
    const c = this.caller;
    return c !== null && c.charCodeAt(0) === 84 /* T */ ? Number(c.slice(1)) : null;
  }
}

/** Longest line content any pattern sees (a 1 MB line is cut, not scanned by regexes). */
/** Needles this long or shorter are searched by V8 as they are (see indexOfText). */
const SHORT_NEEDLE = 6;

/**
 * `input.indexOf(needle, from)` for a search over the whole input. V8 searches a needle
 * of 7+ characters with Boyer-Moore-Horspool once its first character keeps recurring
 * (`Call trace:` in a dump of `Call Trace:` lines), which is several times slower than
 * its scan for a short needle; so the needle's first 6 characters are searched and the
 * rest is checked where they occur. Linear: every candidate is passed once.
 */
export function indexOfText(input: string, needle: string, from: number): number {
  if (needle.length <= SHORT_NEEDLE) return input.indexOf(needle, from);
  const head = needle.slice(0, SHORT_NEEDLE);
  for (let p = input.indexOf(head, from); p >= 0; p = input.indexOf(head, p + 1)) {
    if (input.startsWith(needle, p)) return p;
  }
  return -1;
}

export const MAX_LINE = 4096;

const QUOTE_MARK = /^> ?/;
const INNER_QUOTE_MARK = /^ {1,2}>(?: |$)/;
// crash `ps` marks the task current on a CPU with `>` before its row: not a quote.
const CRASH_PS_CURRENT = /^>\s{1,8}\d{1,10}\s{1,8}\d{1,10}\s{1,8}\d{1,5}\s{1,8}[0-9a-f]{8,16}\s/;
// Indentation before a dmesg timestamp (`    [  12.345678] …`) or a printk level.
const INDENTED_PREFIX = /^[ \t]{1,64}(?:\[ {0,12}\d{1,10}\.\d{1,9}\]|<\d{1,2}>\[)/;

/**
 * The starts of the text's first `max` non-empty lines (and where each ends): what decides
 * how the text as a whole was pasted (quoted, numbered), read once and cheaply.
 */
function firstLines(input: string, max: number): [number, number][] {
  const out: [number, number][] = [];
  let at = 0;
  while (at < input.length && out.length < max) {
    let end = input.indexOf('\n', at);
    if (end < 0) end = input.length;
    if (end > at && !/^\s*$/.test(input.slice(at, Math.min(end, at + 8)))) out.push([at, end]);
    at = end + 1;
  }
  return out;
}

/** Is the text quoted as a whole, e-mail style (most of its first lines start with `>`)?
 *  The first 200 non-empty lines decide: a crash `ps` marks only its current task `>`. */
function quotedText(input: string, first: [number, number][]): boolean {
  let quoted = 0;
  for (const [at, end] of first)
    if (input.charCodeAt(at) === 62 && !CRASH_PS_CURRENT.test(input.slice(at, Math.min(end, at + 80)))) quoted++;
  return first.length >= 3 && quoted * 2 >= first.length;
}

// A line number an editor, `cat -n`, `nl` or a web paste view put before each line:
// digits, then a tab, `: ` or `|` (never bare spaces: crash `ps` rows start with pids);
// bat's gutter pads the number and draws the bar as U+2502: `7366   │ 0,5027,…;watchdog: …`.
const LINE_NUMBER = /^[ \t]{0,8}(\d{1,7})(?:\t| {0,4}[|\u2502] ?|: )/;

/**
 * Is the text numbered line by line as a whole? Most of its first 200 non-empty lines
 * carry a line-number prefix, and the numbers count up by one from line to line.
 */
function numberedText(input: string, first: [number, number][]): boolean {
  let numbered = 0;
  let steps = 0;
  let prev = -1;
  // Lines a number need not lead: a markdown fence around the paste, and the rest of a
  // numbered line a mail client wrapped (between line N and line N+1).
  let exempt = 0;
  let rests = 0;
  for (const [at, end] of first) {
    // (A numbered text quoted in a reply carries its quote marks before the numbers.)
    let from = at;
    for (let marks = 0; marks < 15 && input.charCodeAt(from) === 62 /* > */; marks++)
      from += input.charCodeAt(from + 1) === 32 ? 2 : 1;
    const m = LINE_NUMBER.exec(input.slice(from, Math.min(end, from + 24)));
    if (!m) {
      if (input.startsWith('```', at)) exempt++;
      else if (prev >= 0) rests++;
      continue;
    }
    numbered++;
    const n = Number(m[1]);
    if (n === prev + 1) {
      steps++;
      exempt += rests;
    }
    rests = 0;
    prev = n;
  }
  return (
    first.length >= 3 &&
    numbered * 10 >= (first.length - exempt) * 9 &&
    numbered * 2 >= first.length &&
    steps * 10 >= (numbered - 1) * 8
  );
}

// `<4>` / `<6>` printk level markers (also `<4>[  12.3]`).
// CI logs (IGT's dmesg capture) put a space between the level and the time: `<6> [299.37] `.
const LEVEL = /^<\d{1,2}>(?: (?=\[))?/;
// A `Code:` line marks the faulting byte `<%02x>` (arch/x86/kernel/dumpstack.c
// show_opcodes): a client that wraps the line right before an all-digit one (`<65> 48 8b
// 14 …`) leaves what looks like a two-digit level. Levels are one digit for the kernel's
// own lines; a two-digit one followed by more code bytes is the rest of the Code: line.
const CODE_BYTES_AFTER_MARK = /^ [0-9a-f]{2}(?: |$)/;
// dmesg -x (--decode): `kern  :warn  : [ 4838.219744] …` (facility and level, padded).
// A syslog-ng template that writes the facility, then facility.level, before the time:
// `kern: kern.notice: Jan 13 02:49:23 kernel:  [<ffffffff815e0dca>] schedule+0x3a/0x50`.
const DECODED_LEVEL =
  /^(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local[0-7]) {0,3}:(?: (?:kern|user|daemon|syslog|local[0-7])\.)?(?:emerg|alert|crit|err|warn|warning|notice|info|debug) {0,3}: /;
// syslog and journalctl's default: `Mar  3 10:11:12 host kernel: ` (`-o short-precise`:
// `Mar 03 10:11:12.123456 host kernel: `); `-o short-full`: `Sun 2024-03-03 10:11:12 UTC host kernel: `.
// The day is padded with a blank (`Mar  3`), a pad that mail and web pages that squeeze
// runs of blanks drop (`Mar 3 10:11:12 host kernel: `): either is read.
// The month is strftime's `%b` in the log's locale (systemd's journalctl and rsyslog's
// traditional format both print it so): `déc`, `Dez`, `janv.`, `дек`, `12月` as well as `Dec`.
// busybox syslogd (Alpine, embedded boards) writes the facility.level between the host
// and the program: `Jun  4 09:24:12 alpine kern.warn kernel: [  152.014434] …`; OpenWrt's
// logread has a ctime date and no host: `Wed Jun  1 22:19:30 2022 kern.warn kernel: […] …`
// (the facility.level takes the host's place).
// A sender may hide the host name behind a placeholder: `Sep 28 03:39:19 <redactedhostname>10 kernel: `.
const SYSLOG =
  /^(?:(?:\p{L}{3,5}\.?|\d{1,2}月) [ \d]?\d \d\d:\d\d:\d\d(?:\.\d{1,9})?|[A-Z][a-z]{2} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{1,9})? [A-Z][A-Za-z]{0,4}(?:[+-]\d{1,2}(?::?\d\d)?)?|[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]?\d \d\d:\d\d:\d\d \d{4}) [\w.<>-]{1,64}(?: (?:kern|user|daemon|syslog|local[0-7])\.(?:emerg|alert|crit|err|warn|warning|notice|info|debug))? kernel: ?/u;
// journalctl -o short-iso / rfc3339: `2024-03-03T10:11:12+0000 host kernel: `; -o short-unix:
// `1709460672.123456 host kernel: `.
const JOURNAL_ISO =
  /^(?:\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?|\d{9,11}\.\d{1,9}) [\w.<>-]{1,64} kernel: ?/;
// Timestamps a capture tool put before each console line — the serial console of a hung
// machine is often all there is: `[2025-03-11 09:41:07.123] ` (minicom, picocom, screen,
// conserver), `2025-03-11T09:41:07.123456Z ` (kubectl/docker --timestamps, cloud serial
// port exports), `Mar 11 09:41:07 ` (moreutils ts), `[0.123456 0.000123] ` (grabserial).
// Tried only where syslog and journalctl's forms (which name the host) did not match.
// A syslog line whose host and program fields came out empty (a relay's template, a
// copy from a log viewer: `Sep 28 15:40:01  [  611.520537][    C0] rcu: …`) is this
// form with a second blank before the dmesg time.
const HOST_TIME_ISO = /^\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?\]? ?/;
const HOST_TIME_TS = /^[A-Z][a-z]{2} [ \d]?\d \d\d:\d\d:\d\d(?:\.\d{1,9})? (?: (?=\[))?/;
const HOST_TIME_GRABSERIAL = /^\[\d{1,9}\.\d{3,9} \d{1,9}\.\d{3,9}\] ?/;
// netconsole's UDP messages as a remote syslog daemon writes them: the sender's address as
// the host and no program field (`Jun 10 00:57:35 192.168.0.201 BUG: spinlock recursion …`;
// a lone `Jun 10 00:57:35 192.168.0.201` for a printk that was only a newline).
const NETCONSOLE_SENDER = /^(?:\d{1,3}\.){3}\d{1,3}(?: |$)/;

/** `12月 01 …`: a month a CJK locale prints as its number. */
function localMonth(s: string): boolean {
  return s.charCodeAt(1) === 0x6708 /* 月 */ || s.charCodeAt(2) === 0x6708;
}

/** The capture tool's timestamp before a console line (HOST_TIME_*), or null. */
function hostTime(s: string, c0: number): RegExpExecArray | null {
  if (isDigit(c0)) return s.charCodeAt(4) === 45 /* - */ ? HOST_TIME_ISO.exec(s) : null;
  if (isUpper(c0))
    return s.charCodeAt(3) === 32 && (s.charCodeAt(6) === 32 || s.charCodeAt(5) === 32) ? HOST_TIME_TS.exec(s) : null;
  if (c0 === 91 /* [ */ && isDigit(s.charCodeAt(1))) {
    if (s.charCodeAt(5) === 45) return HOST_TIME_ISO.exec(s);
    return HOST_TIME_GRABSERIAL.exec(s);
  }
  return null;
}

// journalctl -o short-monotonic puts the host after the dmesg timestamp: `[ 4838.219744] host kernel: `.
const HOST_KERNEL = /^[\w.-]{1,64} kernel: ?/;
// dmesg -T: `[Mon Mar  3 10:11:12 2024] `
const DMESG_HUMAN = /^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]?\d \d\d:\d\d:\d\d \d{4}\] ?/;
// dmesg -H / -e (reltime: `[Mar11 09:41] ` for a new minute, `[  +0.000123] ` after it) and
// dmesg -d (`[ 4838.219744 <    0.000123>] `): the time is not read from these.
const DMESG_RELATIVE =
  /^\[(?:[A-Z][a-z]{2}\d{1,2} \d\d:\d\d| {0,12}\+\d{1,9}\.\d{1,9}| {0,12}\d{1,10}\.\d{1,9} <[ \d.]{1,20}>)\] ?/;
// dmesg: `[  123.456789]` (read by hand in dmesgTimeAt), optionally followed by a caller
// id `[T1234]`/`[ C3]`.
const CALLER = /^\[ {0,8}([TC])(\d{1,9})\]/;
// MediaTek Android kernels tag each printk with its module: `[name:lockdep&]WARNING: …`.
const MODULE_TAG = /^\[name:[\w.-]{1,40}&\]/;
// serial console / syzkaller log prefixes: `2017/11/25 12:34:56 ` is a fuzzer line, not kernel.
// A trailing human comment: `  // note`. Requires white space before `//` so URLs survive.
const SLASH_COMMENT = /\s\/\/.*$/;
// A getty prompt the console glued before a kernel line: `syzkaller login: [  709.68] INFO: …`.
const LOGIN_PROMPT = /^[\w.-]{1,64} login: (?=\[ {0,12}\d{1,10}\.\d)/;
// A shell prompt the console glued before a kernel line (the kernel printed while the
// shell waited): `[root@node2 ~]# [12032.818764] NMI watchdog: …` (bash on Red Hat),
// `root@host:~# [ …`, busybox's `/ # [  467.110000] watchdog: …`. Only before a dmesg time.
const SHELL_PROMPT =
  /^(?:\[[\w.-]{1,32}@[\w.-]{1,64} [^\]]{1,64}\]|[\w.-]{1,32}@[\w.-]{1,64}:[^ ]{0,128}|[~/][^ ]{0,128} ?)[#$] (?=\[ {0,12}\d{1,10}\.\d)/;
// A host label before each line of a parallel shell's output (pdsh, clush, ansible:
// `node17: [ 8123.44] INFO: …`), or `kernel: ` cut out of a syslog line: only before a
// dmesg timestamp, so a message that merely contains `word: ` is left alone.
const HOST_LABEL = /^[\w.-]{1,64}: (?=\[ {0,12}\d{1,10}\.\d{1,9}\])/;

/**
 * A trailing annotation people add after a value with a run of dashes, as in
 * `RDI: ffff8f1afdf55fe8---lock` or `CPU: 26--------on cpu 26`. The dashes must follow
 * content and precede a non-dash, non-space, non-`<` character, so `--- <IRQ stack> ---`
 * and `[ cut here ]------------` are left alone. Nor are lockdep's usage letters
 * (`(&ps2dev->cmd_mutex/1){--..}`, `{-.-...}`: print_lock_name writes one of `.-+?` per
 * irq state in braces): dashes with `{`, `.`, `+` or `?` on either side are not a note.
 * Two dashes inside a word are part of it — a release string `6.8.0-smp--5e10b4d51d77-drs`
 * — so a note's dashes are three or more, or two after a space.
 */
/**
 * A note pointing back at what comes before it, after a run of blanks:
 * `81  2  2  ffff9a6475e62f70  UN  …  [kworker/2:1]    <----- ???`,
 * `#3 [ffff…] mutex_lock at ffffffff83110b7f   <---- target function`. The kernel prints
 * no `<--` or `<==` arrows; ftrace's `fn <-caller` has one dash and no blank before it.
 * Read by hand (each mark's position once), not by a regex that backtracks over blanks.
 */
function arrowNoteAt(s: string): number {
  for (const mark of ['<--', '<==']) {
    for (let k = s.indexOf(mark); k >= 0; k = s.indexOf(mark, k + 1)) {
      if (k < 2 || !isAsciiSpace(s.charCodeAt(k - 1)) || !isAsciiSpace(s.charCodeAt(k - 2))) continue;
      let e = k + 1;
      while (e < s.length && s[e] === mark[1]) e++;
      if (s[e] !== '>') return k; // `<-->` is a two-way arrow in prose, not a note
    }
  }
  return -1;
}

const DASH_COMMENT = /([^\s\-{.+?])(?:\s{1,8}-{2,}|-{3,})(?=[^\s<>\][{}.+?-]).*$/;

/**
 * The record header `/dev/kmsg` puts before each message (kernel/printk/printk.c
 * info_print_ext_header, 3.5+: `"%u,%llu,%llu,%c%s;"` — level and facility, sequence
 * number, microseconds since boot, `-` or `c` (a continuation), then `,caller=T123` when
 * CONFIG_PRINTK_CALLER), as `cat /dev/kmsg` and log shippers reading it write it:
 * `6,16628,40311381019,-,caller=C0;Showing busy workqueues …`, often after a syslog time
 * and host (`May 25 07:29:42 x 0,16627,…;BUG: …`), whose host word is skipped here.
 * Read by hand, each field bounded: returns the index after `;`, or -1. The microseconds
 * and the caller id are left in kmsgUsec / kmsgCaller (scratch of this call only).
 */
let kmsgUsec = 0;
let kmsgCaller: string | null = null;
function kmsgRecordEnd(s: string): number {
  const n = Math.min(s.length, 200);
  let i = 0;
  if (!isDigit(s.charCodeAt(0))) {
    while (i < n && i < 64 && isWordish(s.charCodeAt(i))) i++;
    if (i === 0 || s.charCodeAt(i) !== 32) return -1;
    i++;
  }
  // level/facility, sequence number, microseconds: three numbers, each followed by `,`.
  let usecFrom = 0;
  for (let field = 0; field < 3; field++) {
    const a = i;
    while (i < n && i - a < 20 && isDigit(s.charCodeAt(i))) i++;
    if (i === a || (field === 0 && i - a > 3) || s.charCodeAt(i) !== 44 /* , */) return -1;
    if (field === 2) usecFrom = a;
    i++;
  }
  const usecTo = i - 1;
  const flag = s.charCodeAt(i);
  if (flag !== 45 /* - */ && flag !== 99 /* c */ && flag !== 43 /* + */) return -1;
  i++;
  let caller: string | null = null;
  if (s.charCodeAt(i) === 44 /* , */) {
    const semi = s.indexOf(';', i);
    if (semi < 0 || semi - i > 120) return -1;
    const m = /(?:^|,)caller=([TC])(\d{1,9})(?:,|$)/.exec(s.slice(i + 1, semi));
    if (m) caller = m[1] + m[2];
    i = semi;
  }
  if (s.charCodeAt(i) !== 59 /* ; */) return -1;
  kmsgUsec = Number(s.slice(usecFrom, usecTo));
  kmsgCaller = caller;
  return i + 1;
}

/**
 * Markdown a paste put around a log (bug trackers, forums): a code mark glued to a line,
 * `` `[ 3035.217228] rcu: INFO: … `` or ```` ```[    1.0] … ````, or glued to its end
 * (`… ret_from_fork+0x14/0x2c``). Only a run of one to three backticks at the very start
 * (or end) of a line with no other backtick in it: an inline code span (`` `reboot` itself ``)
 * and a fence's info string (```` ```text ````) are left alone.
 */
function leadingCodeMark(s: string): number {
  if (s.charCodeAt(0) !== 96 /* ` */) return 0;
  let k = 1;
  while (k < 3 && s.charCodeAt(k) === 96) k++;
  const c = s.charCodeAt(k);
  if (k >= s.length || c === 96 || isAsciiSpace(c) || s.indexOf('`', k) >= 0) return 0;
  return FENCE_INFO.test(s.slice(k)) ? 0 : k;
}
const FENCE_INFO = /^[\w+#.-]{1,24}$/;

function trailingCodeMark(s: string): number {
  const n = s.length;
  if (n < 2 || s.charCodeAt(n - 1) !== 96) return 0;
  let k = 1;
  while (k < 3 && k < n && s.charCodeAt(n - 1 - k) === 96) k++;
  const c = s.charCodeAt(n - 1 - k);
  if (k >= n || c === 96 || isAsciiSpace(c) || s.indexOf('`') < n - k) return 0;
  return k;
}

export function stripPrefixes(
  raw: string,
  quoted = false,
): {
  text: string;
  time: number | null;
  callerTid: number | null;
  caller: string | null;
  from: number;
  prefixed: boolean;
} {
  const r: Stripped = {
    text: '',
    time: null,
    callerTid: null,
    caller: null,
    wantTime: true,
    from: 0,
    quoted,
    prefixed: false,
    syslogOnly: false,
    depth: 0,
  };
  strip(raw, r);
  return r;
}

/**
 * How each line looked as uploaded, one byte per line (LINE_* bits), for the reflow stage
 * (text/reflow.ts), which joins what mail clients wrapped: whether a log prefix was
 * removed, whether the raw line ended in a space, its quote depth, and its raw width.
 */
export interface LineShape {
  readonly flags: Uint8Array;
  /** Raw width of each line (prefixes and quote marks included), capped at 65535. */
  readonly widths: Uint16Array;
}
/** A log prefix (dmesg time, syslog/journal, printk level, a capture tool's time) was removed. */
export const LINE_PREFIXED = 1;
/** The line was a syslog/journal prefix and nothing else (`Dec 10 09:07:48 host kernel:`):
 *  a client wrapped the message that followed onto the next line. */
export const LINE_SYSLOG_ONLY = 2;
/** The raw line ended in a space: format=flowed's soft line break (RFC 3676). */
export const LINE_FLOWED = 4;
/** Quote depth (number of `>` marks removed) is stored from this bit up (0-15). */
export const LINE_DEPTH_SHIFT = 3;

interface Stripped {
  /** Read the timestamp's value (splitLines does not keep it: only the prefix goes). */
  wantTime: boolean;
  text: string;
  time: number | null;
  callerTid: number | null;
  caller: string | null;
  /** Where `text` starts in the raw line (strip removes a prefix, then a suffix). */
  from: number;
  /** The whole text is quoted as in an e-mail reply (`> ` before its lines): remove it. */
  quoted: boolean;
  /** The whole text is numbered line by line (`cat -n`): remove the numbers. */
  numbered?: boolean;
  /** Out: a log prefix was removed. */
  prefixed: boolean;
  /** Out: the line held a syslog/journal prefix and no message. */
  syslogOnly: boolean;
  /** Out: number of quote marks removed. */
  depth: number;
  /** Quote depth of the line before (a crash `ps` row inside a quote is quoted that deep). */
  prevDepth?: number;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isUpper = (c: number) => c >= 65 && c <= 90;
const isLower = (c: number) => c >= 97 && c <= 122;
/** `[\w.-]`: the first character of a host name or a login prompt's host. */
const isWordish = (c: number) => isDigit(c) || isUpper(c) || isLower(c) || c === 95 || c === 46 || c === 45;
/** ASCII white space as `\s` sees it (tab, LF, VT, FF, CR, space). */
const isAsciiSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);

/**
 * `^\[ {0,12}(\d{1,10}\.\d{1,9})\]` at the start of s, by hand (the hottest pattern: every dmesg line has it).
 * Returns the index after `]`, or -1; the number's digits are s[timeFrom, timeTo).
 */
// (Out-values of the last call, read by its caller right after it: scratch of one call,
// never carried from one line, or one analysis, to the next.)
let timeFrom = 0;
let timeTo = 0;
function dmesgTime(s: string): number {
  return dmesgTimeAt(s, 0, s.length);
}

/** dmesgTime at s[from] (a `[`), looking no further than `limit`. */
function dmesgTimeAt(s: string, from: number, limit: number): number {
  const n = limit;
  let i = from + 1;
  while (i < n && i - from <= 12 && s.charCodeAt(i) === 32) i++;
  const a = i;
  while (i < n && i - a < 10 && isDigit(s.charCodeAt(i))) i++;
  if (i === a || i >= n || s.charCodeAt(i) !== 46) return -1;
  i++;
  const b = i;
  while (i < n && i - b < 9 && isDigit(s.charCodeAt(i))) i++;
  if (i === b || i >= n || s.charCodeAt(i) !== 93) return -1;
  timeFrom = a;
  timeTo = i;
  return i + 1;
}

/**
 * A dmesg timestamp whose start a copy cut off: `348439.713178] …` or `.713178] …` (the
 * `[`, or the `[` and the seconds, lost). Returns the index after `]`, or -1. Only six or more fraction digits count:
 * `12.5] ` in prose is not one.
 */
function cutDmesgTime(s: string): number {
  const n = Math.min(s.length, 24);
  let i = 0;
  while (i < n && i < 10 && isDigit(s.charCodeAt(i))) i++;
  if (i >= n || s.charCodeAt(i) !== 46) return -1;
  i++;
  const b = i;
  while (i < n && i - b < 9 && isDigit(s.charCodeAt(i))) i++;
  if (i - b < 6 || i >= n || s.charCodeAt(i) !== 93) return -1;
  return i + 1;
}

/**
 * The plain dmesg line `[  123.456789] message` (no level, syslog or caller prefix, no
 * second bracket after the time) read straight from the input, without slicing the raw
 * line as strip() does. Returns where the message starts (prefix removed, not yet
 * tail-trimmed), or -1 when the line needs the general path.
 */
function plainDmesgStart(input: string, start: number, end: number): number {
  if (input.charCodeAt(start) !== 91 /* [ */ || end - start > MAX_LINE) return -1;
  let p = dmesgTimeAt(input, start, end);
  if (p < 0) return -1;
  if (p < end && input.charCodeAt(p) === 32) p++;
  const c = p < end ? input.charCodeAt(p) : -1;
  if (c === 91 /* [ */ || c === 60 /* < */) return -1;
  // journalctl -o short-monotonic: `[ 4838.219744] host kernel: message` (HOST_KERNEL).
  let q = p;
  while (q < end && q - p < 64 && isWordish(input.charCodeAt(q))) q++;
  if (q > p && input.startsWith(' kernel:', q) && q + 8 <= end) {
    p = q + 8;
    if (p < end && input.charCodeAt(p) === 32) p++;
  }
  return p;
}

// Cheap first-character gates in front of each prefix pattern: a pattern only runs
// where its first character could match, so a typical line costs a few charCodeAt
// calls instead of eight regex executions. The patterns themselves are unchanged.
function strip(raw: string, out: Stripped): void {
  let s = raw.length > MAX_LINE ? raw.slice(0, MAX_LINE) : raw;
  if (s.endsWith('\r')) s = s.slice(0, -1);
  const whole = s.length;
  // `     12\t` of a text numbered line by line (cat -n, an editor's copy).
  if (out.numbered) s = s.replace(LINE_NUMBER, '');
  const unnumbered = s.length; // === whole when no number came before a quote mark
  // `> ` (and `> > `, `>>>`) of a text quoted from a mailing list reply.
  let depth = 0;
  // One mark at a time: a crash `ps` row quoted in a reply (`> >  4790  2  1  ffff…`)
  // keeps its own `>`, the current-task mark.
  if (out.quoted) {
    for (
      let m: RegExpExecArray | null;
      depth < 15 &&
      s.charCodeAt(0) === 62 /* > */ &&
      (depth < Math.max(1, out.prevDepth ?? 0) || !CRASH_PS_CURRENT.test(s.slice(0, 80))) &&
      (m = QUOTE_MARK.exec(s));
    ) {
      depth++;
      s = s.slice(m[0].length);
      // A sender's own ` > ` mark (lines set off from a terminal) quoted again in the
      // reply: `>  > workqueue events: …` is two levels, the second after spaces.
      if (s.charCodeAt(0) === 32 && INNER_QUOTE_MARK.test(s) && !CRASH_PS_CURRENT.test(s.trimStart().slice(0, 80)))
        s = s.trimStart();
    }
  }
  // A numbered text quoted in a reply: its numbers come after the quote marks.
  if (out.numbered && depth > 0 && unnumbered === whole) s = s.replace(LINE_NUMBER, '');
  // `| ` before each line of a log pasted into a commit message (`| smp: csd: …`,
  // `|  __lkdtm_SMP_CALL_LOCKUP+0x0/0x8`), quoted in a reply or not: a block mark, not text.
  if (s.charCodeAt(0) === 124 /* | */ && (s.length === 1 || s.charCodeAt(1) === 32))
    s = s.slice(s.length === 1 ? 1 : 2);
  if (s.charCodeAt(0) === 96 /* ` */) s = s.slice(leadingCodeMark(s));
  let prefixed = false;
  let syslog = false;
  // A log indented as a whole (a code block, a quote): the prefixes come after the spaces.
  if (s.charCodeAt(0) === 32 || s.charCodeAt(0) === 9) {
    // Most indented lines are frames and register lines: look at the first non-blank
    // character before running the pattern.
    let k = 1;
    while (k < 64 && (s.charCodeAt(k) === 32 || s.charCodeAt(k) === 9)) k++;
    const c = s.charCodeAt(k);
    if ((c === 91 /* [ */ || c === 60) /* < */ && INDENTED_PREFIX.test(s)) s = s.slice(k);
    // A syslogd wall broadcast: `Message from syslogd@host at …` then ` kernel:BUG: …`.
    else if (c === 107 /* k */ && k <= 2 && s.startsWith('kernel:', k)) s = s.slice(k);
  }
  let time: number | null = null;
  let callerTid: number | null = null;
  let caller: string | null = null;
  // Prefixes may stack: `<4>[  1.2][ T12] ` or `Mar  3 ... kernel: [  1.2] `.
  for (let guard = 0; guard < 4; guard++) {
    let m: RegExpExecArray | null;
    let end0: number;
    const before = s;
    let c0 = s.charCodeAt(0);
    if (c0 === 60 /* < */ && (m = LEVEL.exec(s)) && !(m[0].length === 4 && CODE_BYTES_AFTER_MARK.test(s.slice(4)))) {
      s = s.slice(m[0].length);
      c0 = s.charCodeAt(0);
      prefixed = true;
    }
    if (c0 === 107 /* k */ && s.startsWith('kernel:')) {
      s = s.slice(s.charCodeAt(7) === 32 ? 8 : 7);
      c0 = s.charCodeAt(0);
      prefixed = true;
    }
    if (isLower(c0) && (m = DECODED_LEVEL.exec(s))) {
      s = s.slice(m[0].length);
      c0 = s.charCodeAt(0);
      prefixed = true;
    }
    if (isWordish(c0) && (m = LOGIN_PROMPT.exec(s))) {
      s = s.slice(m[0].length);
      c0 = s.charCodeAt(0);
    }
    if (c0 === 91 /* [ */ || c0 === 47 /* / */ || c0 === 126 /* ~ */ || isWordish(c0)) {
      const at = s.indexOf('# [');
      if (((at > 0 && at <= 260) || s.indexOf('$ [') > 0) && (m = SHELL_PROMPT.exec(s))) {
        s = s.slice(m[0].length);
        c0 = s.charCodeAt(0);
      }
    }
    if (isWordish(c0)) {
      const at = s.indexOf(': [');
      if (at > 0 && at <= 64 && (m = HOST_LABEL.exec(s))) {
        s = s.slice(m[0].length);
        c0 = s.charCodeAt(0);
      }
    }
    if (
      ((isUpper(c0) || isLower(c0) || c0 > 127) && (m = SYSLOG.exec(s))) ||
      (isDigit(c0) && (m = JOURNAL_ISO.exec(s) ?? (localMonth(s) ? SYSLOG.exec(s) : null)))
    ) {
      s = s.slice(m[0].length);
      c0 = s.charCodeAt(0);
      prefixed = true;
      syslog = true;
    } else if (
      (c0 === 91 /* [ */ && isUpper(s.charCodeAt(1)) && (m = DMESG_HUMAN.exec(s))) ||
      (c0 === 91 /* [ */ && (m = DMESG_RELATIVE.exec(s))) ||
      (m = hostTime(s, c0))
    ) {
      s = s.slice(m[0].length);
      c0 = s.charCodeAt(0);
      prefixed = true;
      if (isDigit(c0) && m[0].charCodeAt(3) === 32 && (m = NETCONSOLE_SENDER.exec(s))) {
        s = s.slice(m[0].length);
        c0 = s.charCodeAt(0);
      }
    }
    if (isWordish(c0) && (isDigit(c0) || prefixed) && (end0 = kmsgRecordEnd(s)) > 0) {
      if (out.wantTime) time = kmsgUsec / 1e6;
      if (kmsgCaller) {
        caller = kmsgCaller;
        if (caller.charCodeAt(0) === 84 /* T */) callerTid = Number(caller.slice(1));
      }
      s = s.slice(end0);
      c0 = s.charCodeAt(0);
      prefixed = true;
      syslog = false;
    }
    // A timestamp the sender masked as `[*]` before a caller id (`[*][T18021]  fn+0x84`):
    // the caller id still says whose line it is.
    if (c0 === 91 && s.startsWith('[*][') && CALLER.test(s.slice(3))) {
      s = s.slice(3);
      c0 = 91;
      prefixed = true;
    }
    let end: number;
    if (
      (c0 === 91 && (end = dmesgTime(s)) > 0) ||
      ((isDigit(c0) || c0 === 46) && !prefixed && (end = cutDmesgTime(s)) > 0)
    ) {
      if (out.wantTime && c0 === 91) time = Number(s.slice(timeFrom, timeTo));
      s = s.slice(end);
      prefixed = true;
      syslog = false;
      if (s.charCodeAt(0) === 91 && (m = CALLER.exec(s))) {
        if (m[1] === 'T') callerTid = Number(m[2]);
        caller = m[1] + m[2];
        s = s.slice(m[0].length);
      }
      // dmesg puts one space after the timestamp; keep the rest of the indentation.
      if (s.charCodeAt(0) === 32) s = s.slice(1);
      if (isWordish(s.charCodeAt(0)) && (m = HOST_KERNEL.exec(s))) s = s.slice(m[0].length);
      // What can still stack after a timestamp is another bracketed prefix (a second
      // timestamp, a level): anything else is the message (syslog and login prompts
      // come before the timestamp and were handled above).
      const c = s.charCodeAt(0);
      if (c !== 91 /* [ */ && c !== 60 /* < */) break;
    } else if (c0 === 91 && s.charCodeAt(1) === 110 /* n */ && (m = MODULE_TAG.exec(s))) {
      s = s.slice(m[0].length);
      prefixed = true;
    } else if (c0 === 91 && (m = CALLER.exec(s))) {
      if (m[1] === 'T') callerTid = Number(m[2]);
      caller = m[1] + m[2];
      s = s.slice(m[0].length);
      if (s.charCodeAt(0) === 32) s = s.slice(1);
      prefixed = true;
    }
    if (s === before) break;
  }
  out.text = messageTail(s);
  // The next record's printk level, which a mail client joined onto this line when it
  // joined the records (Outlook: `… mei_cl_bus_rescan_work [mei] <4>` then
  // `[308.553792] Call Trace:`): no kernel message ends in one.
  if (prefixed) out.text = withoutTrailingLevel(out.text);
  out.prefixed = prefixed;
  out.syslogOnly = syslog && out.text === '';
  out.depth = depth;
  out.from = whole - s.length;
  out.time = time;
  out.callerTid = callerTid;
  out.caller = caller;
}

/** `s` without a trailing ` <N>` (a printk level, 0-7). */
export function withoutTrailingLevel(s: string): string {
  const n = s.length;
  if (n < 4 || s.charCodeAt(n - 1) !== 62 /* > */ || s.charCodeAt(n - 3) !== 60 /* < */) return s;
  const d = s.charCodeAt(n - 2);
  if (d < 48 || d > 55 || s.charCodeAt(n - 4) !== 32) return s;
  return trimEnd(s.slice(0, n - 4));
}

/** Trailing human comments and white space removed. */
function messageTail(s: string): string {
  if (s.charCodeAt(s.length - 1) === 96 /* ` */) s = s.slice(0, s.length - trailingCodeMark(s));
  // A carriage return shown in caret notation (`less`, a terminal log or a web copy of a
  // serial console: `mdadm/612 is trying to acquire lock:^M`): the kernel prints no `^M`.
  if (s.endsWith('^M')) s = s.slice(0, -2);
  if (s.indexOf('//') >= 0) s = s.replace(SLASH_COMMENT, '');
  const arrow = arrowNoteAt(s);
  if (arrow >= 0) s = s.slice(0, arrow);
  if (s.indexOf('--') >= 0) s = s.replace(DASH_COMMENT, '$1');
  return trimEnd(s);
}

/** `s.replace(/\s+$/, '')` with an ASCII fast path. */
function trimEnd(s: string): string {
  let e = s.length;
  while (e > 0) {
    const c = s.charCodeAt(e - 1);
    if (isAsciiSpace(c)) e--;
    else if (c < 128) break;
    else return s.replace(/\s+$/, '');
  }
  return e === s.length ? s : s.slice(0, e);
}

/** Number of leading `\s` characters, with an ASCII fast path. */
function leadingSpace(s: string): number {
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (isAsciiSpace(c)) i++;
    else if (c < 128) return i;
    else return /^\s*/.exec(s)![0].length;
  }
  return i;
}

/** Unquoted lines a wrapped quoted line leaves (a kernel line wraps to at most three at 72 columns). */
const WRAP_RESTS = 3;

/**
 * A quote's first line may be wrapped too: its rest, unquoted, comes before the quote's
 * second line. True when one of the WRAP_RESTS lines from `at` starts with `>` and every
 * line before it has text. (At most WRAP_RESTS lines are looked at, and only for a line
 * that starts with `>` after unquoted ones: linear.)
 */
function quoteAfterRests(input: string, at: number): boolean {
  for (let k = 0, p = at; k < WRAP_RESTS && p < input.length; k++) {
    const c = input.charCodeAt(p);
    if (c === 62 /* > */) return k > 0;
    if (c === 10 || c === 13) return false;
    const lf = input.indexOf('\n', p);
    if (lf < 0) return false;
    p = lf + 1;
  }
  return false;
}

/** Is the line at `at` blank and the one after it quoted (a double-spaced quote goes on)? */
function quoteAfterBlank(input: string, at: number): boolean {
  const c = input.charCodeAt(at);
  if (c === 10) return input.charCodeAt(at + 1) === 62;
  if (c === 13) return input.charCodeAt(input.charCodeAt(at + 1) === 10 ? at + 2 : at + 1) === 62;
  return false;
}

/** Split into lines (LF, CRLF or CR) and strip prefixes. Linear in the input. */
export function splitLines(input: string): LineTable {
  // Offsets grow by doubling; a line is at least one character, so input.length + 1 bounds
  // the count, but a first guess from the input size avoids a 4×input-sized allocation.
  let cap = Math.max(16, Math.min(input.length + 1, (input.length >> 5) + 16));
  let starts: Int32Array = new Int32Array(cap);
  let ends: Int32Array = new Int32Array(cap);
  let indents: Int32Array = new Int32Array(cap);
  let flags: Uint8Array = new Uint8Array(cap);
  let widths: Uint16Array = new Uint16Array(cap);
  let callers: Map<number, string> | null = null;
  const head = firstLines(input, 200);
  const quotedWhole = quotedText(input, head);
  const st: Stripped = {
    text: '',
    time: null,
    callerTid: null,
    caller: null,
    wantTime: false,
    from: 0,
    quoted: quotedWhole,
    numbered: numberedText(input, head),
    prefixed: false,
    syslogOnly: false,
    depth: 0,
  };
  // Whether the line before was quoted: a reply quotes a block of lines, so a line that
  // starts with `>` next to another one is quoted even where most of the text is not.
  let prevQuoted = false;
  // Lines since the last quoted one, all of them with text: a mail client that wraps a
  // quoted block leaves each long line's rest unquoted (up to WRAP_RESTS lines of it), so
  // the quote's next line follows a line without `>` and is still the same quote.
  let sinceQuoted = WRAP_RESTS + 1;
  // A web copy of a reply puts a blank line after every line (double spacing): a quoted
  // line after a blank line, then a blank line, and the quote goes on past it.
  let prevBlank = false;
  let prevSpacedQuote = false; // the line before was quoted, with a blank line before it
  let spacedQuoteThenBlank = false;
  let prevDepth = 0;
  let start = 0;
  let count = 0;
  const n = input.length;
  let nextCR = input.indexOf('\r');
  // Both positions are cached and searched again only once passed, so a text with only
  // one kind of line end (CR-only, or no CR at all) is still scanned once: linear.
  let nextLF = input.indexOf('\n');
  for (;;) {
    if (nextLF >= 0 && nextLF < start) nextLF = input.indexOf('\n', start);
    let i = nextLF < 0 ? n : nextLF;
    if (nextCR >= 0) {
      if (nextCR < start) nextCR = input.indexOf('\r', start);
      if (nextCR >= 0 && nextCR < i) i = nextCR;
    }
    const c = i < n ? input.charCodeAt(i) : 10;
    if (count === cap) {
      cap *= 2;
      starts = grow(starts, cap);
      ends = grow(ends, cap);
      indents = grow(indents, cap);
      flags = grow8(flags, cap);
      widths = grow16(widths, cap);
    }
    let from: number;
    let text: string;
    const next = c === 13 && i + 1 < n && input.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
    // A crash `ps` row of a task current on a CPU starts with `>` too: it is quoted only
    // inside a quoted block (after a quoted prompt or header), never a quote's first line.
    const quoted: boolean =
      input.charCodeAt(start) === 62 /* > */ &&
      (quotedWhole ||
        prevQuoted ||
        ((input.charCodeAt(next) === 62 ||
          sinceQuoted <= WRAP_RESTS ||
          spacedQuoteThenBlank ||
          quoteAfterBlank(input, next) ||
          quoteAfterRests(input, next)) &&
          !CRASH_PS_CURRENT.test(input.slice(start, Math.min(i, start + 80)))));
    spacedQuoteThenBlank = start === i && prevSpacedQuote;
    prevSpacedQuote = quoted && prevBlank;
    prevBlank = start === i;
    prevQuoted = quoted && input.charCodeAt(start) === 62;
    st.quoted = quoted;
    st.prevDepth = prevDepth;
    const p = quotedWhole || st.numbered ? -1 : plainDmesgStart(input, start, i);
    let f = 0;
    if (p >= 0) {
      from = p;
      text = withoutTrailingLevel(messageTail(input.slice(p, i)));
      f = LINE_PREFIXED;
      prevDepth = 0;
    } else {
      // The general path works on the raw line; its text is a slice of it (see LineTable).
      strip(input.slice(start, i), st);
      from = start + st.from;
      text = st.text;
      if (st.caller !== null) (callers ??= new Map()).set(count, st.caller);
      f =
        (st.prefixed ? LINE_PREFIXED : 0) |
        (st.syslogOnly ? LINE_SYSLOG_ONLY : 0) |
        (Math.min(st.depth, 15) << LINE_DEPTH_SHIFT);
      prevDepth = quoted ? st.depth : 0;
    }
    const rawEnd = i > start && input.charCodeAt(i - 1) === 13 ? i - 1 : i;
    if (quoted) sinceQuoted = 0;
    else sinceQuoted = text === '' ? WRAP_RESTS + 1 : sinceQuoted + 1;
    if (rawEnd > start && input.charCodeAt(rawEnd - 1) === 32) f |= LINE_FLOWED;
    flags[count] = f;
    widths[count] = Math.min(rawEnd - start, 65535);
    // The strings made here are young garbage: only the offsets are kept.
    starts[count] = from;
    ends[count] = from + text.length;
    indents[count] = leadingSpace(text);
    count++;
    if (c === 13 && i + 1 < n && input.charCodeAt(i + 1) === 10) i++;
    start = i + 1;
    if (i >= n) break;
  }
  // A trailing newline does not start another line.
  if (count > 1 && input.length > 0 && /[\r\n]$/.test(input) && starts[count - 1] >= ends[count - 1]) count--;
  return new LineTable(input, starts, ends, indents, callers, count, { flags, widths });
}

function grow(a: Int32Array, cap: number): Int32Array {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}
function grow8(a: Uint8Array, cap: number): Uint8Array {
  const b = new Uint8Array(cap);
  b.set(a);
  return b;
}
function grow16(a: Uint16Array, cap: number): Uint16Array {
  const b = new Uint16Array(cap);
  b.set(a);
  return b;
}
