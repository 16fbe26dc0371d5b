// One small function per stack-frame line style, tried in order. Each returns a frame
// or undefined, never throws. Patterns are anchored with bounded quantifiers.

import type { FrameTable } from './frame-table.js';
import type { ArmCall, ParsedFrame, StackFrame } from './records.js';

export type { ArmCall } from './records.js';

const FN = String.raw`[A-Za-z_$.][\w.$]{0,127}`;
const HEX = String.raw`[0-9a-fA-F]`;

// `[<ffffffff810a6fec>] flush_workqueue+0x12c/0x5b0 [bsnmod]` (/proc/PID/stack, old
// dmesg Call Trace). The `?` marks an unreliable frame: `[<…>] ? fn+0x1/0x2`. 2.6.x
// x86_64 printk_address put a module's name before the symbol:
// `[<ffffffff88582f6d>] :jbd2:jbd2_journal_commit_transaction+0x191/0x1068`.
const PROC_ADDR = new RegExp(
  String.raw`^\[<(${HEX}{1,16})>\] (\? )?(?:(?::([\w-]{1,64}):)?(${FN})\+0x(${HEX}{1,8})/0x(${HEX}{1,8})(?: \[([\w-]{1,64})(?: ${HEX}{1,64})?\])?|0x${HEX}{6,16})`,
);

// `flush_work+0x10/0x18`, ` ? __queue_work+0x1ad/0x3d0`, `vp_reset+0x3a/0x50 [virtio_pci]`,
// arm64 `  __switch_to+0xdc/0x148` and the newer `fn+0x1/0x2 (T)` suffix, syzkaller's
// symbolized `dump_stack+0x194/0x257 lib/dump_stack.c:53`.
export const PLAIN = new RegExp(
  String.raw`^(\? )?(${FN})\+0x(${HEX}{1,8})/0x(${HEX}{1,8})(?: \[([\w-]{1,64})(?: ${HEX}{1,64})?\])?(?: \([TP]\))?(?:\s|$)`,
);

// syzkaller's inlined frames: `__dump_stack lib/dump_stack.c:17 [inline]`.
const INLINE = new RegExp(String.raw`^(${FN}) [\w/.-]{1,200}\.[chS]:\d{1,6}(?::\d{1,4})? \[inline\]$`);

// A frame decoded by scripts/decode_stacktrace.sh (0-day/lkp reports, most bisection
// mails): the offset gives way to the source location, one per inlined call, each with
// the compiler's `(discriminator N)` where it printed one and `?` for an unknown line,
// `??:?` when there was no debug info; a module's name follows the parenthesis, bare
// (`) drm`) or in brackets. `__schedule (kernel/sched/core.c:5380 kernel/sched/core.c:6764)`,
// `? schedule (./arch/x86/include/asm/preempt.h:84 (discriminator 13) kernel/sched/core.c:6672)`.
// arm64 (6.13+) marks a frame taken from the registers ` (P)`. The script leaves a space
// at the end of each line it rewrote.
const SOURCE_AT = String.raw`(?:(?:\.{0,2}/)?[\w/.+-]{1,200}\.[chS]:(?:\d{1,6}|\?)|\?\?:\?)(?: \(discriminator \d{1,6}\))?`;
const DECODED = new RegExp(
  String.raw`^(\? )?(${FN}) \(${SOURCE_AT}(?: ${SOURCE_AT}){0,31}\)(?: \[?([\w-]{1,64})\]?)?(?: \([TP]\))?[ \t]{0,8}$`,
);

// crash `bt`: `#4 [ffff8f4957fbfa30] try_to_wake_up at ffffffff838d63d2 [mod]` (the specification of
// frameFromCrashBt, which reads it by hand; a test checks they agree). `bt -s` / `bt -sx`
// print the symbol with its offset: `__schedule+658 at …`, `__schedule+0x2c3 at …`.
export const CRASH_BT = new RegExp(
  String.raw`^#(\d{1,4}) {1,3}\[(${HEX}{6,16})\] (${FN})(?:\+(?:0x${HEX}{1,8}|\d{1,8}))? at (${HEX}{6,16})(?: \[([\w-]{1,64})\])?`,
);

