// crash `bt` output (also `bt -f`, `bt -a`, `bt -c N`, `bt PID`, `foreach bt`):
//
//   PID: 12263  TASK: ffff8803bbebdee0  CPU: 2   COMMAND: "kworker/u8:0"
//    #0 [ffff88043fd03cf8] machine_kexec at ffffffff8105c4cb
//   [ffffa7a8e96bbac0] __schedule at ffffffffb0719898     (frame numbers cut by the sender)
//   --- <IRQ stack> ---
//    #9 [ffff88000399b738] apic_timer_interrupt at ffffffff816b5c1d
//       [exception RIP: smp_call_function_many+514]
//       RIP: ffffffff810f99a2  RSP: ffff88000399b7e8  RFLAGS: 00000202
//       RAX: 0000000000000003  RBX: 00000000000000fc  RCX: ffff88043fd9adb8
//       ffff8f4957fbfa38: 000000000001ab80 0000000000000086      (bt -f words)
//
// Copy-paste damage tolerated: blank lines between every line (blog editors), `....`
// where the author cut frames, `bt: page excluded …` warnings, annotations after values
// (stripped in text/lines). Output without a header (`crash> bt -f` of the current task,
// or a header the author cut) belongs to the crash session's current task.

import type { Span } from '../../contract.js';
import type { FrameContext, ParsedFrame, StackFrame, StackWord, TaskRecord, TaskRef } from '../records.js';
import { crashBtFrame, crashBtFrameWithoutColumns, frameFromCrashBt, frameFromSymbolOffset } from '../frames.js';
import type { FormatParser, ParseContext } from '../parser.js';
import { PROC_STACK_CMD } from '../shell/index.js';
import { PAGE_FAULT_ENTRY_FRAMES, STACK_TOP_FRAMES } from '../../knowledge/stack-ends.js';
import type { LineTable } from '../../text/lines.js';
import { sameStackBlock, skipBlank, span } from '../parser.js';
import {
  BT_HEADER,
  CRASH_STATE,
  EXCEPTION_RIP,
  STACK_MARKER,
  isRegisterLine,
  isWordLine,
  readRegisterLine,
  readRegisters,
  readWords,
} from './common.js';

const ELLIPSIS = /^\.{2,}$/;
// `bt -l`: each frame's source file and line on the line after it (`/usr/src/debug/…/core.c: 3878`).
const SOURCE_LINE = /^\.{0,2}\/[\w./+-]{1,400}\.[chSs]: \d{1,7}$/;
const BT_MESSAGE = /^bt: /;
const ORIG_RAX = /^ORIG_RAX: /;
const FIRST_FRAME = /^#0 /;

function markerContext(label: string): FrameContext {
  return /NMI/i.test(label) ? 'nmi' : 'irq';
}

/**
 * What the current crash command says for bt output: is it a `bt` (header-less output
 * after it is a bt body), and the state a `foreach STATE bt` lists. Asked for every line
 * while a crash session is read: worked out once per command, kept in the parse context.
 */
function commandFacts(ctx: ParseContext): NonNullable<ParseContext['crash']['commandFacts']> {
  const c = ctx.crash;
  if (!c.commandFacts || c.commandFacts.command !== c.command) {
    const cmd = c.command;
    const filter = /^foreach\b(.*)\bbt\b/.exec(cmd ?? '');
    c.commandFacts = {
      command: cmd,
      isBt: cmd !== null && /^(?:bt|foreach\b.*\bbt)\b/.test(cmd),
      foreachState: filter
        ? filter[1]
            .split(/\s+/)
            .map((x) => CRASH_STATE[x])
            .find((x) => x)
        : undefined,
    };
  }
  return c.commandFacts;
}

/**
 * The pid of a `cat /proc/PID/stack` typed just above this line, after the last crash
 * command: people paste crash's `bt` of a task under that command (its frames in crash's
 * shape, ` #0 [ffffbbd86271fd58] __schedule at ffffffff9c46f786`), naming the task by it.
 */
function procStackPid(ctx: ParseContext, lineNo: number): number | null {
  const cmd = ctx.shell.command;
  if (!cmd || ctx.shell.commandLine < ctx.crash.commandLine) return null;
  if (lineNo - ctx.shell.commandLine > (ctx.shell.reach ?? 4)) return null;
  const m = PROC_STACK_CMD.exec(cmd);
  return m && m[2] !== '*' ? Number(m[2] ?? m[1]) : null;
}

