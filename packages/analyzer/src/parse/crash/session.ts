// Smaller crash(8) outputs: the prompt, the session header / `kmem` task block, `ps`,
// `runq`, `kmem -o`, `eval -b`, `rd`/`search` memory words, `dis` listings.

import type { TaskRef, TaskRecord } from '../records.js';
import type { FormatParser, ParseContext } from '../parser.js';
import { hexAddr, span } from '../parser.js';
import type { Line } from '../../text/lines.js';
import { CMD_SYMBOL } from './struct.js';
import { CRASH_STATE, isWordLine, readWords, stateFromName } from './common.js';

// Tested on every line a segment may start at: made once, not per call.
const BT_HEADER_LIKE = /^PID: +\d+ +TASK:/;
const EVAL_HEAD = /^hexadecimal: /;
// The kernel's own `CPU: 3 PID: 0 Comm: swapper/3 …` (`CPU: 3 UID: 0 PID: …` since 6.12)
// heads every dumped backtrace; crash prints its CPU field alone (`CPU: 1`).
const KERNEL_CPU_HEADER = /^CPU: \d{1,5} (?:UID: \d{1,10} )?PID: /;

// `crash> bt -f 355608`; blog copies also lose the first letter (`rash> bt`) or the space.
// crash prompts with its program's name, and a build for another architecture is often
// installed under another name: `crash64> struct mutex ffffffc1479dbc70`, `crash_arm64> bt`.
const PROMPT = /^c?rash(?:[\w.-]{1,16})?> ?(.{0,400})$/;
const MD_LINK = /\[([\w-]{1,24})\]\(https?:\/\/[^\s)]{1,300}\)/g;

export const crashPromptParser: FormatParser = {
  name: 'crash_prompt',
  startChars: 'crsu',
  // A `struct TYPE.member VAR` command pasted without its prompt (people cut the prompt
  // when quoting one command) is a command all the same: its output follows.
  starts: (line) => PROMPT.test(line.trimmed) || CMD_SYMBOL.test(line.trimmed),
  parse(lines, i, ctx) {
    const t = lines.trimmed(i);
    const m = PROMPT.exec(t);
    // A blog renders a command word as a link to crash's help page (`[set](http://…) 5109`).
    const cmd = (m ? m[1].trim() : t).replace(MD_LINK, '$1');
    ctx.crash.command = cmd === '' ? ctx.crash.command : cmd;
    ctx.crash.commandLine = lines.no(i);
    // `set PID` / `bt PID` / `bt -c N` change which task header-less output belongs to;
    // the header of the output itself says so. What they also say is which task the
    // person is looking at: the lock they print next is that task's (StructDump.subject).
    const subject = sessionSubject(cmd);
    if (subject !== undefined) {
      ctx.crash.subject = subject;
      ctx.crash.subjectLine = lines.no(i);
    }
    return i + 1;
  },
};

// `set 38036`, `bt 4723`, `bt -f 0xffff93fe9b124180`, `bt -S ffffc900037568d0 1212`: the
// command's last word is the task (a pid, or a task_struct address). `bt -a`, `bt -c N`
// and `foreach …` look at many tasks or at a CPU: no one task.
const TASK_WORD = /^(?:0x)?([0-9a-f]{8,16}|\d{1,9})$/;

/** The task a crash command makes the session's subject: a TaskRef, null when the
 *  command looks at many tasks, undefined when it leaves the subject as it was. */
export function sessionSubject(cmd: string): TaskRef | null | undefined {
  const words = cmd.split(/ +/, 8);
  if (words[0] === 'foreach') return null;
  if (words[0] !== 'set' && words[0] !== 'bt') return undefined;
  const flags = words.slice(1).filter((w) => w.startsWith('-'));
  if (words[0] === 'bt' && flags.some((f) => /^-[A-Za-z]*[ac]/.test(f))) return null;
  if (words.length < 2 || words.length > 5 || /[|>]/.test(cmd)) return undefined;
  const m = TASK_WORD.exec(words[words.length - 1]);
  if (!m || words[words.length - 1].startsWith('-')) return undefined;
  if (/^\d{1,9}$/.test(m[1])) return { pid: Number(m[1]), comm: null, taskAddr: null };
  return { pid: null, comm: null, taskAddr: hexAddr(m[1]) };
}