// powerpc (arch/powerpc/kernel/process.c show_stack): `[c00000000f4f75d0] [c0000000010b1a24]
// __schedule+0x324/0x9f0` — the frame's stack pointer, then its return address — with
// ` (unreliable)` on a first frame that may be stale, and ftrace's ` (fn+0x…/0x…)` where
// return_to_handler stands in for the real return address.
const PPC = new RegExp(
  String.raw`^\[(${HEX}{8,16})\] \[(${HEX}{8,16})\] (${FN})\+0x(${HEX}{1,8})/0x(${HEX}{1,8})(?: \[([\w-]{1,64})\])?((?: \((?:unreliable|${FN}\+0x${HEX}{1,8}/0x${HEX}{1,8}(?: \[[\w-]{1,64}\])?)\)){0,2})$`,
);

// sparc32 (arch/sparc/kernel/process_32.c show_stack): `[f0067d00 : do_raw_spin_lock+0xa8/0xd8 ]`,
// the return address then its symbol (printed in two printk calls, joined again by reflow).
const SPARC = new RegExp(
  String.raw`^\[(${HEX}{8,16}) : (${FN})\+0x(${HEX}{1,8})/0x(${HEX}{1,8})(?: \[([\w-]{1,64})\])? \]$`,
);

// sparc64 (arch/sparc/kernel/traps_64.c show_stack): ` [000000000043143c] prom_putchar+0x2c/0x34`,
// the return address (always 16 digits) then its symbol; a user address after the last
// kernel frame is bare (` [0000000000101d74] 0x101d7c`) and no frame.
const SPARC64 = new RegExp(
  String.raw`^\[(${HEX}{16})\] (${FN})\+0x(${HEX}{1,8})/0x(${HEX}{1,8})(?: \[([\w-]{1,64})\])?$`,
);

/** A frame from a pattern's groups: the return address, `fn`, offset and size digits. */
function matchedFrame(
  addr: string,
  fn: string,
  offset: string,
  size: string,
  module: string | undefined,
  reliable: boolean,
  line: number,
): ParsedFrame {
  return {
    fn,
    offset: '0x' + offset.toLowerCase(),
    size: '0x' + size.toLowerCase(),
    module: module ?? null,
    addr: addr.toLowerCase(),
    reliable,
    line,
  };
}

export function frameFromPpc(s: string, line: number): ParsedFrame | undefined {
  const m = PPC.exec(s);
  return m ? matchedFrame(m[2], m[3], m[4], m[5], m[6], !m[7].includes('(unreliable)'), line) : undefined;
}

function frameFromSparc(s: string, line: number): ParsedFrame | undefined {
  const m = SPARC.exec(s);
  return m ? matchedFrame(m[1], m[2], m[3], m[4], m[5], true, line) : undefined;
}

function frameFromSparc64(s: string, line: number): ParsedFrame | undefined {
  const m = SPARC64.exec(s);
  return m ? matchedFrame(m[1], m[2], m[3], m[4], m[5], true, line) : undefined;
}

// arm64 / older ARM: `[<ffff000008085b40>] __switch_to+0x98/0xb0` is PROC_ADDR; the
// `Call trace:` entries of 4.x arm64 look like `[<ffff…>] fn+0x/0x` as well.

export function frameFromProcStack(s: string, line: number): ParsedFrame | undefined {
  const m = PROC_ADDR.exec(s);
  if (!m) return undefined;
  if (!m[4]) {
    // `[<ffffffffffffffff>] 0xffffffffffffffff`: the end marker of /proc/PID/stack.
    return undefined;
  }
  return {
    fn: m[4],
    offset: '0x' + m[5].toLowerCase(),
    size: '0x' + m[6].toLowerCase(),
    module: m[7] ?? m[3] ?? null,
    // 4.15+ prints `[<0>]` to readers without CAP_SYSLOG (kptr_restrict): no address.
    addr: /^0+$/.test(m[1]) ? null : m[1].toLowerCase(),
    reliable: !m[2],
    line,
  };
}