export const crashBtParser: FormatParser = {
  name: 'crash_bt',
  // A header (`PID:`), or header-less output after `bt`: a frame (`#N`), an exception
  // RIP (`[exception RIP:`), an ellipsis.
  startChars: 'P#[.e-0123456789',
  starts(line, ctx) {
    const t = line.trimmed;
    if (BT_HEADER.test(t)) return true;
    if (procStackPid(ctx, line.no) !== null && frameFromCrashBt(ctx.frames, t, 0) !== undefined) return true;
    // Header-less output right after a `bt` command.
    if (commandFacts(ctx).isBt)
      return frameFromCrashBt(ctx.frames, t, 0) !== undefined || EXCEPTION_RIP.test(t) || ELLIPSIS.test(t);
    // With no crash command at all, once the panic's `CPU: N PID: N Comm:` line named
    // crash's default task: a whole `bt` (from frame #0) pasted under the panic message
    // without its prompt and header is that task's. Frames cut from the middle of some
    // other task's bt (`#5 …` on) are not.
    // So is a bt the author trimmed to its symbols (`#N [sp]` cut, `exception RIP: fn+91`
    // without brackets, sections as `[IRQ stack]`) that begins with its exception RIP or
    // a section marker: crash output, unmistakably, and again no other task's.
    return (
      ctx.crash.command === null &&
      ctx.crash.currentTask !== null &&
      ((FIRST_FRAME.test(t) && frameFromCrashBt(ctx.frames, t, 0) !== undefined) ||
        EXCEPTION_RIP.test(t) ||
        STACK_MARKER.test(t))
    );
  },
  parse(lines, i, ctx) {
    const first = lines.trimmed(i);
    const header = BT_HEADER.exec(first);
    let j = i;
    const rec: TaskRecord = {
      pid: null,
      comm: null,
      state: null,
      cpu: null,
      taskAddr: null,
      frames: [],
      span: { line: lines.no(i), endLine: lines.endNo(i) },
      format: 'crash_bt',
      onCpu: false,
    };
    if (header) {
      rec.pid = Number(header[1]);
      rec.taskAddr = header[2].toLowerCase();
      rec.cpu = Number(header[3]);
      rec.comm = header[4];
      j++;
    } else {
      // Header-less: `bt PID` names the task; else the first frame's stack address may
      // lie in a stack already attributed; else crash's current (panic) task.
      const byCmd = /^bt(?: -\w+)* (\d{1,9})$/.exec(ctx.crash.command ?? '');
      const fr =
        frameFromCrashBt(ctx.frames, first, 0) ??
        (i + 1 < lines.length ? frameFromCrashBt(ctx.frames, lines.trimmed(skipBlank(lines, i + 1)), 0) : undefined);
      const byStack = fr ? ownerOfStackAddr(ctx, fr.sp) : null;
      const byProc = procStackPid(ctx, lines.no(i));
      if (byProc !== null) ctx.shell.command = null;
      const cur =
        byStack ??
        (byProc !== null
          ? { pid: byProc, comm: null, taskAddr: null }
          : byCmd
            ? { pid: Number(byCmd[1]), comm: null, taskAddr: null }
            : ctx.crash.currentTask);
      if (!cur) return null;
      rec.pid = cur.pid;
      rec.comm = cur.comm;
      rec.taskAddr = cur.taskAddr;
      rec.cpu = byStack || byProc !== null || byCmd ? null : ctx.crash.currentCpu;
    }
    // Frames straight from the frame table (crash's frame lines) or, for an exception
    // RIP, as parsed; their lines beside them, and each frame's stack pointer.
    const frames: (StackFrame | ParsedFrame)[] = [];
    const frameLines: number[] = [];
    const sps: string[] = [];
    const spOut = { sp: '' };
    const words: StackWord[] = [];
    const registers: Record<string, string> = {};
    let lastBody = j - 1;
    let exIdx = -1; // index in frames of the last exception frame
    let mkIdx = -1; // index in frames where the last stack marker was seen
    let endIdx = -1; // index in frames where an `[End of … stack]` marker was seen
    let handler: FrameContext = 'irq';
    // The last exception frame's registers (before a later block, the syscall's user
    // registers, overwrites them) and the line of its RIP through its last register line.
    let exRegs: Record<string, string> | null = null;
    let exSpan: Span | null = null;
    for (; j < lines.length; j++) {
      const t = lines.trimmed(j);
      if (t === '') continue;
      // Frame lines are most of the output: parse once, test the other body kinds after.
      spOut.sp = '';
      const c0 = t.charCodeAt(0);
      const fr =
        c0 === 35 /* # */ || c0 === 91 /* [ */
          ? crashBtFrame(ctx.frames, t, spOut)
          : crashBtFrameWithoutColumns(ctx.frames, t);
      if (fr) {
        if (exIdx >= 0 && exRegs === null && exSpan) {
          exRegs = { ...registers };
          exSpan = { line: exSpan.line, endLine: lines.no(lastBody) };
        }
        lastBody = j;
        // crash repeats the exception RIP's function as the next frame: keep one. (An
        // exception frame is the parsed one, not the table's: it may be changed.)
        const prev = frames[frames.length - 1];
        if (prev && prev.isIp && prev.fn === fr.fn) {
          (prev as ParsedFrame).addr = fr.addr;
          continue;
        }
        frames.push(fr);
        frameLines.push(lines.no(j));
        sps.push(spOut.sp);
        continue;
      }
      // The next task's header ends this one (no body test takes it: its COMMAND: "…" is
      // no register value), without running them all on it.
      if ((c0 === 80 /* P */ || (c0 >= 48 && c0 <= 57)) && BT_HEADER.test(t)) break;
      // Register lines by hand first (they start with a capital, so no exception RIP or
      // stack marker is one); then the other body kinds, each tested once.
      if (readRegisterLine(t, registers)) {
        lastBody = j;
        continue;
      }
      const ex = EXCEPTION_RIP.exec(t);
      if (ex) {
        lastBody = j;
        const f = frameFromSymbolOffset((ex[1] ?? ex[2]).trim(), lines.no(j));
        if (f) {
          exIdx = frames.length;
          frames.push({ ...f, isIp: true });
          frameLines.push(f.line);
          sps.push('');
          exRegs = null;
          exSpan = { line: lines.no(j), endLine: lines.no(j) };
        }
        // Registers that follow belong to this (the innermost printed) exception frame.
        for (const k of Object.keys(registers)) delete registers[k];
        continue;
      }
      const mk = STACK_MARKER.exec(t);
      if (mk) {
        lastBody = j;
        const label = mk[1] ?? mk[2];
        // `[End of IRQ stack]` closes the section: the frames before it ran in the handler
        // (a trimmed bt may put its exception RIP first, above them).
        if (label.startsWith('End of ')) endIdx = frames.length;
        else {
          mkIdx = frames.length;
          handler = markerContext(label);
        }
        continue;
      }
      if (isRegisterLine(t) || ORIG_RAX.test(t)) {
        lastBody = j;
        readRegisters(t, registers);
        continue;
      }
      if (isWordLine(t)) {
        lastBody = j;
        words.push(...readWords(t, lines.no(j)));
        continue;
      }
      if (ELLIPSIS.test(t) || BT_MESSAGE.test(t) || SOURCE_LINE.test(t)) {
        lastBody = j;
        continue;
      }
      // A sender's note between two frames (`<---- T+1: pid 13279 down_write(…); blocks
      // due to` / `pid 13275`): one or two lines of anything, then the next frame by number.
      const gap = noteBeforeNextFrame(lines, j, frameLines.length ? frameNo(lines, frameLines, j) : -1);
      if (gap > 0) {
        j += gap - 1;
        continue;
      }
      break;
    }
    if (frames.length === 0 && words.length === 0 && Object.keys(registers).length === 0 && !header) return null;
    // Frames printed before the interrupted point (the exception frame, else the last
    // stack marker) ran in the interrupt/NMI handler on top of the task.
    const cut = endIdx >= 0 ? endIdx : exIdx >= 0 ? exIdx : mkIdx;
    if (sleptInKernelFault(frames, exIdx, mkIdx, endIdx)) {
      // The fault path ran on the task's own stack and slept there: the task waits in
      // that sleep, its frames are all its own, and the faulting copy is a caller like
      // any other, not where the CPU stopped.
      delete (frames[exIdx] as ParsedFrame).isIp;
      // The faulting code's registers: what it was working with (a lock it held).
      if (exSpan) rec.stops = [{ frame: exIdx, registers: exRegs ?? { ...registers }, span: exSpan }];
    } else {
      for (let k = 0; k < frames.length; k++) {
        const c = k === exIdx ? 'exception' : k < cut ? handler : 'task';
        // The task's own context is the default: left unset to keep documents small.
        if (c !== 'task') frames[k] = ctx.frames.withContext(ctx.frames.frame(frames[k]), c);
      }
    }
    // Kernel stack addresses of the task context tell which memory words are this task's.
    if (rec.pid !== null || rec.taskAddr) {
      const ref = { pid: rec.pid, comm: rec.comm, taskAddr: rec.taskAddr };
      let lastSp: string | null = null;
      for (let k = 0; k < frames.length; k++) {
        const f = frames[k];
        if (f.context !== undefined || !sps[k]) continue;
        // A task's frames mostly share one block: one fact per run of frames in a block is
        // enough to attribute memory words to the task.
        if (lastSp !== null && sameStackBlock(lastSp, sps[k])) continue;
        lastSp = sps[k];
        ctx.stackBlocks.note(sps[k], ref, { line: frameLines[k], endLine: frameLines[k] });
      }
    }
    // `foreach UN bt` lists only tasks in that state: the command states it.
    if (header) {
      const st = commandFacts(ctx).foreachState;
      if (st) rec.state = st;
    }
    rec.frames = frames as StackFrame[];
    // Kept with the task: exactly as many as there are (pushing left room for half as many again).
    rec.frameLines = frameLines.slice();
    if (words.length) rec.stackWords = words;
    if (Object.keys(registers).length) rec.registers = { ...registers };
    rec.span = span(lines, i, lastBody + 1);
    // A task printed by bt is the one on its CPU only for `bt -a`/the panic task; crash
    // prints "CPU: N" for sleeping tasks too (their last CPU). Decided in the model.
    ctx.records.addTask(rec);
    // (The header's task address needs no address fact: the record itself ties the
    // address to the pid, and the model's address → pid index reads the records last.)
    if (header) {
      if (!ctx.crash.currentTask) {
        ctx.crash.currentTask = { pid: rec.pid, comm: rec.comm, taskAddr: rec.taskAddr };
        ctx.crash.currentCpu = rec.cpu;
      }
    }
    return lastBody + 1;
  },
};

