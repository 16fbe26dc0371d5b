// printk caller ids (CONFIG_PRINTK_CALLER, 5.1+): `[  12.345678][ T18021] …` names the
// task that printed the line, `[ C3]` the CPU that printed it in interrupt context. A
// stack pasted with no header of its own is the stack of the context its lines name.

import type { LineTable } from '../text/lines.js';

/** The one caller id all non-blank lines in [from, to) carry (`T123` or `C3`), or null
 *  when some carry none or two differ. */
export function uniformCaller(lines: LineTable, from: number, to: number): string | null {
  let id: string | null = null;
  for (let k = from; k < to; k++) {
    const c = lines.caller(k);
    if (c === null) {
      if (lines.blank(k)) continue;
      return null;
    }
    if (id === null) id = c;
    else if (c !== id) return null;
  }
  return id;
}

/** The pid of the task every line of [from, to) names as its printk caller, or null. */
export function callerTaskOf(lines: LineTable, from: number, to: number): number | null {
  const id = uniformCaller(lines, from, to);
  return id !== null && id.charCodeAt(0) === 84 /* T */ ? Number(id.slice(1)) : null;
}

/** The CPU every line of [from, to) names as its printk caller (`[C3]`), or null. */
export function callerCpuOf(lines: LineTable, from: number, to: number): number | null {
  const id = uniformCaller(lines, from, to);
  return id !== null && id.charCodeAt(0) === 67 /* C */ ? Number(id.slice(1)) : null;
}