export function frameFromPlain(s: string, line: number): ParsedFrame | undefined {
  // By hand: this runs on every frame line of every trace. Same language as PLAIN
  // (kept above as the specification), including its backtracking over the optional
  // ` [module]` and ` (T)` suffixes. Bounded: at most ~220 characters are looked at.
  const n = s.length;
  let p = 0;
  let reliable = true;
  if (s.charCodeAt(0) === 63 /* ? */ && s.charCodeAt(1) === 32) {
    reliable = false;
    p = 2;
  }
  const fnStart = p;
  if (p >= n || !isFnStart(s.charCodeAt(p))) return undefined;
  p++;
  while (p < n && p - fnStart <= 127 && isFnChar(s.charCodeAt(p))) p++;
  const fnEnd = p;
  if (s.charCodeAt(p) !== 43 /* + */ || s.charCodeAt(p + 1) !== 48 /* 0 */ || s.charCodeAt(p + 2) !== 120 /* x */)
    return undefined;
  p += 3;
  const offStart = p;
  while (p < n && p - offStart < 8 && isHex(s.charCodeAt(p))) p++;
  const offEnd = p;
  if (
    offEnd === offStart ||
    s.charCodeAt(p) !== 47 /* / */ ||
    s.charCodeAt(p + 1) !== 48 ||
    s.charCodeAt(p + 2) !== 120
  )
    return undefined;
  p += 3;
  const sizeStart = p;
  while (p < n && p - sizeStart < 8 && isHex(s.charCodeAt(p))) p++;
  const sizeEnd = p;
  if (sizeEnd === sizeStart) return undefined;
  // ` [module]`, or ` [module buildid]` (CONFIG_STACKTRACE_BUILD_ID)
  let modEnd = -1;
  let modNameEnd = -1;
  if (s.charCodeAt(p) === 32 && s.charCodeAt(p + 1) === 91 /* [ */) {
    let q = p + 2;
    while (q < n && q - (p + 2) < 64 && isModChar(s.charCodeAt(q))) q++;
    modNameEnd = q;
    if (q > p + 2 && s.charCodeAt(q) === 32) {
      let b = q + 1;
      while (b < n && b - (q + 1) < 64 && isHex(s.charCodeAt(b))) b++;
      if (b > q + 1) q = b;
    }
    if (modNameEnd > p + 2 && s.charCodeAt(q) === 93 /* ] */) modEnd = q + 1;
  }
  let module: string | null = null;
  if (modEnd > 0 && endsFrame(s, tpSuffix(s, modEnd))) module = s.slice(p + 2, modNameEnd);
  else if (modEnd > 0 && endsFrame(s, modEnd)) module = s.slice(p + 2, modNameEnd);
  else if (!endsFrame(s, tpSuffix(s, p)) && !endsFrame(s, p)) return undefined;
  return {
    fn: s.slice(fnStart, fnEnd),
    offset: hexFrom(s, offStart, offEnd),
    size: hexFrom(s, sizeStart, sizeEnd),
    module,
    addr: null,
    reliable,
    line,
  };
}

/** `0x` + the lower-case digits at [from, to) of s, which follow a `0x` there: the line's
 *  own characters when already lower case (one string per field, not three). */
function hexFrom(s: string, from: number, to: number): string {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 70) return '0x' + s.slice(from, to).toLowerCase();
  }
  return s.slice(from - 2, to);
}

/** `[A-Za-z_$.]` */
function isFnStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || c === 46;
}
/** `[\w.$]` */
function isFnChar(c: number): boolean {
  return isFnStart(c) || (c >= 48 && c <= 57);
}
/** `[0-9a-fA-F]` */
function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}
/** `[\w-]` */
function isModChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45;
}
/** Index after an optional ` (T)` / ` (P)` at p. */
function tpSuffix(s: string, p: number): number {
  const c = s.charCodeAt(p + 2);
  return s.charCodeAt(p) === 32 && s.charCodeAt(p + 1) === 40 && (c === 84 || c === 80) && s.charCodeAt(p + 3) === 41
    ? p + 4
    : p;
}
/** `(?:\s|$)` at p. */
function endsFrame(s: string, p: number): boolean {
  if (p >= s.length) return true;
  const c = s.charCodeAt(p);
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  return c >= 128 && /\s/.test(s[p]);
}
function lowerHex(h: string): string {
  for (let i = 0; i < h.length; i++) {
    const c = h.charCodeAt(i);
    if (c >= 65 && c <= 70) return h.toLowerCase();
  }
  return h;
}