// The session header and the `kmem ADDR` / `ps -t` task block:
//        KERNEL: /usr/lib/debug/lib/modules/3.10.0-957.el7.x86_64/vmlinux
//         PANIC: "Kernel panic - not syncing: Hard LOCKUP"
//           PID: 14
//       COMMAND: "migration/1"
//          TASK: ffff8f1bf6bb9040  [THREAD_INFO: ffff8f1bf6bc4000]
//           CPU: 1
//         STATE: TASK_INTERRUPTIBLE (PANIC)
const FIELD =
  /^(KERNEL|DUMPFILE|CPUS|DATE|UPTIME|LOAD AVERAGE|TASKS|NODENAME|RELEASE|VERSION|MACHINE|MEMORY|PANIC|PID|COMMAND|TASK|CPU|STATE): {1,4}(.{0,400})$/;

export const crashSysParser: FormatParser = {
  name: 'crash_task_block',
  startChars: 'KDCUTLNRVMPS',
  starts: (line) =>
    FIELD.test(line.trimmed) && !BT_HEADER_LIKE.test(line.trimmed) && !KERNEL_CPU_HEADER.test(line.trimmed),
  parse(lines, i, ctx) {
    const fields: Record<string, string> = Object.create(null);
    let j = i;
    let last = i;
    for (; j < lines.length; j++) {
      const t = lines.trimmed(j);
      if (t === '' || t === '....' || t === '...') {
        if (j - last > 2) break;
        continue;
      }
      // A `bt` header after the session header (`UPTIME: …`, blank, `PID: N  TASK: …`)
      // starts the bt output: its PID is not this block's.
      const m = BT_HEADER_LIKE.test(t) ? null : FIELD.exec(t);
      // A field seen again starts the next block (`set` after `set`, a run of `PID: N`
      // lines): reading on would scan the whole run from every line of it. So a block
      // is at most one line per field name, and a failed attempt reads O(1) lines.
      if (!m || fields[m[1]] !== undefined) break;
      fields[m[1]] = m[2].trim();
      last = j;
    }
    if (Object.keys(fields).length < 2) return null;
    const sp = span(lines, i, last + 1);
    const r = ctx.records;
    if (fields.KERNEL) {
      const rel =
        /\/lib\/modules\/([^/\s]{3,100})\//.exec(fields.KERNEL) ?? /vmlinux-([^/\s]{3,100})/.exec(fields.KERNEL);
      if (rel) r.kernels.push({ release: rel[1], arch: archOf(rel[1]), strength: 8, line: sp.line });
    }
    if (fields.RELEASE)
      r.kernels.push({
        release: fields.RELEASE.split(/\s/)[0],
        arch: archOf(fields.RELEASE),
        strength: 9,
        line: sp.line,
      });
    if (fields.MACHINE) {
      const a = /^(x86_64|aarch64|arm64|ppc64le|s390x|riscv64)/.exec(fields.MACHINE);
      if (a) r.archHints.push({ arch: a[1] === 'aarch64' ? 'arm64' : a[1], line: sp.line });
    }
    const pid = fields.PID !== undefined ? Number(fields.PID) : NaN;
    const taskAddr = fields.TASK ? (/^([0-9a-f]{8,16})/.exec(fields.TASK)?.[1] ?? null) : null;
    if (!Number.isNaN(pid) || taskAddr) {
      const comm = fields.COMMAND ? fields.COMMAND.replace(/^"|"$/g, '') : null;
      const cpu = fields.CPU !== undefined && /^\d+/.test(fields.CPU) ? Number(/^\d+/.exec(fields.CPU)![0]) : null;
      const ref: TaskRef = { pid: Number.isNaN(pid) ? null : pid, comm, taskAddr };
      const state = fields.STATE ? stateFromName(fields.STATE) : null;
      const panicTask = fields.STATE ? /\(PANIC\)/.test(fields.STATE) : false;
      const active = fields.STATE ? /\(ACTIVE\)|\(PANIC\)/.test(fields.STATE) : false;
      const rec: TaskRecord = { ...ref, state, cpu, frames: [], span: sp, format: 'crash_task_block', onCpu: active };
      r.addTask(rec);
      if (taskAddr) r.addresses.push({ kind: 'task', addr: taskAddr, task: ref, span: sp });
      // `kmem ADDR` where ADDR is not the task_struct: ADDR lies in this task's stack
      // (or another object of it). crash prints the owning task of stack addresses.
      const q = /^kmem(?: -\w)* (?:0x)?([0-9a-f]{8,16})\b/.exec(ctx.crash.command ?? '');
      if (q && lines.no(i) - ctx.crash.commandLine < 40 && hexAddr(q[1]) !== taskAddr) {
        ctx.stackBlocks.note(hexAddr(q[1]), ref, { line: ctx.crash.commandLine, endLine: sp.endLine });
      }
      if (fields.PANIC || panicTask) {
        ctx.crash.currentTask = ref;
        ctx.crash.currentCpu = cpu;
      }
      if (fields.PANIC) {
        const p = fields.PANIC.replace(/^"|"$/g, '');
        const kind = /hard lockup/i.test(p)
          ? 'hard_lockup'
          : /soft lockup/i.test(p)
            ? 'soft_lockup'
            : /hung_task|blocked tasks/i.test(p)
              ? 'hung_task'
              : /rcu/i.test(p)
                ? 'rcu_stall'
                : null;
        if (kind) r.reports.push({ kind, header: p, cpu, task: ref, span: sp, format: 'crash_header' });
      }
    }
    return last + 1;
  },
};

