// The stack dump every dmesg report ends with, as the arch `show_stack`/`show_regs`/
// `dump_stack` code prints it (x86 `show_trace_log_lvl`, arm64 `dump_backtrace`):
//
//   RIP: 0010:native_safe_halt+0xe/0x10          (x86 __show_regs; `pc : fn` on arm64)
//   Code: 90 90 …                                 RSP:/RAX:/x29: register lines
//   Call Trace:                                   (`Call trace:` on arm64)
//    <IRQ>                                        (`<NMI>`, `</IRQ>`, `<TASK>`, 3.x `<EOI>`, `<<EOE>>`)
//    ? fn+0x1/0x2                                 unreliable frame
//    fn+0x1/0x2 [mod] (T)                         / 3.x ` [<ffffffff810a6fec>] fn+0x12c/0x5b0`
//    </TASK>
//   [<80de0078>] (dump_backtrace) from [<80de0574>] (show_stack+0x28/0x2c)   (32-bit ARM:
//   dump_backtrace from show_stack+0x28/0x2c                                  a call per line)
//
// `readTrace` reads such a body from a start line until the first line that is none of
// these, and returns frames innermost-first (the order printed) with their context.

import type { FrameContext, ParsedFrame, StackFrame, Stop } from '../records.js';
import { armCallOfLine, frameOfLine, type ArmCall } from '../frames.js';
import { PPC_INTERRUPT_VECTORS } from '../../knowledge/exception-entries.js';
import { FrameTable } from '../frame-table.js';
import { readRegisterLineByHand } from '../register-line.js';
import type { LineTable } from '../../text/lines.js';
import { csdRunEnd, strayLine } from '../interleave.js';
import { keepShape } from '../../warm-shapes.js';

const NO_STRAYS: readonly number[] = Object.freeze([]);

/** Headers that begin a capture (a task, a CPU's backtrace, a report): never a stray line
 *  inside another trace. Callers add their own (task lines: task-dump.ts). */
const CAPTURE_HEADER =
  /^(?:task:|INFO: |NMI backtrace for cpu |CPU: {0,2}\d|PID: |BUG: |WARNING: |watchdog: |Sending NMI |Kernel panic|Workqueue: |Showing |sysrq|SysRq)/;

export function startsOwnCapture(t: string): boolean {
  return CAPTURE_HEADER.test(t);
}

/** A frame line, in any of the shapes the trace reader takes. */
const isFrameText = (table: FrameTable, t: string): boolean =>
  frameOfLine(table, t) !== undefined || armCallOfLine(table, t) !== undefined;