export function frameFromInline(s: string, line: number): ParsedFrame | undefined {
  // Most lines that get here are not frames at all: the suffix is checked first.
  if (!s.endsWith('[inline]')) return undefined;
  const m = INLINE.exec(s);
  if (!m) return undefined;
  return { fn: m[1], offset: null, size: null, module: null, addr: null, reliable: true, line };
}

/** A frame decode_stacktrace.sh printed (see DECODED); its line has no offset. */
export function frameFromDecoded(s: string, line: number): ParsedFrame | undefined {
  const m = DECODED.exec(s);
  if (!m) return undefined;
  return { fn: m[2], offset: null, size: null, module: m[3] ?? null, addr: null, reliable: !m[1], line };
}

/** Could s be a decoded frame: ` (` after its first word, and `)` or a module after the last `)`. */
function mayBeDecoded(s: string): boolean {
  const open = s.indexOf(' (');
  if (open < 1 || open > 131) return false;
  const close = s.lastIndexOf(')');
  return close > open && (close === s.length - 1 || s.charCodeAt(close + 1) === 32);
}

export function frameFromCrashBt(
  table: FrameTable,
  s: string,
  line: number,
): (ParsedFrame & { sp: string }) | undefined {
  const out = { sp: '' };
  const f = crashBtFrame(table, s, out);
  return f === undefined
    ? undefined
    : { fn: f.fn, offset: null, size: null, module: f.module, addr: f.addr, reliable: true, line, sp: out.sp };
}

/**
 * A crash bt frame line's frame, from the analysis's frame table (task context), with
 * its stack pointer left in `out.sp`: no object is made per frame line. `#N [sp] ` is read
 * by hand, the rest (`fn at addr [mod]`, the same in every task with that call path)
 * parsed once per distinct text. Same language as CRASH_BT.
 */
export function crashBtFrame(table: FrameTable, s: string, out: { sp: string }): StackFrame | undefined {
  let p = 0;
  // `#N ` may be cut by the sender (`[ffffa7a8e96bbac0] __schedule at …`): the `[sp] fn at
  // addr` that remains is crash's all the same.
  if (s.charCodeAt(0) === 35 /* # */) {
    p = 1;
    while (p < s.length && p <= 4 && isDigitCode(s.charCodeAt(p))) p++;
    if (p === 1) return undefined;
    const sp0 = p;
    while (p < s.length && p - sp0 < 3 && s.charCodeAt(p) === 32) p++;
    if (p === sp0) return undefined;
  }
  if (s.charCodeAt(p) !== 91 /* [ */) return undefined;
  const a = ++p;
  while (p < s.length && p - a < 16 && isHex(s.charCodeAt(p))) p++;
  if (p - a < 6 || s.charCodeAt(p) !== 93 /* ] */ || s.charCodeAt(p + 1) !== 32) return undefined;
  const known = table.crashText.get(s.slice(p + 2), crashBtRest, table);
  if (known === null) return undefined;
  out.sp = lowerHex(s.slice(a, p));
  return known;
}

function crashBtRest(rest: string, table: FrameTable): StackFrame | null {
  const m = CRASH_BT_REST.exec(rest);
  return m
    ? table.frame({
        fn: m[1],
        offset: null,
        size: null,
        module: m[3] ?? null,
        addr: m[2].toLowerCase(),
        reliable: true,
      })
    : null;
}

// What follows `#N [sp] ` in a crash bt frame line (see CRASH_BT).
const CRASH_BT_REST = new RegExp(
  String.raw`^(${FN})(?:\+(?:0x${HEX}{1,8}|\d{1,8}))? at (${HEX}{6,16})(?: \[([\w-]{1,64})\])?`,
);

