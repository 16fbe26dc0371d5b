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
import { hexAddr, span } from '../parser.js';

const OPEN_STRUCT = /^(?:struct|union) ([\w]{1,64}) \{$/;
const OPEN_VAR = /^(?:per_cpu\(([\w]{1,64}), ?(\d{1,5})\) = )?(?:([\w]{1,64}) = )?\$\d{1,6} = \{$/;
const FIELD_OPEN = /^([\w]{1,64}|\[\d{1,5}\]) = \{$/;
const FIELD = /^([\w]{1,64}|\[\d{1,5}\]) = (.{0,2000}?),?$/;
const ANON_OPEN = /^\{$/;
const CLOSE = /^\},?$/;
// `...` / `(...)`: fields the sender cut from a pasted dump (the rest still stands).
const SKIP = /^(?:\{<No data fields>\},?|\[0x[0-9a-f]{1,6}\] .{1,200};|\.{3,4}|\(\.\.\.\)|\[\.\.\.\])$/;

// The command decides the type and the address: `struct mutex ADDR`, `mutex_waiter ADDR`,
// `struct cpumask 0x…`, `rq.cpu ADDR`, `p cfd_data:2`.
const CMD_TYPED = /^(?:(?:struct|union) )?([A-Za-z_]\w{0,63})((?:\.[\w.]{1,64})?)(?: -[a-z]{1,3})* (?:0x)?([0-9a-f]{8,16})\b/;
const CMD_PERCPU = /^px?d? ([A-Za-z_]\w{0,63}):(\d{1,5})\b/;
const CMD_VAR = /^px?d? ([A-Za-z_]\w{0,63})$/;

interface CommandTarget {
  type: string | null;
  addr: string | null;
  cpu: number | null;
  member: string | null;
}

function target(cmd: string | null): CommandTarget {
  if (!cmd) return { type: null, addr: null, cpu: null, member: null };
  let m = CMD_PERCPU.exec(cmd);
  if (m) return { type: m[1], addr: null, cpu: Number(m[2]), member: null };
  m = CMD_TYPED.exec(cmd);
  if (m && !/^(?:rd|search|kmem|bt|dis|list|eval|ps|set|log|runq|foreach|sym|vtop|ptov|whatis|px|p|pd|files|net|mod|irq|timer|dev|mount|swap|sig|task|vm|wr|gdb|help|exit|q)$/.test(m[1])) {
    return { type: m[1], addr: hexAddr(m[3]), cpu: null, member: m[2] ? m[2].slice(1) : null };
  }
  m = CMD_VAR.exec(cmd);
  if (m) return { type: m[1], addr: null, cpu: null, member: null };
  return { type: null, addr: null, cpu: null, member: null };
}

function isFieldLine(t: string): boolean {
  return FIELD.test(t);
}

export const crashStructParser: FormatParser = {
  name: 'crash_struct',
  starts(line, ctx) {
    const t = line.trimmed;
    if (OPEN_STRUCT.test(t) || OPEN_VAR.test(t)) return true;
    // `task_struct.stack ADDR` → `stack = 0x…` (a single member, no braces).
    const tg = target(ctx.crash.command);
    return tg.member !== null && tg.addr !== null && isFieldLine(t) && line.no - ctx.crash.commandLine <= 3;
  },
  parse(lines, i, ctx) {
    const tg = target(ctx.crash.command);
    const recent = lines.no(i) - ctx.crash.commandLine <= 3;
    const t0 = lines.trimmed(i);
    const fields: Record<string, string> = {};
    let type = recent ? tg.type : null;
    const addr = recent ? tg.addr : null;
    let cpu = recent ? tg.cpu : null;
    const so = OPEN_STRUCT.exec(t0);
    const vo = OPEN_VAR.exec(t0);
    if (!so && !vo) {
      // Single member lines (`stack = 0x…`): read consecutive `name = value` lines.
      let last = i;
      for (let j = i; j < lines.length && j < i + 64; j++) {
        const t = lines.trimmed(j);
        if (t === '') break;
        const f = FIELD.exec(t);
        if (!f) break;
        fields[f[1]] = f[2].trim();
        last = j;
      }
      ctx.records.structs.push({ type: tg.type!, addr, cpu, fields, span: span(lines, i, last + 1) });
      return last + 1;
    }
    if (so) type = so[1];
    if (vo) {
      if (vo[1]) {
        type = vo[1];
        cpu = Number(vo[2]);
      } else if (vo[3]) type = vo[3];
    }
    const path: string[] = [];
    let depth = 1;
    let j = i + 1;
    let last = i;
    for (; j < lines.length && j < i + 20000; j++) {
      const t = lines.trimmed(j);
      if (t === '') continue;
      if (CLOSE.test(t)) {
        depth--;
        last = j;
        if (depth === 0) break;
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
    const dump: StructDump = { type: type ?? 'unknown', addr, cpu, fields, span: span(lines, i, last + 1) };
    ctx.records.structs.push(dump);
    return last + 1;
  },
};

export type { ParseContext };
