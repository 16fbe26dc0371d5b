// What people capture from a live shell: the commands they typed, `cat /proc/PID/stack`,
// `ps aux` / `ps -eo …` tables, and stacks pasted with no header at all.

import { callerCpuOf, callerTaskOf } from '../caller-ids.js';
import type { Span, TaskState } from '../../contract.js';
import type { FrameTable } from '../frame-table.js';
import type { ParsedFrame } from '../records.js';
import { frameFromDecimalLine, isStackTerminator, parseFrameLine } from '../frames.js';
import type { FormatParser, ParseContext } from '../parser.js';
import { span } from '../parser.js';
import type { LineTable } from '../../text/lines.js';
import { parseWorkqueueLine } from '../dmesg/task-dump.js';
import { TRACE_HEADER } from '../dmesg/call-trace.js';
import { collectHeaderParser, collectNoteParser, readProcFileHeader } from './collect.js';

// Tested on every line a segment may start at: made once, not per call.
// (`$sudo cat /proc/12566/stack`: a blog's prompt glued to the command.)
const PROMPT_SHAPE = /^(?:\[[^\]]+\][#$]|[\w.-]+@|[#$] |[#$](?=(?:sudo|cat|ps|echo) ))/;
const COMMENT_FIELD = /^# {0,2}\w{1,20}:/;
const PID_WORD = /\bPID\b/;
const STAT_WORD = /\b(?:STAT|S)\b/;
const TASK_WORD = /\bTASK\b/;

// `[root@localhost ~]# cat /proc/31969/stack`, `$ sudo cat /proc/1/stack`, `# ps aux`,
// or a bare command line people paste above the output (`cat/proc/1458/stack`).
const PROMPTED = /^(?:\[[^\]]{1,80}\][#$]|[\w.-]{1,40}@[\w.-]{1,64}:[^\s]{0,100}[#$]|[#$>]) ?(.{1,1000})$/;
const BARE_COMMAND =
  /^(?:sudo )?(?:cat ?\/proc\/\d{1,9}\/(?:task\/(?:\d{1,9}|\*)\/)?stack|ps (?:aux|-e|-ef|-eo|ax|-eLo)\b.{0,500}|echo [a-z] > \/proc\/sysrq-trigger|uname -r)$/;

export const shellCommandParser: FormatParser = {
  name: 'shell_command',
  starts(line) {
    const t = line.trimmed;
    return (PROMPTED.test(t) && PROMPT_SHAPE.test(t) && !COMMENT_FIELD.test(t)) || BARE_COMMAND.test(t);
  },
  parse(lines, i, ctx) {
    const t = lines.trimmed(i);
    const m = PROMPTED.exec(t);
    const cmd = (m && !BARE_COMMAND.test(t) ? m[1] : t).trim();
    // A markdown heading (`# Title`) is not a command: require something command-like.
    if (/^#\s/.test(t) && !/^(?:sudo |cat |ps |echo |dmesg|journalctl|uname|grep |crash|systemctl )/.test(cmd))
      return null;
    ctx.shell.command = cmd;
    ctx.shell.commandLine = lines.no(i);
    ctx.shell.reach = undefined;
    return i + 1;
  },
};

// `/proc/PID/stack`, a thread's `/proc/PID/task/TID/stack`, or every thread's at once,
// `/proc/PID/task/*/stack`: cat prints their stacks one after another, each ending in the
// `[<ffffffffffffffff>] 0xffffffffffffffff` line of kernels before 4.x, with no header.
export const PROC_STACK_CMD = /\/proc\/(\d{1,9})\/(?:task\/(\d{1,9}|\*)\/)?stack\b/;

function readFrames(lines: ParseArgs[0], i: number, table: FrameTable): { frames: ParsedFrame[]; end: number } {
  const frames: ParsedFrame[] = [];
  let j = i;
  let last = i - 1;
  for (; j < lines.length; j++) {
    const t = lines.trimmed(j);
    if (t === '') {
      if (j - last > 1) break;
      continue;
    }
    if (isStackTerminator(t)) {
      last = j;
      continue;
    }
    const f = parseFrameLine(table, t, lines.no(j)) ?? frameFromDecimalLine(t, lines.no(j));
    if (!f) break;
    frames.push(f);
    last = j;
  }
  return { frames, end: last + 1 };
}
type ParseArgs = Parameters<FormatParser['parse']>;

/** Stacks printed one after another, each closed by its end line (`0xffffffffffffffff`):
 *  each stack's frames and lines. Stops at the first line that is neither. */
function readThreadStacks(
  lines: ParseArgs[0],
  i: number,
  table: FrameTable,
): { frames: ParsedFrame[]; from: number; end: number }[] {
  const out: { frames: ParsedFrame[]; from: number; end: number }[] = [];
  let frames: ParsedFrame[] = [];
  let from = i;
  for (let j = i; j < lines.length; j++) {
    const t = lines.trimmed(j);
    if (isStackTerminator(t)) {
      if (frames.length) out.push({ frames, from, end: j + 1 });
      frames = [];
      from = j + 1;
      continue;
    }
    const f = parseFrameLine(table, t, lines.no(j));
    if (!f) break;
    frames.push(f);
  }
  return out;
}

// A stack read from /proc (`cat /proc/PID/stack` in any of its capture shapes): the
// file names only the pid (the thread's tgid when read under /proc/TGID/task/), no
// comm or state.
function addProcStackTask(
  ctx: ParseContext,
  t: {
    pid: number | null;
    tgid?: number;
    frames: ParsedFrame[];
    span: Span;
    evidence?: Span[];
  },
): void {
  ctx.records.addTask({
    pid: t.pid,
    ...(t.tgid !== undefined ? { tgid: t.tgid } : {}),
    comm: null,
    state: null,
    cpu: null,
    taskAddr: null,
    frames: t.frames,
    span: t.span,
    ...(t.evidence ? { evidence: t.evidence } : {}),
    format: 'proc_stack',
  });
}

// `cat /proc/PID/stack` output: `[<addr>] fn+off/len [mod]` or, since 4.x hides
// addresses from non-root readers and newer kernels print none, `fn+off/len`.
export const procStackParser: FormatParser = {
  name: 'proc_stack',
  starts(line, ctx) {
    return (
      ctx.shell.command !== null &&
      PROC_STACK_CMD.test(ctx.shell.command) &&
      line.no - ctx.shell.commandLine <= (ctx.shell.reach ?? 4) &&
      parseFrameLine(ctx.frames, line.trimmed, line.no) !== undefined
    );
  },
  parse(lines, i, ctx) {
    const m = PROC_STACK_CMD.exec(ctx.shell.command ?? '');
    if (!m) return null;
    const evidence = [{ line: ctx.shell.commandLine, endLine: ctx.shell.commandLine }];
    if (m[2] === '*') {
      // Each thread's stack up to its end line: a thread of that process, its tid unsaid.
      const stacks = readThreadStacks(lines, i, ctx.frames);
      if (stacks.length === 0) return null;
      for (const st of stacks)
        addProcStackTask(ctx, {
          pid: null,
          tgid: Number(m[1]),
          frames: st.frames,
          span: span(lines, st.from, st.end),
          evidence,
        });
      ctx.shell.command = null;
      return stacks[stacks.length - 1].end;
    }
    const { frames, end } = readFrames(lines, i, ctx.frames);
    if (frames.length === 0) return null;
    addProcStackTask(ctx, {
      pid: Number(m[2] ?? m[1]),
      // A thread's stack (`task/TID`) is of a thread of process PID.
      ...(m[2] ? { tgid: Number(m[1]) } : {}),
      frames,
      span: span(lines, i, end),
      evidence,
    });
    ctx.shell.command = null;
    return end;
  },
};

// `tail -n +1 /proc/PID/{comm,stack}` (or `head`) names each file before its contents:
//   ==> /proc/517/comm <==
//   jbd2/dm-0-8
//   ==> /proc/517/stack <==
//   [<0>] io_schedule+0x12/0x40
// A stack's header stands for its `cat` command (procStackParser reads the frames); a
// comm file's one line names the task.
const PROC_FILE_HEADER = /^==> \/proc\/(\d{1,9})\/(?:task\/(\d{1,9})\/)?(stack|comm|wchan|status) <==$/;

export const procFileHeaderParser: FormatParser = {
  name: 'proc_file_header',
  startChars: '=',
  starts: (line) => PROC_FILE_HEADER.test(line.trimmed),
  parse(lines, i, ctx) {
    const m = PROC_FILE_HEADER.exec(lines.trimmed(i))!;
    return readProcFileHeader(lines, i, ctx, Number(m[2] ?? m[1]), m[3]);
  },
};

// A shell loop that prints each task's files under a label of its own:
//   for p in $(pgrep df); do echo "pid: $p"; cat /proc/$p/syscall /proc/$p/stack; done
//   pid: 9505
//   syscall: 4 0x56550a2ec470 0x7ffede42e9a0 …
//   [<0>] open_shroot+0x43/0x200 [cifs]
// The label stands for the `cat` of that pid's stack: procStackParser reads the frames
// when they follow within its reach (the syscall line, wrapped by a mail client, between).
const PID_LABEL = /^(?:pid|PID|Pid) ?[:=#]? ?(\d{1,9})$/;

export const procPidLabelParser: FormatParser = {
  name: 'proc_pid_label',
  startChars: 'pP',
  starts: (line) => PID_LABEL.test(line.trimmed),
  parse(lines, i, ctx) {
    const pid = PID_LABEL.exec(lines.trimmed(i))![1];
    ctx.shell.command = `cat /proc/${pid}/stack`;
    ctx.shell.commandLine = lines.no(i);
    // The syscall line (two when wrapped) may come between, and a web copy doubles it.
    ctx.shell.reach = 8;
    return i + 1;
  },
};

// `grep . /proc/*/stack` (or `grep -H`) puts the file before every line:
//   /proc/517/stack:[<0>] io_schedule+0x12/0x40
const PROC_STACK_PREFIXED = /^\/proc\/(\d{1,9})\/(?:task\/(\d{1,9})\/)?stack:(.{1,1000})$/;

export const procStackPrefixedParser: FormatParser = {
  name: 'proc_stack',
  startChars: '/',
  starts: (line, ctx) => {
    const m = PROC_STACK_PREFIXED.exec(line.trimmed);
    return m !== null && parseFrameLine(ctx.frames, m[3].trim(), line.no) !== undefined;
  },
  parse(lines, i, ctx) {
    let j = i;
    while (j < lines.length) {
      const m = PROC_STACK_PREFIXED.exec(lines.trimmed(j));
      if (!m) break;
      // One task's lines: the same file, consecutive.
      const path = m[0].slice(0, m[0].length - m[3].length);
      const start = j;
      const frames: ParsedFrame[] = [];
      for (; j < lines.length; j++) {
        const t = lines.trimmed(j);
        if (!t.startsWith(path)) break;
        const rest = t.slice(path.length).trim();
        if (isStackTerminator(rest)) continue;
        const f = parseFrameLine(ctx.frames, rest, lines.no(j));
        if (!f) break;
        frames.push(f);
      }
      if (j === start) break;
      addProcStackTask(ctx, { pid: Number(m[2] ?? m[1]), frames, span: span(lines, start, j) });
    }
    return j > i ? j : null;
  },
};

// A loop that prints each pid before its stack, on the stack's first line
// (`for p in …; do echo -n "$p "; cat /proc/$p/stack; done`):
//   20761 [<ffffffffa0305fdd>] xlog_grant_head_wait+0xdd/0x1a0 [xfs]
//   [<ffffffffa0306166>] xlog_grant_head_check+0xc6/0xe0 [xfs]
// The pid names the task; its frames follow up to the stack's end line.
const PID_GLUED_FRAME = /^(\d{1,9}) (\[<[0-9a-fA-F]{1,16}>\] .{1,1000})$/;

export const procPidGluedStackParser: FormatParser = {
  name: 'proc_stack',
  startChars: '0123456789',
  starts: (line, ctx) => {
    const m = PID_GLUED_FRAME.exec(line.trimmed);
    return m !== null && parseFrameLine(ctx.frames, m[2], line.no) !== undefined;
  },
  parse(lines, i, ctx) {
    const m = PID_GLUED_FRAME.exec(lines.trimmed(i));
    if (!m) return null;
    const head = parseFrameLine(ctx.frames, m[2], lines.no(i));
    if (!head) return null;
    const { frames, end } = readFrames(lines, i + 1, ctx.frames);
    addProcStackTask(ctx, { pid: Number(m[1]), frames: [head, ...frames], span: span(lines, i, Math.max(end, i + 1)) });
    return Math.max(end, i + 1);
  },
};

// `/proc/PID/status`: `Name:\tpostgres`, `State:\tD (disk sleep)`, `Tgid:`, `Pid:`, `PPid:` …
const STATUS_NAME = /^Name:\s{1,8}(\S.{0,63})$/;
const STATUS_FIELD = /^(State|Tgid|Pid|PPid):\s{1,8}(\S{1,40})/;

export const procStatusParser: FormatParser = {
  name: 'proc_status',
  startChars: 'N',
  starts: (line) => STATUS_NAME.test(line.trimmed),
  parse(lines, i, ctx) {
    const comm = STATUS_NAME.exec(lines.trimmed(i))![1];
    const fields: Record<string, string> = {};
    let j = i + 1;
    // The fields that matter come within the first ten lines (Umask, State, Tgid, Ngid, Pid, PPid).
    for (; j < lines.length && j <= i + 10; j++) {
      const t = lines.trimmed(j);
      const m = STATUS_FIELD.exec(t);
      if (m) fields[m[1]] = m[2];
      else if (!/^[A-Z][\w_]{1,30}:/.test(t)) break;
    }
    if (!fields.Pid || !/^\d{1,9}$/.test(fields.Pid)) return null;
    ctx.records.addTask({
      pid: Number(fields.Pid),
      comm,
      state: fields.State ? stateLetter(fields.State) : null,
      cpu: null,
      taskAddr: null,
      tgid: fields.Tgid && /^\d{1,9}$/.test(fields.Tgid) ? Number(fields.Tgid) : null,
      ppid: fields.PPid && /^\d{1,9}$/.test(fields.PPid) ? Number(fields.PPid) : null,
      frames: [],
      span: span(lines, i, j),
      format: 'proc_status',
    });
    // The rest of the file (memory and signal fields) is read as part of it.
    while (j < lines.length && /^[A-Za-z][\w_]{1,30}:/.test(lines.trimmed(j))) j++;
    return j;
  },
};

/** The work a stack's worker ran, when a sender kept print_worker_info's line and cut the
 *  task line above it: `Workqueue: events mei_cl_bus_rescan_work [mei]`, then `Call Trace:`,
 *  then the frames at `i`. */
function workqueueAbove(lines: LineTable, i: number): { wq: string; fn: string } | null {
  let j = i - 1;
  if (j >= 0 && TRACE_HEADER.test(lines.trimmed(j))) j--;
  return j >= 0 ? parseWorkqueueLine(lines.trimmed(j)) : null;
}

// A stack pasted with no header: kept as a task of unknown pid so its waits still count.
// Its frames may be in any trace syntax, or bpftrace's `fn+NNN` (decimal offsets).
export const orphanStackParser: FormatParser = {
  name: 'stack',
  starts: (line, ctx) =>
    parseFrameLine(ctx.frames, line.trimmed, line.no) !== undefined ||
    frameFromDecimalLine(line.trimmed, line.no) !== undefined,
  parse(lines, i, ctx) {
    const { frames, end } = readFrames(lines, i, ctx.frames);
    // One frame alone in prose is more likely a quote than a capture.
    if (frames.length < 2) return null;
    // Its lines' printk caller id (`[T18021]`, `[C3]`) says whose it is.
    const pid = callerTaskOf(lines, i, end);
    const cpu = pid === null ? callerCpuOf(lines, i, end) : null;
    const workqueue = workqueueAbove(lines, i);
    ctx.records.addTask({
      pid,
      comm: null,
      state: null,
      cpu,
      taskAddr: null,
      frames,
      workqueue,
      span: span(lines, i, end),
      format: 'stack',
    });
    return end;
  },
};

// ps aux:  USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND (the COMMAND may have
// gone to the next line: a client wrapped the row, a web copy dropped the space it kept)
const PS_AUX_ROW =
  /^([\w.\-+]{1,32}) {1,12}(\d{1,9}) {1,6}\d{1,4}\.\d {1,6}\d{1,3}\.\d {1,12}\d{1,12} {1,12}\d{1,12} {1,8}(\S{1,16}) {1,8}([RSDTtZXIWPK][<NLsl+]{0,6}) {1,8}(\S{1,12}) {1,8}(\d{1,9}:\d\d(?::\d\d)?)(?: (.{1,2000}))?$/;
const PS_HEADER = /^(?:[A-Z%]{1,8}\s+){2,14}[A-Z%]{1,8}$/;

function commFromCommand(cmd: string): string {
  const c = cmd.trim();
  const k = /^\[([^\]]{1,64})\]$/.exec(c);
  if (k) return k[1];
  const first = c.split(/\s+/)[0];
  return first.slice(first.lastIndexOf('/') + 1).slice(0, 64) || first;
}

function stateLetter(stat: string): TaskState | null {
  const c = stat[0];
  return 'RSDTtZXIWP'.includes(c) ? (c as TaskState) : null;
}

export const psTableParser: FormatParser = {
  name: 'ps',
  starts: (line) =>
    PS_AUX_ROW.test(line.trimmed) ||
    (PS_HEADER.test(line.trimmed) &&
      PID_WORD.test(line.trimmed) &&
      STAT_WORD.test(line.trimmed) &&
      !TASK_WORD.test(line.trimmed)),
  parse(lines, i, ctx) {
    let cols: string[] | null = null;
    let last = -1;
    const inGrep = /\|\s*grep\b/.test(ctx.shell.command ?? '') && lines.no(i) - ctx.shell.commandLine <= 3;
    for (let j = i; j < lines.length; j++) {
      const t = lines.trimmed(j);
      if (t === '') break;
      if (j === i && PS_HEADER.test(t)) {
        cols = t.split(/\s+/);
        last = j;
        continue;
      }
      let pid: number | null = null;
      let stat: string | null = null;
      let command: string | null = null;
      let tgid: number | null = null;
      const m = PS_AUX_ROW.exec(t);
      if (m) {
        pid = Number(m[2]);
        stat = m[4];
        command = m[7] ?? null;
      } else if (cols) {
        const parts = t.split(/\s+/);
        if (parts.length < cols.length) break;
        const idx = (name: string) => cols!.indexOf(name);
        // `ps -L`: the thread id column (TID/LWP/SPID) is the task's pid; PID is the tgid.
        const tidAt = ['TID', 'LWP', 'SPID'].map(idx).find((k) => k >= 0) ?? -1;
        const pidAt = tidAt >= 0 ? tidAt : idx('PID');
        const stAt = idx('STAT') >= 0 ? idx('STAT') : idx('S');
        const cmdAt = ['COMMAND', 'CMD', 'COMM', 'ARGS'].map(idx).find((k) => k >= 0) ?? -1;
        if (pidAt < 0 || !/^\d{1,9}$/.test(parts[pidAt] ?? '')) break;
        pid = Number(parts[pidAt]);
        if (tidAt >= 0 && idx('PID') >= 0 && /^\d{1,9}$/.test(parts[idx('PID')] ?? ''))
          tgid = Number(parts[idx('PID')]);
        stat = stAt >= 0 ? parts[stAt] : null;
        command = cmdAt >= 0 ? parts.slice(cmdAt).join(' ') : null;
      } else break;
      last = j;
      // `ps aux | grep X` lists the grep itself: that process is not part of the hang.
      if (inGrep && command && /^grep\b/.test(command)) continue;
      ctx.records.addTask({
        pid,
        comm: command ? commFromCommand(command) : null,
        state: stat ? stateLetter(stat) : null,
        cpu: null,
        taskAddr: null,
        tgid,
        frames: [],
        span: { line: lines.no(j), endLine: lines.endNo(j) },
        format: 'ps',
      });
    }
    return last >= i ? last + 1 : null;
  },
};

export const SHELL_PARSERS: FormatParser[] = [
  collectHeaderParser,
  collectNoteParser,
  shellCommandParser,
  procFileHeaderParser,
  procPidLabelParser,
  procStackParser,
  procStackPrefixedParser,
  procPidGluedStackParser,
  procStatusParser,
  psTableParser,
  orphanStackParser,
];

export type { ParseContext };