/**
 * A crash bt frame line whose `#N [sp]` columns the author cut (`_raw_spin_lock at
 * ffffffffb89a667a`, `lpfc_cmf_timer at ffffffffc0abbc67 [lpfc]`), from the frame table:
 * the whole line must be the frame, so prose with an ` at ` in it is not one.
 */
export function crashBtFrameWithoutColumns(table: FrameTable, s: string): StackFrame | undefined {
  if (s.indexOf(' at ') < 0 || !CRASH_BT_WHOLE.test(s)) return undefined;
  const f = table.crashText.get(s, crashBtRest, table);
  return f === null ? undefined : f;
}

const CRASH_BT_WHOLE = new RegExp(
  String.raw`^${FN}(?:\+(?:0x${HEX}{1,8}|\d{1,8}))? at ${HEX}{6,16}(?: \[[\w-]{1,64}\])?$`,
);

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Any kernel-trace frame style (not crash's `#N` lines), as a fresh object with its line. */
export function parseFrameLine(table: FrameTable, trimmed: string, line: number): ParsedFrame | undefined {
  const f = frameOfLine(table, trimmed);
  return f === undefined ? undefined : { ...f, line };
}

/**
 * The frame table's frame for a frame line's text (task context), or undefined. A big
 * dump prints the same few hundred frame lines over and over: each distinct text is
 * parsed once per analysis.
 */
export function frameOfLine(table: FrameTable, trimmed: string): StackFrame | undefined {
  // Every frame style here has `fn+0x…`, ends `[inline]` or is a decoded `fn (file.c:N)`:
  // other lines of a trace (registers, `Code:`, headers) are turned away before the
  // table hashes their text.
  if (
    trimmed.indexOf('+0x') < 0 &&
    !trimmed.endsWith('[inline]') &&
    !mayBeDecoded(trimmed) &&
    trimmed.charCodeAt(0) !== 123 /* { */
  )
    return undefined;
  return table.fromText(trimmed, parseFrameText);
}

function parseFrameText(trimmed: string): ParsedFrame | undefined {
  // PROC_ADDR starts with `[`, PLAIN and INLINE never do: try only what can match.
  if (trimmed.charCodeAt(0) === 91) {
    // A web page that took `<ffffffff8150e1c5>` for an HTML tag and dropped it leaves
    // `[] ? schedule_timeout+0x1ed/0x2d0`, `[] :jbd:log_wait_commit+0xa3/0xf5`: the frame
    // is still there without its address (read as `[<0>]`, the address-less form).
    if (trimmed.charCodeAt(1) === 93 /* ] */ && trimmed.charCodeAt(2) === 32)
      return frameFromProcStack('[<0>] ' + trimmed.slice(3).trimStart(), 0);
    return trimmed.charCodeAt(1) === 60 /* < */
      ? frameFromProcStack(trimmed, 0)
      : (frameFromPpc(trimmed, 0) ?? frameFromSparc(trimmed, 0) ?? frameFromSparc64(trimmed, 0));
  }
  // s390 (arch/s390/kernel/dumpstack.c show_trace) prints a frame the unwinder is not
  // sure of in parentheses: `([<0000000000b84a8a>] __schedule+0x2ba/0x7a8)`.
  if (trimmed.charCodeAt(0) === 40 /* ( */ && trimmed.charCodeAt(1) === 91 && trimmed.endsWith(')')) {
    const f = frameFromProcStack(trimmed.slice(1, -1), 0);
    return f && f.fn !== undefined ? { ...f, reliable: false } : undefined;
  }
  if (trimmed.charCodeAt(0) === 123 /* { */) return frameFromAnnotation(trimmed, 0);
  return frameFromPlain(trimmed, 0) ?? frameFromInline(trimmed, 0) ?? frameFromDecoded(trimmed, 0);
}

// A frame the sender wrote into the trace by hand: a call the unwinder left out (inlined,
// a tail call), put where it belongs and marked off in braces, often with a `# note` after
// it: `{ crypto_wait_req }             # entries in braces added by hand`. Only a whole line
// of that shape, one function name and nothing else inside the braces.
const ANNOTATED = new RegExp(String.raw`^\{ ?(${FN}) ?\}(?:[ \t]{1,64}#.{0,200})?$`);

/** A hand-added `{ fn }` frame line → a frame with no offset or address, or undefined. */
export function frameFromAnnotation(s: string, line: number): ParsedFrame | undefined {
  const m = ANNOTATED.exec(s);
  if (!m || !/[a-z_]/i.test(m[1])) return undefined;
  return { fn: m[1], offset: null, size: null, module: null, addr: null, reliable: true, line };
}

// 32-bit ARM backtraces (arch/arm/kernel/traps.c dump_backtrace_entry) print a call per
// line, the function and where it was called from:
//   `[<80de0078>] (dump_backtrace) from [<80de0574>] (show_stack+0x28/0x2c)`  (BACKTRACE_VERBOSE, and before 5.13)
//   `[<c0012345>] (fn+0x0/0x10) from [<c0012400>] (caller+0x20/0x40)`          (3.x: `%pS` on both)
//   `dump_backtrace from show_stack+0x28/0x2c`                                (5.13+ default)
//   `(__schedule) from (schedule+0x5b/0x90)`   (the verbose form with its `[<addr>]`s left
//                                                out, as some reports print or paste it)
// `%pB` may add ` [module]` (and a build id); syzkaller adds ` file.c:123` after the symbol.
const ARM_SYM = String.raw`(${FN})(?:\+0x(${HEX}{1,8})/0x(${HEX}{1,8}))?(?: \[([\w-]{1,64})(?: ${HEX}{1,64})?\])?`;
const ARM_CALLER = String.raw`(${FN})\+0x(${HEX}{1,8})/0x(${HEX}{1,8})(?: \[([\w-]{1,64})(?: ${HEX}{1,64})?\])?`;
const ARM_VERBOSE = new RegExp(
  String.raw`^\[<(${HEX}{8,16})>\] \(${ARM_SYM}(?: [\w/.-]{1,200}:\d{1,6})?\) from \[<(${HEX}{8,16})>\] \(${ARM_CALLER}(?: [\w/.-]{1,200}:\d{1,6})?\)$`,
);
const ARM_SHORT = new RegExp(
  String.raw`^${ARM_SYM}(?: [\w/.-]{1,200}:\d{1,6})? from ${ARM_CALLER}(?: [\w/.-]{1,200}:\d{1,6})?$`,
);

const ARM_PAREN = new RegExp(
  String.raw`^\(${ARM_SYM}(?: [\w/.-]{1,200}:\d{1,6})?\) from \(${ARM_CALLER}(?: [\w/.-]{1,200}:\d{1,6})?\)$`,
);

// The frame-pointer unwinder (arch/arm/kernel/traps.c dump_backtrace_entry -> dump_mem /
// the saved-register print of unwind_frame) follows a call with the registers that frame
// saved, `r10:c0f04068 r9:efc2e600 … r4:ffffe000`, printed with pr_cont: kernels and
// consoles that do not break continuation lines glue them onto the call's line:
//   `[<c091d7e8>] (schedule) from [<c01575fc>] (io_schedule+0x20/0x48) r5:edd31a94 r4:00000000`
// Only whole `name:8-hex-digit` words after the caller's closing parenthesis are cut.
const ARM_SAVED_REGS = /\) (?:r\d{1,2}|fp|ip|sp|lr|pc):[0-9a-f]{8}(?: (?:r\d{1,2}|fp|ip|sp|lr|pc):[0-9a-f]{8}){0,16}$/;