function archOf(release: string): string | null {
  const m = /(x86_64|aarch64|arm64|ppc64le|s390x|i686|amd64|arm64)/.exec(release);
  if (!m) return null;
  return m[1] === 'aarch64' ? 'arm64' : m[1] === 'amd64' ? 'x86_64' : m[1];
}

// crash `ps`:
//      PID    PPID  CPU       TASK        ST  %MEM     VSZ    RSS  COMM
//   >  4790      2   1  ffff88003570de20  UN   0.0       0      0  [kworker/1:2]
const PS_ROW =
  /^(>?) {0,4}(\d{1,9}) {1,8}(\d{1,9}) {1,6}(\d{1,5}) {1,4}([0-9a-f]{8,16}) {1,4}([A-Z]{2}) {1,4}\d{1,3}\.\d {1,12}\d{1,12} {1,12}\d{1,12} {1,4}(.{1,64})$/;
const PS_HEADER = /^PID +PPID +CPU +TASK +ST +%MEM +VSZ +RSS +COMM$/;
// A row whose COMM a mail client wrapped onto the next line, alone (`[kworker/0:2]`).
const PS_ROW_CUT =
  /^(>?) {0,4}(\d{1,9}) {1,8}(\d{1,9}) {1,6}(\d{1,5}) {1,4}([0-9a-f]{8,16}) {1,4}([A-Z]{2}) {1,4}\d{1,3}\.\d {1,12}\d{1,12} {1,12}\d{1,12}$/;
const PS_COMM_ALONE = /^(?:\[[^\s\]]{1,64}\]|[^\s[]{1,64})$/;

export const crashPsParser: FormatParser = {
  name: 'crash_ps',
  startChars: '>0123456789P',
  starts: (line) => PS_ROW.test(line.trimmed) || PS_HEADER.test(line.trimmed),
  parse(lines, i, ctx) {
    let j = i;
    let last = -1;
    for (; j < lines.length; j++) {
      const t = lines.trimmed(j);
      if (PS_HEADER.test(t)) {
        last = j;
        continue;
      }
      const rowLine = lines.no(j);
      let m = PS_ROW.exec(t);
      if (
        !m &&
        j + 1 < lines.length &&
        (m = PS_ROW_CUT.exec(t)) &&
        PS_COMM_ALONE.test(lines.trimmed(j + 1)) &&
        !PS_ROW.test(lines.trimmed(j + 1))
      ) {
        m.push(lines.trimmed(j + 1));
        j++;
      } else if (m && !PS_ROW.test(t)) m = null;
      if (!m) break;
      last = j;
      let comm = m[7].trim();
      if (/^\[.*\]$/.test(comm)) comm = comm.slice(1, -1);
      addPsRow(
        ctx,
        { line: rowLine, endLine: lines.endNo(j) },
        { pid: Number(m[2]), comm, taskAddr: m[5].toLowerCase() },
        { ppid: Number(m[3]), state: CRASH_STATE[m[6]] ?? null, cpu: Number(m[4]), onCpu: m[1] === '>' },
      );
    }
    return last >= i ? last + 1 : null;
  },
};

/** One crash `ps` row (any layout): the task, and the address fact tying its task_struct
 *  to its pid. */
function addPsRow(
  ctx: ParseContext,
  at: number | { line: number; endLine: number },
  ref: TaskRef & { pid: number; taskAddr: string },
  fields: Pick<TaskRecord, 'state' | 'cpu'> & Partial<TaskRecord>,
): void {
  const sp = typeof at === 'number' ? { line: at, endLine: at } : at;
  ctx.records.addTask({ ...ref, ...fields, frames: [], span: sp, format: 'crash_ps', idle: ref.pid === 0 });
  ctx.records.addresses.push({ kind: 'task', addr: ref.taskAddr, task: ref, span: sp });
}

