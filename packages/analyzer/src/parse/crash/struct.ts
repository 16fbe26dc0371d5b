// crash struct and variable dumps, flattened into `a.b.c = value` fields:
//
//   crash> struct mutex ffff880035acf1e0          crash> p cfd_data:2
//   struct mutex {                                per_cpu(cfd_data, 2) = $3 = {
//     count = {                                     csd = 0x1adb8,
//       counter = -1                                cpumask = 0xffff88017a1ee000
//     },                                          }
//     owner = 0xffff88003570de20,
//   }                                             crash> task_struct.stack ffff88003570de20
//                                                   stack = 0xffff8800506d0000
//
// What a dump means (a mutex owner, a csd's flags, a cpumask) is read later from the
// struct-readers table in knowledge/structs.ts; this parser only records the fields.

import type { StructDump } from '../records.js';
import type { FormatParser, ParseContext } from '../parser.js';
import type { LineTable } from '../../text/lines.js';
import { hexAddr, span } from '../parser.js';

const OPEN_STRUCT = /^(?:struct|union) ([\w]{1,64}) \{$/;
const OPEN_VAR = /^(?:per_cpu\(([\w]{1,64}), ?(\d{1,5})\) = )?(?:([\w]{1,64}) = )?\$\d{1,6} = \{$/;
const FIELD_OPEN = /^([\w]{1,64}|\[\d{1,5}\]) = \{$/;
const FIELD = /^([\w]{1,64}|\[\d{1,5}\]) = (.{0,2000}?),?$/;
// A member printed alone may be a path: `struct -x mutex.owner.counter VAR` prints
// `owner.counter = 0x…`.
const MEMBER_FIELD = /^([\w]{1,64}(?:\.[\w]{1,64}){0,7}|\[\d{1,5}\]) = (.{0,2000}?),?$/;
// … and a member path that is a struct itself: `struct inode.i_rwsem.owner ADDR` prints
// `i_rwsem.owner = {`, its fields inside.
const MEMBER_OPEN = /^([\w]{1,64}(?:\.[\w]{1,64}){0,7}|\[\d{1,5}\]) = \{$/;
const ANON_OPEN = /^\{$/;
const CLOSE = /^\},?$/;
// `TYPE.member ADDR -o` / `struct -o TYPE ADDR`: each member with its own address, not
// its value (`[ffff9a20c0063270] struct rw_semaphore mmap_lock;`).
const MEMBER_AT = /^\[(?:0x)?([0-9a-f]{8,16})\] +[\w ]{1,80}?[ *](\w{1,64})(?:\[\d{1,6}\])*;$/;
// `...` / `(...)`: fields the sender cut from a pasted dump (the rest still stands).
const SKIP = /^(?:\{<No data fields>\},?|\[0x[0-9a-f]{1,6}\] .{1,200};|\.{3,4}|\(\.\.\.\)|\[\.\.\.\])$/;

// The command decides the type and the address: `struct mutex ADDR`, `mutex_waiter ADDR`,
// `struct cpumask 0x…`, `rq.cpu ADDR`, `p cfd_data:2`; crash takes its flags before or
// after the type (`struct -x mutex.owner ADDR`).
const CMD_TYPED =
  /^(?:(?:struct|union) (?:-[a-z]{1,3} ){0,3})?([A-Za-z_]\w{0,63})((?:\.[\w.]{1,64})?)(?: -[a-z]{1,3})* (?:0x)?([0-9a-f]{8,16})\b/;
// A global variable instead of an address: `struct mutex.owner cgroup_mutex -x`,
// `struct -x mutex.owner.counter rtnl_mutex` (the dump is of that variable). Only with the
// `struct`/`union` keyword, as a whole command: `TYPE SYMBOL` alone is any crash command.
export const CMD_SYMBOL =
  /^(?:struct|union) (?:-[a-z]{1,3} ){0,3}([A-Za-z_]\w{0,63})((?:\.[\w.]{1,64})?)(?: -[a-z]{1,3}){0,3} ([A-Za-z_]\w{0,63})(?: -[a-z]{1,3}){0,3}$/;
const GREP_PIPE = /\| ?e?grep\b/;
const CMD_PERCPU = /^px?d? ([A-Za-z_]\w{0,63}):(\d{1,5})\b/;
const CMD_VAR = /^px?d? ([A-Za-z_]\w{0,63})$/;

interface CommandTarget {
  type: string | null;
  addr: string | null;
  /** The global variable dumped, when the command names one instead of an address. */
  symbol: string | null;
  cpu: number | null;
  member: string | null;
}

function target(cmd: string | null): CommandTarget {
  const none = { type: null, addr: null, symbol: null, cpu: null, member: null };
  if (!cmd) return none;
  let m = CMD_PERCPU.exec(cmd);
  if (m) return { ...none, type: m[1], cpu: Number(m[2]) };
  m = CMD_TYPED.exec(cmd);
  if (
    m &&
    !/^(?:rd|search|kmem|bt|dis|list|eval|ps|set|log|runq|foreach|sym|vtop|ptov|whatis|px|p|pd|files|net|mod|irq|timer|dev|mount|swap|sig|task|vm|wr|gdb|help|exit|q)$/.test(
      m[1],
    )
  ) {
    return { ...none, type: m[1], addr: hexAddr(m[3]), member: m[2] ? m[2].slice(1) : null };
  }
  m = CMD_SYMBOL.exec(cmd);
  if (m) return { ...none, type: m[1], symbol: m[3], member: m[2] ? m[2].slice(1) : null };
  m = CMD_VAR.exec(cmd);
  if (m) return { ...none, type: m[1] };
  return none;
}

export const crashStructParser: FormatParser = {
  name: 'crash_struct',
  starts(line, ctx) {
    const t = line.trimmed;
    if (OPEN_STRUCT.test(t) || OPEN_VAR.test(t)) return true;
    // `task_struct.stack ADDR` → `stack = 0x…`; `struct mutex.owner VAR` → `owner = {`
    // (a member, no struct braces around it).
    const tg = target(ctx.crash.command);
    // (`task_struct ADDR | grep mm` prints the matching members alone, as a member does.)
    return (
      (tg.member !== null || (tg.addr !== null && GREP_PIPE.test(ctx.crash.command ?? ''))) &&
      (tg.addr !== null || tg.symbol !== null) &&
      MEMBER_FIELD.test(t) &&
      line.no - ctx.crash.commandLine <= 3
    );
  },
  parse(lines, i, ctx) {
    const tg = target(ctx.crash.command);
    const recent = lines.no(i) - ctx.crash.commandLine <= 3;
    const t0 = lines.trimmed(i);
    const fields: Record<string, string> = {};
    let type = recent ? tg.type : null;
    const addr = recent ? tg.addr : null;
    const symbol = recent ? tg.symbol : null;
    let cpu = recent ? tg.cpu : null;
    const so = OPEN_STRUCT.exec(t0);
    const vo = OPEN_VAR.exec(t0);
    if (!so && !vo) {
      // Member lines (`stack = 0x…`, `owner.counter = 0x…`, `owner = {` … `}`): read
      // consecutive members, each with what its braces hold.
      let last = i;
      let j = i;
      while (j < lines.length && j < i + 64) {
        const t = lines.trimmed(j);
        if (t === '') break;
        const o = MEMBER_OPEN.exec(t);
        if (o) {
          const end = readBlock(lines, j + 1, [o[1]], fields);
          last = end.last;
          if (!end.closed) break;
          j = end.last + 1;
          continue;
        }
        const f = MEMBER_FIELD.exec(t);
        if (!f) break;
        fields[f[1]] = f[2].trim();
        last = j;
        j++;
      }
      const member: StructDump = { type: tg.type!, addr, symbol, cpu, fields, span: span(lines, i, last + 1) };
      if (ctx.crash.subject) {
        member.subject = ctx.crash.subject;
        member.subjectLine = ctx.crash.subjectLine;
      }
      ctx.records.structs.push(member);
      return last + 1;
    }
    if (so) type = so[1];
    if (vo) {
      if (vo[1]) {
        type = vo[1];
        cpu = Number(vo[2]);
      } else if (vo[3]) type = vo[3];
    }
    const memberAt: Record<string, string> = {};
    const end = readBlock(lines, i + 1, [], fields, memberAt);
    const last = end.last;
    const dump: StructDump = { type: type ?? 'unknown', addr, symbol, cpu, fields, span: span(lines, i, last + 1) };
    for (const _ in memberAt) {
      dump.memberAt = memberAt;
      break;
    }
    if (ctx.crash.subject) {
      dump.subject = ctx.crash.subject;
      dump.subjectLine = ctx.crash.subjectLine;
    }
    ctx.records.structs.push(dump);
    return last + 1;
  },
};

/**
 * Reads a brace block's body from line j (after its opener) into `fields`, keys prefixed
 * by `outer`, up to the brace that closes it. `last` is the last line read (the opener's
 * line j - 1 when none); `closed` says the closing brace was reached.
 */
function readBlock(
  lines: LineTable,
  j: number,
  outer: string[],
  fields: Record<string, string>,
  memberAt?: Record<string, string>,
): { last: number; closed: boolean } {
  const path: string[] = outer.slice();
  let depth = 1;
  let last = j - 1;
  const start = j;
  for (; j < lines.length && j < start + 20000; j++) {
    const t = lines.trimmed(j);
    if (t === '') continue;
    if (CLOSE.test(t)) {
      depth--;
      last = j;
      if (depth === 0) return { last, closed: true };
      path.pop();
      continue;
    }
    let m = FIELD_OPEN.exec(t);
    if (m) {
      path.push(m[1]);
      depth++;
      last = j;
      continue;
    }
    if (ANON_OPEN.test(t)) {
      path.push('');
      depth++;
      last = j;
      continue;
    }
    const at = memberAt && MEMBER_AT.exec(t);
    if (at) {
      memberAt[[...path.filter((p) => p !== ''), at[2]].join('.')] = at[1];
      last = j;
      continue;
    }
    if (SKIP.test(t)) {
      last = j;
      continue;
    }
    m = FIELD.exec(t);
    if (m) {
      const key = [...path.filter((p) => p !== ''), m[1]].join('.');
      fields[key] = m[2].trim();
      last = j;
      continue;
    }
    break;
  }
  return { last, closed: false };
}

export type { ParseContext };