const FRAME_NO = /^#(\d{1,4}) /;

/**
 * A page fault the kernel took on its own access (a user copy faulting: talpa's
 * copy_from_user in a file-open hook) runs the fault handler on the task's stack, in the
 * task's context, and the handler may sleep (down_read of the mm's mmap_lock). crash
 * prints it as a sleep above the fault entry and its exception frame:
 *
 *    #0 [ffff8801109257d0] schedule at ffffffff815293c0
 *    #3 [ffff880110925938] call_rwsem_down_read_failed at ffffffff8128f4d4
 *    #4 [ffff8801109259a0] __do_page_fault at ffffffff8104a92e
 *    #6 [ffff880110925af0] page_fault at ffffffff8152c315
 *       [exception RIP: copy_user_enhanced_fast_string+6]
 *
 * True when the frame above the (only) exception frame is a page-fault entry, no IRQ/NMI
 * stack marker splits the trace, and the trace starts in the scheduler.
 */
function sleptInKernelFault(
  frames: readonly (StackFrame | ParsedFrame)[],
  exIdx: number,
  mkIdx: number,
  endIdx: number,
): boolean {
  if (exIdx < 1 || mkIdx >= 0 || endIdx >= 0) return false;
  return PAGE_FAULT_ENTRY_FRAMES.test(frames[exIdx - 1].fn) && STACK_TOP_FRAMES.test(frames[0].fn);
}