// crash `ps -m` (how long since each task last ran, as days and time) and `ps -l` (when,
// in ns of the run queue clock): the state column is in brackets,
//   [0 00:12:41.316] [UN]  PID: 3127   TASK: ffff9f4b8a2d0000  CPU: 6   COMMAND: "mount"
//   [4894133823451] [UN]  PID: 3127   TASK: ffff9f4b8a2d0000  CPU: 6   COMMAND: "mount"
// `ps -m | grep UN` is how a crash user asks which tasks are stuck and for how long.
// A sender may mark a row (`COMMAND: "python3-openloo" <--- block same instant`).
const PS_TIME_ROW =
  /^\[ {0,3}(?:(\d{1,5}) (\d\d):(\d\d):(\d\d)\.(\d{3})|\d{1,20})\] \[([A-Z]{2})\] {1,4}PID: {1,8}(\d{1,9}) {1,8}TASK: {1,8}([0-9a-f]{8,16}) {1,8}CPU: {1,8}(\d{1,5}) {1,8}COMMAND: "(.{0,64}?)"(?: {1,8}(?:<-{1,40}|<=|#)[^"]{0,200})?$/;

export const crashPsTimeParser: FormatParser = {
  name: 'crash_ps_time',
  startChars: '[',
  starts: (line) => PS_TIME_ROW.test(line.trimmed),
  parse(lines, i, ctx) {
    let j = i;
    for (; j < lines.length; j++) {
      const m = PS_TIME_ROW.exec(lines.trimmed(j));
      if (!m) break;
      const state = CRASH_STATE[m[6]] ?? null;
      // `ps -m` of a task in D: it has not run for that long, i.e. it is blocked since.
      const since =
        m[1] === undefined
          ? null
          : Number(m[1]) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]) + Number(m[5]) / 1000;
      addPsRow(
        ctx,
        lines.no(j),
        { pid: Number(m[7]), comm: m[10], taskAddr: m[8].toLowerCase() },
        {
          state,
          cpu: Number(m[9]),
          ...(state === 'D' && since !== null ? { blockedSeconds: Math.round(since) } : {}),
          // `ps -m` of a running task: when it last got on its CPU (sched_info.last_arrival).
          ...(state === 'R' && since !== null ? { sinceRunSeconds: Math.round(since) } : {}),
        },
      );
    }
    return j > i ? j : null;
  },
};

// crash `runq`:
//   CPU 3 RUNQUEUE: ffff88043fd96cc0
//     CURRENT: PID: 0      TASK: ffff88017a203f40  COMMAND: "swapper/3"
//     RT PRIO_ARRAY: ffff88043fd96e50
//        [no tasks queued]
//     CFS RB_ROOT: ffff88043fd96d68
//        [120] PID: 30118  TASK: ffff880012ab8000  COMMAND: "barad_agent"
const RUNQ_CPU = /^CPU (\d{1,5}) RUNQUEUE: ([0-9a-f]{8,16})$/;
const RUNQ_TASK =
  /^(?:CURRENT: |\[ {0,3}(\d{1,3})\] )PID: {1,8}(\d{1,9}) {1,8}TASK: {1,8}([0-9a-f]{8,16}) {1,8}COMMAND: "(.{0,64})"/;
const RUNQ_OTHER =
  /^(?:RT PRIO_ARRAY: [0-9a-f]{8,16}|CFS RB_ROOT: [0-9a-f]{8,16}|\[no tasks queued\]|DL_RB_ROOT: [0-9a-f]{8,16}|GROUP CFS RB_ROOT: [0-9a-f]{8,16})$/;