/** `Call Trace:` (x86, show_trace_log_lvl), `Call trace:` (arm64 dump_backtrace), `Backtrace:`. */
export const TRACE_HEADER = /^(?:Call [Tt]race:|Backtrace:|Call Trace: ?\[<)/;

// Stack section markers. x86 since 4.12 prints `<IRQ>`/`</IRQ>`, `<NMI>`/`</NMI>`,
// `<SOFTIRQ>`, and since 5.16 `<TASK>`/`</TASK>`; 3.x printed `<IRQ>`, `<EOI>` (end of
// IRQ stack) and `<<EOE>>` (end of exception/NMI stack) at the start of a frame line.
const MARKER = /^(<\/?(?:IRQ|NMI|TASK|SOFTIRQ|EOI)>|<<EOE>>) {0,4}/;

// x86 `__show_regs`: `RIP: 0010:fn+0x1/0x2`, 3.x/4.x `RIP: 0010:[<ffffffff8104f8e6>]  [<ffffffff8104f8e6>] fn+0x6/0x10`,
// user mode `RIP: 0033:0x7f8a1b2c3d4e`; 32-bit `EIP: 0060:[<c1045f3b>] EFLAGS: …` + `EIP is at fn+0x1/0x2`,
// and since 4.15 (show_ip, arch/x86/kernel/dumpstack.c) `EIP: fn+0x42/0x200` without the
// segment (`EIP: 0xb7fd0549` in user mode);
// arm64 `__show_regs`: `pc : fn+0x1/0x2`, 4.x `PC is at fn+0x1/0x2`.
const IP_LINE =
  /^(?:[RE]IP: (00[0-9a-f]{2}):(?:\[<[0-9a-f]{8,16}>\] {1,4})?(.{0,400})|pc : (?:\[<[0-9a-f]{8,16}>\] )?(.{1,400})|(?:PC|EIP) is at (.{1,400})|NIP \[[0-9a-f]{8,16}\] (.{1,400})|EIP: (0x[0-9a-f]{1,8}|[A-Za-z_.][\w.]{0,200}\+0x[0-9a-f]{1,8}\/0x[0-9a-f]{1,8}(?: \[[\w-]{1,64}\])?))$/;
const LR_LINE = /^(?:lr : (?:\[<[0-9a-f]{8,16}>\] )?|LR is at )(\S{1,200})/;

// Register lines of `__show_regs` (x86, arm64, ppc): `RSP: 0018:ffffc9…  EFLAGS: 00000246`,
// `RAX: … RBX: …`, `FS:  0000(0000) GS:…`, `CR2: …`, `x29: ffff… x28: …`, `sp : ffff…`, `pstate: 60400005 (nZCv …)`.
// OpenRISC's show_registers starts with `PC: c03aa6e0    SR: 00008a7f    SP: c15c9b9c`.
// 2.6 i386 show_registers: `EIP:    0060:[<c011a747>]    Not tainted VLI`, then its
// registers in lower case, `eax: cef0b8dc   ebx: …`, `esi: …`, `ds: 007b   es: 007b   ss: 0068`.
const REG_LINE =
  /^(?:R[A-Z0-9]{1,2}|E[A-Z]{1,5}|[CDEFGS]S|CR\d|DR\d|PKRU|ORIG_[A-Z]{2,3}|x\d{1,2}|sp|pstate|GPR\d\d|MSR|CTR|LR|XER|CFAR|DAR|DSISR|TRAP|SOFTE|IRQMASK|PC|e[a-d]x|e[sd]i|e[bs]p|[defgs]s) {0,3}: {0,4}[0-9a-f(]/;
const REG_PAIR = /\b([A-Za-z][A-Za-z0-9_]{0,7}) ?: {0,3}(?:[0-9a-f]{4}:)?([0-9a-f]{4,16})\b/g;

// Other lines inside a dump: `Code: 48 89 …`, `Stack:` + raw words (3.x x86 show_stack;
// m68k show_stack's `Stack from 0059bcc4:`, its frames then on `Call Trace: [<…>] fn`),
// `task: ffff… task.stack: ffff…` (4.x show_regs), arm `Exception stack(0x…)` and its
// words (`1dc0:        80ffa650 0000009c …`, the first row indented to its column), the
// registers the 32-bit ARM frame-pointer unwinder prints under a call (` r9:40000193
// r8:ffffffff …`), its call lines without symbols (`Function entered at [<…>] from
// [<…>]`), bare module addresses `? 0xffffffffc0370000`; powerpc's frames without a symbol
// (`[c00000000f4f7380] [c00000000f4f73c0] 0xc00000000f4f73c0 (unreliable)`), its register
// dump's `NIP:  … LR: …`, `REGS: … TRAP: 0900`, `LR [ … ] fn` / `LR = fn` lines and
// `Instruction dump:`; OpenRISC's `CPU #: 0` (show_registers, arch/openrisc/kernel/traps.c);
// the `Process find (pid: 58, stackpage=c156ef00)` line of the show_registers of
// OpenRISC, ARM (`stack limit = 0x…`), MIPS (`threadinfo=…`), m68k, sh and 2.6 x86-32
// (`ti=… task=…`).
const OTHER_BODY = [
  /^Code: /,
  /^Stack:$/,
  // 2.6 x86_64 show_stack put the first row of words on the `Stack:` line itself, and its
  // unwinder said so when it fell back to scanning: `Inexact backtrace:` under `Call Trace:`.
  /^Stack: {1,2}(?:[0-9a-f]{8,16}(?: {1,2}|$)){1,8}$/,
  /^Inexact backtrace:$/,
  /^Stack from [0-9a-f]{8}:$/,
  /^(?:[0-9a-f]{8,16}(?: |$)){2,8}$/,
  /^(?:\? )?0x[0-9a-f]{6,16}$/,
  /^task: [0-9a-f]{8,16} (?:ti|task\.stack|task\.ti): /,
  /^Exception stack\(/,
  /^[0-9a-f]{4}: {1,64}(?:[0-9a-f]{8}(?: |$)){1,8}/,
  /^r\d{1,2}:[0-9a-f]{8}(?: {1,2}r\d{1,2}:[0-9a-f]{8}){0,7}$/,
  /^Function entered at \[<[0-9a-f]{8,16}>\] from \[<[0-9a-f]{8,16}>\]$/,
  /^Instruction dump:/,
  /^\[[0-9a-f]{8,16}\] \[[0-9a-f]{8,16}\] 0x[0-9a-f]{1,16}(?: \(unreliable\))?$/,
  /^NIP: {1,2}[0-9a-f]{8,16} LR: [0-9a-f]{8,16}/,
  /^REGS: [0-9a-f]{8,16} TRAP: [0-9a-f]{4}/,
  /^LR (?:\[[0-9a-f]{8,16}\] |= )\S/,
  /^Register r\d{1,2} information:/,
  /^CPU #: \d{1,5}$/,
  /^Process .{1,64} \(pid: \d{1,10}[,)]/,
];

// powerpc: `--- interrupt: 900 at fn+0x8c/0xd0` where an interrupt's frames end and the
// interrupted ones begin (5.x+ also closes the register dump after it with `--- interrupt: 900`).
const PPC_INTERRUPT = /^--- interrupt: ([0-9a-f]{1,4})(?: at (\S{1,300}))?$/;

export function isIpLine(t: string): boolean {
  return IP_LINE.test(t);
}

export function isRegisterLine(t: string): boolean {
  return REG_LINE.test(t);
}

/** A line that can be part of a trace body. */
export function isTraceBodyLine(table: FrameTable, t: string): boolean {
  const c = t.charCodeAt(0);
  return (
    TRACE_HEADER.test(t) ||
    (c === 60 /* < */ && MARKER.test(t)) ||
    (c === 45 /* - */ && PPC_INTERRUPT.test(t)) ||
    frameOfLine(table, t) !== undefined ||
    armCallOfLine(table, t) !== undefined ||
    (mayBeIpLine(c) && IP_LINE.test(t)) ||
    (mayBeLrLine(c) && LR_LINE.test(t)) ||
    REG_LINE.test(t) ||
    isOtherBody(t)
  );
}

// First characters IP_LINE and LR_LINE can start with (`RIP`/`EIP`, `pc`, `PC`/`EIP is
// at`, `NIP`; `lr`, `LR is at`): most lines of a dump are turned away without a regex.
const mayBeIpLine = (c: number) =>
  c === 82 /* R */ || c === 69 /* E */ || c === 112 /* p */ || c === 80 /* P */ || c === 78; /* N */
const mayBeLrLine = (c: number) => c === 108 /* l */ || c === 76; /* L */

/** OTHER_BODY (each anchored at the start) as one pattern: the line that ends every trace
 *  is tried by one regex, not fifteen. */
const ANY_OTHER_BODY = new RegExp(`^(?:${OTHER_BODY.map((re) => `(?:${re.source.slice(1)})`).join('|')})`);

function isOtherBody(t: string): boolean {
  return ANY_OTHER_BODY.test(t);
}

/** Every `NAME: value` pair REG_PAIR finds in a register line, into `into` (names lower-cased). */
export function readRegisterPairs(t: string, into: Record<string, string>): void {
  REG_PAIR.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = REG_PAIR.exec(t))) into[m[1].toLowerCase()] = m[2].toLowerCase();
}

/**
 * x86 `__show_regs` lines of the common shape, `RSP: 0018:ffffc9000cbf7e50 EFLAGS: 00000246`
 * or `RAX: … RBX: … RCX: …`, read by hand: true, with the pairs readRegisterPairs would
 * read, when the whole line is of that shape; false, with nothing written, otherwise (the
 * pattern then reads it).
 */
export function readX86RegisterLine(t: string, into: Record<string, string>): boolean {
  return readRegisterLineByHand(t, into, X86_REGISTER_LINE);
}

const X86_REGISTER_LINE = { maxPairs: 8, segment: true, tabs: false };

export interface Trace {
  /** From the frame table (shared, frozen); their input lines are in `frameLines`. */
  frames: StackFrame[];
  frameLines: number[];
  registers: Record<string, string>;
  /** Index after the last body line read. */
  end: number;
  /** A `Call Trace:` header was seen. */
  sawHeader: boolean;
  /** Lines between `i` and `end` that are another context's (see ParseContext.strays). */
  strays: readonly number[];
  /** Each later IP block (where an interrupt stopped the code below it): see Stop. */
  stops: Stop[];
  /** The task a `Process find (pid: 58, …)` line of the register dump names (show_registers
   *  of 2.6 i386, ARM, MIPS, m68k, sh, OpenRISC), if the trace holds one. */
  process?: { pid: number; comm: string };
}

const PROCESS_LINE = /^Process (.{1,64}) \(pid: (\d{1,10})[,)]/;

/** Parse the RIP/pc line into its frame, or null (user-mode RIP, no symbol). */
export function ipFrame(
  table: FrameTable,
  t: string,
  line: number,
): { frame: ParsedFrame | null; user: boolean } | null {
  const m = mayBeIpLine(t.charCodeAt(0)) ? IP_LINE.exec(t) : null;
  if (!m) return null;
  // Segment 0033/0023/002b: the CPU was in user mode.
  const user = (m[1] !== undefined && /^00(?:33|23|2b)$/.test(m[1])) || m[6]?.startsWith('0x') === true;
  const sym = (m[2] ?? m[3] ?? m[4] ?? m[5] ?? m[6] ?? '').trim();
  const f = user ? undefined : frameOfLine(table, sym);
  // Field by field: spreads of the table's frame were a tenth of an NMI dump's parsing.
  return {
    frame: f
      ? {
          fn: f.fn,
          offset: f.offset,
          size: f.size,
          module: f.module,
          addr: f.addr,
          reliable: f.reliable,
          line,
          isIp: true,
          context: 'exception',
        }
      : null,
    user,
  };
}

/**
 * Read a trace body starting at `i` (a `Call Trace:` line, a RIP line, a frame, …).
 * Blank lines inside are allowed only when the next line continues the trace.
 */
export function readTrace(
  lines: LineTable,
  i: number,
  table: FrameTable,
  maxFrames = 512,
  startsCapture: (t: string) => boolean = startsOwnCapture,
): Trace {
  const out = new TraceFrames(table, maxFrames);
  const { frames, frameLines } = out;
  const registers: Record<string, string> = {};
  const stack: FrameContext[] = ['task'];
  let sawHeader = false;
  let ipCount = 0;
  let userRegs = false;
  let last = i - 1;
  let strays: number[] | null = null; // rare: made when the first is found
  const stops: Stop[] = [];
  let stop: Stop | null = null;
  let process: Trace['process'];
  for (let j = i; j < lines.length; j++) {
    let t = lines.trimmed(j);
    if (t === '') {
      // Editors add blank lines; continue only if the next non-blank line is a frame.
      let k = j + 1;
      while (k < lines.length && k - j < 3 && lines.blank(k)) k++;
      // OpenRISC's show_registers prints `\nStack: ` before the stack words and the trace.
      if (
        k < lines.length &&
        k - j < 3 &&
        (frameOfLine(table, lines.trimmed(k)) ||
          armCallOfLine(table, lines.trimmed(k)) ||
          MARKER.test(lines.trimmed(k)) ||
          lines.trimmed(k) === 'Stack:')
      )
        continue;
      break;
    }
    // Fast path: most body lines are frames, and a line that parses as a frame is none
    // of the other body kinds (markers start with `<`; headers, IP and register lines
    // have a `:` or a space where a frame has `+0x`), so it needs no other test.
    if (t.charCodeAt(0) !== 60 /* < */) {
      const f = frameOfLine(table, t);
      if (f) {
        last = j;
        // The task's own context is the default: left unset to keep documents small.
        const c = stack[stack.length - 1];
        out.push(c !== 'task' ? table.withContext(f, c) : f, lines.no(j));
        continue;
      }
      const call = armCallOfLine(table, t);
      if (call) {
        last = j;
        out.pushCall(call, lines.no(j));
        continue;
      }
    }
    // Every other kind is tested once: the IP, LR and register lines of a `__show_regs`
    // are most of the rest (a 512-CPU NMI dump prints a dozen per CPU).
    const c0 = t.charCodeAt(0);
    const header = (c0 === 67 /* C */ || c0 === 66) /* B */ && TRACE_HEADER.test(t);
    const marker = !header && t.charCodeAt(0) === 60 /* < */ && MARKER.test(t);
    if (header || marker) {
      last = j;
      if (header) {
        sawHeader = true;
        // 2.6 kernels print the first frame on the header line: `Call Trace: [<…>] fn`.
        t = t.replace(/^Call Trace: ?/, '');
        if (t === '' || /^Call trace:$|^Backtrace:$/.test(t)) continue;
      }
      let mk: RegExpExecArray | null;
      while ((mk = MARKER.exec(t))) {
        const tag = mk[1];
        if (tag === '<IRQ>' || tag === '<SOFTIRQ>') stack.push('irq');
        else if (tag === '<NMI>') stack.push('nmi');
        else if (tag === '<TASK>') stack.splice(1);
        else if (stack.length > 1) stack.pop();
        t = t.slice(mk[0].length);
      }
      // The rest of the line is read as a line of its own.
      if (t === '') continue;
    }
    const irq = !header && !marker && t.charCodeAt(0) === 45 /* - */ ? PPC_INTERRUPT.exec(t) : null;
    if (irq) {
      last = j;
      const at = irq[2] === undefined ? undefined : frameOfLine(table, irq[2]);
      if (at) out.interrupted(at, PPC_INTERRUPT_VECTORS.get(parseInt(irq[1], 16) & ~0xf), lines.no(j));
      continue;
    }
    const ip = ipFrame(table, t, lines.no(j));
    const lr = ip || !mayBeLrLine(t.charCodeAt(0)) ? null : LR_LINE.exec(t);
    const reg = !ip && !lr && REG_LINE.test(t);
    if (!header && !marker) {
      if (!ip && !lr && !reg && !(t.charCodeAt(0) === 60 && frameOfLine(table, t)) && !isOtherBody(t)) {
        // One line of another CPU's output between two frames (`unregister_netdevice:
        // waiting for lo …` in the middle of a hung task's trace): the trace goes on
        // after it. Only without printk caller ids — with them, a foreign line starts
        // output of its own that may run on interleaved, which a single skip would cut.
        // A line that starts a capture of its own (the next task's line printed right
        // before its frames) is a boundary, not a stray.
        if (lines.caller(i) === null && !startsCapture(t) && strayLine(lines, i, j, (s) => isFrameText(table, s))) {
          (strays ??= []).push(j);
          continue;
        }
        // Other CPUs' csd reports, several in a row, printed into this dump while it
        // prints (every waiter dumps at once): the trace goes on after them.
        const k = lines.caller(i) === null ? csdRunEnd(lines, j, (s) => isTraceBodyLine(table, s)) : -1;
        if (k > j) {
          for (let m = j; m < k; m++) (strays ??= []).push(m);
          j = k - 1;
          continue;
        }
        // The same between the trace's header and its first frames (a frame line the
        // sender's mail damaged, `__switch_to_0x104/0x1c8 (T)`): frames follow on the
        // next two lines, so the trace goes on.
        if (
          frames.length === 0 &&
          j > i &&
          TRACE_HEADER.test(lines.trimmed(j - 1)) &&
          lines.caller(i) === null &&
          !startsCapture(t) &&
          j + 2 < lines.length &&
          isFrameText(table, lines.trimmed(j + 1)) &&
          isFrameText(table, lines.trimmed(j + 2))
        ) {
          (strays ??= []).push(j);
          continue;
        }
        break;
      }
      last = j;
    }
    if (ip) {
      ipCount++;
      userRegs = ip.user;
      if (ip.frame) out.push(table.frame(ip.frame), lines.no(j));
      stop = null;
      if (ipCount > 1 && ip.frame && frames.length > 0 && frames[frames.length - 1].isIp) {
        stop = { frame: frames.length - 1, registers: {}, span: { line: lines.no(j), endLine: lines.no(j) } };
        stops.push(stop);
      }
      // Registers belong to the first (kernel) RIP block; `RIP: 0010:[<…>]` lines carry more.
      continue;
    }
    if (lr) {
      if (ipCount <= 1 && !userRegs) registers.lr = lr[1];
      continue;
    }
    if (reg) {
      if (ipCount <= 1 && !userRegs && !readX86RegisterLine(t, registers)) readRegisterPairs(t, registers);
      else if (stop && !readX86RegisterLine(t, stop.registers)) readRegisterPairs(t, stop.registers);
      if (stop) stop.span.endLine = lines.no(j);
      continue;
    }
    const f = frameOfLine(table, t);
    if (f) {
      const c = stack[stack.length - 1];
      out.push(c !== 'task' ? table.withContext(f, c) : f, lines.no(j));
    } else if (c0 === 80 /* P */ && process === undefined) {
      const p = PROCESS_LINE.exec(t);
      if (p) process = { pid: Number(p[2]), comm: p[1] };
    }
  }
  // The lines are kept with the task: an array of exactly their number (one grown by
  // push holds room for half as many again).
  // A stray after the last frame is no part of the trace.
  while (strays && strays.length && strays[strays.length - 1] > last) strays.pop();
  return {
    frames,
    frameLines: frameLines.slice(),
    registers,
    end: last + 1,
    sawHeader,
    strays: strays ?? NO_STRAYS,
    stops,
    ...(process ? { process } : {}),
  };
}

/**
 * A trace's frames as they are read, innermost first, with their lines.
 *
 * Traces without `<IRQ>` markers (arm64, 32-bit ARM) show an interrupt by its entry code
 * (knowledge/exception-entries.ts): the frames up to the entry — since the trace began or
 * the last entry — ran in the interrupt handler, and the next frame is where the interrupt
 * stopped the task (what x86's markers and RIP line say).
 *
 * 32-bit ARM prints a call per line (`fn from caller+off/size`): the first line's
 * function and every line's caller are the frames, since a line's function is the caller
 * of the line before — unless the unwinder crossed an interrupt, where it goes from the
 * entry to the stopped function.
 */
class TraceFrames {
  readonly frames: StackFrame[] = [];
  readonly frameLines: number[] = [];
  private handlerFrom = 0;
  private stopNext = false;
  /** The last ARM call line's caller. */
  private caller: StackFrame | null = null;

  constructor(
    private readonly table: FrameTable,
    private readonly maxFrames: number,
  ) {}

  push(f: StackFrame, line: number): void {
    this.caller = null;
    // A register dump's IP line repeats the stopped instruction already read from the
    // trace (powerpc's `NIP [...] fn` after `--- interrupt: … at fn`).
    const prev = this.frames[this.frames.length - 1];
    if (f.isIp && prev?.isIp && prev.fn === f.fn && prev.offset === f.offset) return;
    this.add(f, line);
  }

  /** An interrupt (`context`) or a fault in the task (undefined) stopped the task at `at`. */
  interrupted(at: StackFrame, context: 'irq' | 'nmi' | undefined, line: number): void {
    this.caller = null;
    if (context) this.markHandler(context);
    this.stopNext = false;
    this.add(stopped(this.table, at), line);
  }

  private markHandler(context: 'irq' | 'nmi'): void {
    for (let k = this.handlerFrom; k < this.frames.length; k++) {
      if (this.frames[k].context === undefined) this.frames[k] = this.table.withContext(this.frames[k], context);
    }
    this.handlerFrom = this.frames.length;
  }

  pushCall(call: ArmCall, line: number): void {
    if (this.caller === null || this.caller.fn !== call.callee.fn) this.add(call.callee, line);
    this.add(call.caller, line);
    this.caller = call.caller;
  }

  private add(f: StackFrame, line: number): void {
    if (this.stopNext && f.context === undefined) f = stopped(this.table, f);
    this.stopNext = false;
    if (this.frames.length < this.maxFrames) {
      this.frames.push(f);
      this.frameLines.push(line);
    }
    if (f.context === undefined && this.table.isExceptionEntry(f)) {
      this.markHandler('irq');
      this.stopNext = true;
    }
  }
}

// (An empty list kept so that its class outlives the runs: warm-shapes.ts.)
keepShape(new TraceFrames(new FrameTable(), 0));

/** The frame where an exception stopped the task, as an IP line gives it. */
function stopped(table: FrameTable, f: StackFrame): StackFrame {
  return table.frame({
    fn: f.fn,
    offset: f.offset,
    size: f.size,
    module: f.module,
    addr: f.addr,
    reliable: f.reliable,
    isIp: true,
    context: 'exception',
  });
}