/** The number of the last frame read (`#2 [ffff…]` → 2), -1 when it has none. `frameLines`
 *  holds line numbers; the last one is at or before index `j`. */
function frameNo(lines: LineTable, frameLines: number[], j: number): number {
  const want = frameLines[frameLines.length - 1];
  for (let k = j - 1; k >= 0 && k >= j - 4; k--) {
    if (lines.no(k) !== want) continue;
    const m = FRAME_NO.exec(lines.trimmed(k));
    return m ? Number(m[1]) : -1;
  }
  return -1;
}

/** How many lines from `j` are a note the sender wrote into a bt (1 or 2), when the line
 *  after them is the frame numbered `last + 1`; 0 when they are not. */
function noteBeforeNextFrame(lines: LineTable, j: number, last: number): number {
  if (last < 0) return 0;
  for (let k = 1; k <= 2 && j + k < lines.length; k++) {
    const m = FRAME_NO.exec(lines.trimmed(j + k));
    if (m) return Number(m[1]) === last + 1 ? k : 0;
  }
  return 0;
}

/** The task whose kernel stack (16 KiB aligned block) holds `sp`, from earlier output. */
function ownerOfStackAddr(ctx: ParseContext, sp: string): TaskRef | null {
  return ctx.stackBlocks.ownerOf(sp);
}

export type { ParseContext };