export const crashRunqParser: FormatParser = {
  name: 'crash_runq',
  startChars: 'C',
  starts: (line) => RUNQ_CPU.test(line.trimmed),
  parse(lines, i, ctx) {
    const m = RUNQ_CPU.exec(lines.trimmed(i))!;
    const cpu = Number(m[1]);
    let current: TaskRef | null = null;
    const runnable: TaskRef[] = [];
    let last = i;
    for (let j = i + 1; j < lines.length; j++) {
      const t = lines.trimmed(j);
      if (t === '') continue;
      const tm = RUNQ_TASK.exec(t);
      if (tm) {
        const ref = { pid: Number(tm[2]), comm: tm[4], taskAddr: tm[3].toLowerCase() };
        const sp = { line: lines.no(j), endLine: lines.endNo(j) };
        ctx.records.addresses.push({ kind: 'task', addr: ref.taskAddr, task: ref, span: sp });
        if (t.startsWith('CURRENT')) {
          current = ref;
          ctx.records.addTask({
            ...ref,
            state: 'R',
            cpu,
            frames: [],
            span: sp,
            format: 'crash_runq',
            onCpu: true,
            idle: ref.pid === 0,
          });
        } else {
          runnable.push(ref);
          ctx.records.addTask({ ...ref, state: 'R', cpu, frames: [], span: sp, format: 'crash_runq', onCpu: false });
        }
        last = j;
        continue;
      }
      if (RUNQ_OTHER.test(t)) {
        last = j;
        continue;
      }
      break;
    }
    const idle = current !== null && (current.pid === 0 || /^swapper/.test(current.comm ?? ''));
    ctx.records.cpus.push({ cpu, current, idle, runnable, span: span(lines, i, last + 1), format: 'crash_runq' });
    return last + 1;
  },
};

// crash `kmem -o`:  PER-CPU OFFSET VALUES:  /  CPU 0: ffff88043fc00000
const KMEM_O_HEAD = /^PER-CPU OFFSET VALUES:$/;
const KMEM_O_ROW = /^CPU (\d{1,5}): {1,4}([0-9a-f]{8,16})$/;

export const crashKmemOParser: FormatParser = {
  name: 'crash_kmem_o',
  startChars: 'P',
  starts: (line) => KMEM_O_HEAD.test(line.trimmed),
  parse(lines, i, ctx) {
    let last = i;
    for (let j = i + 1; j < lines.length; j++) {
      const t = lines.trimmed(j);
      if (t === '') continue;
      const m = KMEM_O_ROW.exec(t);
      if (!m) break;
      ctx.records.addresses.push({
        kind: 'percpu_base',
        addr: m[2].toLowerCase(),
        cpu: Number(m[1]),
        span: { line: lines.no(j), endLine: lines.endNo(j) },
      });
      last = j;
    }
    return last + 1;
  },
};

// `eval -b 10`:  hexadecimal: a / decimal: 10 / octal: 12 / binary: … / bits set: 3 1
const EVAL_LINE = /^(hexadecimal|decimal|octal|binary|bits set): ?(.{0,200})$/;

export const crashEvalParser: FormatParser = {
  name: 'crash_eval',
  startChars: 'h',
  starts: (line) => EVAL_HEAD.test(line.trimmed),
  parse(lines, i) {
    let last = i;
    for (let j = i; j < lines.length; j++) {
      const t = lines.trimmed(j);
      if (t === '') continue;
      if (!EVAL_LINE.test(t)) break;
      last = j;
    }
    return last + 1;
  },
};

// `rd -s ADDR N`, `rd ADDR`, `search …`: memory words. Attributed to a task later from
// stack ranges (task_struct.stack, bt frame addresses, kmem).
export const crashWordsParser: FormatParser = {
  name: 'crash_memory',
  startChars: '0123456789abcdef',
  starts: (line) => isWordLine(line.trimmed),
  parse(lines, i, ctx) {
    let last = i;
    const words = [];
    for (let j = i; j < lines.length; j++) {
      const t = lines.trimmed(j);
      if (t === '') {
        if (j - last > 2) break;
        continue;
      }
      if (!isWordLine(t)) break;
      words.push(...readWords(t, lines.no(j)));
      last = j;
    }
    if (words.length === 0) return null;
    ctx.records.memWords.push(...words);
    return last + 1;
  },
};

// `dis` listings: `0xffffffff810f99a0 <smp_call_function_many+512>: pause`, and the
// `/usr/src/debug/…/stop_machine.c: 91` source lines of `dis -l`.
const DIS_LINE = /^0x[0-9a-f]{8,16} <[^>]{1,200}>:/;
const DIS_SRC = /^\/\S{1,300}\.[ch]: \d{1,6}$/;

export const crashDisParser: FormatParser = {
  name: 'crash_dis',
  startChars: '0/',
  starts: (line) => DIS_LINE.test(line.trimmed) || DIS_SRC.test(line.trimmed),
  parse(lines, i) {
    let last = i;
    for (let j = i; j < lines.length; j++) {
      const t = lines.trimmed(j);
      if (t === '' || t === '...' || t === '....') {
        if (j - last > 2) break;
        continue;
      }
      if (!DIS_LINE.test(t) && !DIS_SRC.test(t)) break;
      last = j;
    }
    return last + 1;
  },
};

export function isPrompt(line: Line): boolean {
  return PROMPT.test(line.trimmed);
}

export type { ParseContext };