/** The call a 32-bit ARM backtrace line prints, as frame-table frames, or undefined. */
export function armCallOfLine(table: FrameTable, trimmed: string): ArmCall | undefined {
  // Every form has ` from ` and the caller's `+0x`: most lines are turned away here.
  // A dump repeats the same call paths: each distinct line is parsed once.
  if (trimmed.indexOf(' from ') < 0 || trimmed.indexOf('+0x') < 0) return undefined;
  const regs = trimmed.charCodeAt(trimmed.length - 1) !== 41 /* ) */ ? ARM_SAVED_REGS.exec(trimmed) : null;
  const call = regs ? trimmed.slice(0, regs.index + 1) : trimmed;
  return table.armText.get(call, parseArmCall, table) ?? undefined;
}

function parseArmCall(line: string, table: FrameTable): ArmCall | null {
  // The verbose form on a web page that dropped its `<addr>`s as HTML tags:
  // `[] (__schedule) from [] (schedule+0x40/0xa4)` is read as the form without them.
  const s = line.startsWith('[] (') ? '(' + line.slice(4).replace(') from [] (', ') from (') : line;
  const v = ARM_VERBOSE.exec(s);
  // Groups: [addr] fn off size mod [addr] fn off size mod (verbose); the same without the
  // addresses (short, and the verbose form's parentheses without its addresses).
  const g = v
    ? [v[2], v[3], v[4], v[5], v[7], v[8], v[9], v[10]]
    : (s.charCodeAt(0) === 40 /* ( */ ? ARM_PAREN : ARM_SHORT).exec(s)?.slice(1);
  if (!g) return null;
  const hex = (h: string | undefined) => (h === undefined ? null : '0x' + h.toLowerCase());
  return {
    callee: table.frame({
      fn: g[0],
      offset: hex(g[1]),
      size: hex(g[2]),
      module: g[3] ?? null,
      addr: v ? v[1].toLowerCase() : null,
      reliable: true,
    }),
    caller: table.frame({
      fn: g[4],
      offset: hex(g[5]),
      size: hex(g[6]),
      module: g[7] ?? null,
      addr: v ? v[6].toLowerCase() : null,
      reliable: true,
    }),
  };
}

/** True for `[<ffffffffffffffff>] 0xffffffffffffffff`, the /proc/PID/stack terminator. */
export function isStackTerminator(trimmed: string): boolean {
  return /^\[<f{16}>\] 0xf{16}$/.test(trimmed);
}

// A frame line with a decimal offset and no size: `__schedule+548`, `hinic_get_stats64+44 [hinic]`.
// bpftrace's `kstack` prints kernel stacks this way (one frame per line, indented, inside
// `@[` … `]: N`), and so do tools that post-process them; crash `bt -s` does too, behind
// its `#N [sp]` (CRASH_BT). Only a whole line of that shape is a frame: prose like
// `i+1` has no call-frame name before it, and a stack needs two such lines in a row
// (orphanStackParser).
const DECIMAL_FRAME = new RegExp(String.raw`^(\? )?(${FN})\+(\d{1,7})(?: \[([\w-]{1,64})\])?$`);

/** A `fn+NNN` (decimal offset) frame line → a frame, or undefined. */
export function frameFromDecimalLine(trimmed: string, line: number): ParsedFrame | undefined {
  const m = DECIMAL_FRAME.exec(trimmed);
  if (!m || !/[a-z_]/i.test(m[2])) return undefined;
  return {
    fn: m[2],
    offset: '0x' + Number(m[3]).toString(16),
    size: null,
    module: m[4] ?? null,
    addr: null,
    reliable: !m[1],
    line,
  };
}

/** `fn+514` (crash, decimal offset) or `fn+0x202/0x260` → a frame. */
export function frameFromSymbolOffset(sym: string, line: number): ParsedFrame | undefined {
  const hex = /^(\S{1,128}?)\+0x([0-9a-f]{1,8})(?:\/0x([0-9a-f]{1,8}))?(?: \[([\w-]{1,64})\])?$/i.exec(sym);
  if (hex) {
    return {
      fn: hex[1],
      offset: '0x' + hex[2].toLowerCase(),
      size: hex[3] ? '0x' + hex[3].toLowerCase() : null,
      module: hex[4] ?? null,
      addr: null,
      reliable: true,
      line,
    };
  }
  const dec = /^(\S{1,128}?)\+(\d{1,9})(?: \[([\w-]{1,64})\])?$/.exec(sym);
  if (dec) {
    return {
      fn: dec[1],
      offset: '0x' + Number(dec[2]).toString(16),
      size: null,
      module: dec[3] ?? null,
      addr: null,
      reliable: true,
      line,
    };
  }
  const bare = /^([A-Za-z_][\w.$]{0,127})$/.exec(sym);
  if (bare) return { fn: bare[1], offset: null, size: null, module: null, addr: null, reliable: true, line };
  return undefined;
}
