// Step 4b of lock resolution: a spin in an interrupt handler on a lock that the code it
// interrupted on the same CPU holds — that CPU's task waits for itself; and a sleep in a
// page fault the kernel took on its own access, for a lock the faulting code held.

import type { Span } from '../../contract.js';
import type { TaskWait } from '../../waits/find.js';
import { EXCEPTION_ENTRIES } from '../../knowledge/exception-entries.js';
import { PAGE_FAULT_ENTRY_FRAMES } from '../../knowledge/stack-ends.js';
import { SPIN_ACQUIRE, SPIN_ACQUIRE_WITHIN, SPIN_WAITING } from '../../knowledge/spin-acquire.js';
import type { LockTable } from './table.js';

export function ownersStoppedByInterrupt(table: LockTable, waits: Map<string, TaskWait>): void {
  for (const w of waits.values()) {
    const held = w.argAddr ? stoppedHolding(w) : null;
    const l = held ? table.byAddr(w.argAddr!) : undefined;
    if (!held || !l) continue;
    table.setOwner(l, w.task.id, 'likely', held.why, held.evidence);
  }
  ownersFaultedHolding(table, waits);
}

/**
 * A task asleep in the handler of a page fault it took in kernel code (crash: schedule …
 * __do_page_fault, page_fault, `[exception RIP: copy_user_enhanced_fast_string+6]`),
 * waiting for a lock whose address the faulting code's registers hold: the code that
 * faulted was working under that lock, so it holds it, and the fault path waits for it
 * again — a task waiting for itself (talpa's newLinuxThreadInfo took its mm's mmap_sem
 * with down_read_trylock, then faulted in copy_from_user: do_page_fault's down_read
 * queues behind a writer). `likely`, as an address found in a stack is.
 */
function ownersFaultedHolding(table: LockTable, waits: Map<string, TaskWait>): void {
  for (const w of waits.values()) {
    const t = w.task;
    if (w.rule.kind !== 'lock' || t.stops.length === 0) continue;
    const at = t.frameLines.indexOf(w.frame.line);
    const stop = t.stops.find(
      (s) => s.frame > at && s.frame > 0 && PAGE_FAULT_ENTRY_FRAMES.test(t.frames[s.frame - 1].fn),
    );
    if (!stop) continue;
    // The locks at the registers' values (a handful), not every lock of the dump.
    for (const reg of Object.keys(stop.registers)) {
      const l = table.hasLockAt(stop.registers[reg]) ? table.byAddr(stop.registers[reg]) : undefined;
      if (!l || l.owner || !l.waiters.has(t.id)) continue;
      table.setOwner(
        l,
        t.id,
        'likely',
        `the code that faulted (${t.frames[stop.frame].fn}) had ${l.addr} in ${reg.toUpperCase()}: it was working under the lock, and the page fault it took waits for the lock again`,
        [stop.span, { line: w.frame.line, endLine: w.frame.line }],
      );
    }
  }
}

export interface StoppedHolder {
  /** Where the interrupt stopped the holder, and the function that takes the lock there. */
  stopped: string;
  takenIn: string | null;
  /** The handler's function that spins (its first frame past lock primitives). */
  handler: string | null;
  why: string;
  evidence: Span[];
}

/** First-argument registers (x86_64 SysV, arm64 AAPCS64): where a lock pointer is passed. */
const ARG_REGISTERS = new Set(['rdi', 'x0']);

/**
 * Same-CPU spinlock self-deadlock: the task spins (in an interrupt handler, above where
 * the trace shows an interrupt stopped the code below) on the lock in its argument
 * register, and the stopped code's registers hold that same address while it was inside
 * a spin_lock function (SPIN_ACQUIRE), not in its slow path (SPIN_WAITING: still
 * waiting, so holding nothing). A spinlock is not recursive: the handler spins
 * until the code it interrupted runs again, which it cannot on this CPU. `likely`: the
 * dump shows the address, not the lock word.
 */
export function stoppedHolding(w: TaskWait): StoppedHolder | null {
  const t = w.task;
  if (!w.argAddr || !w.rule.spins || t.stops.length === 0) return null;
  const at = t.frameLines.indexOf(w.frame.line);
  const stop = t.stops.find((s) => s.frame > at);
  if (!stop || SPIN_WAITING.test(t.frames[stop.frame].fn)) return null;
  // The first argument register first: where the lock pointer is passed.
  const regs = Object.keys(stop.registers).sort((a, b) => Number(ARG_REGISTERS.has(b)) - Number(ARG_REGISTERS.has(a)));
  const reg = regs.find((k) => stop.registers[k] === w.argAddr);
  if (reg === undefined) return null;
  let taking = -1;
  for (let k = stop.frame; k < t.frames.length && k <= stop.frame + SPIN_ACQUIRE_WITHIN; k++)
    if (taking < 0 && SPIN_ACQUIRE.test(t.frames[k].fn)) taking = k;
  if (taking < 0) return null;
  const caller = (from: number, to: number): string | null => {
    for (let k = from; k < to; k++) {
      const f = t.frames[k];
      if (
        f.reliable &&
        !w.known.isGeneric(f) &&
        !w.known.waitRule(f) &&
        !SPIN_ACQUIRE.test(f.fn) &&
        !EXCEPTION_ENTRIES.test(f.fn)
      )
        return f.fn;
    }
    return null;
  };
  const stopped = t.frames[stop.frame].fn;
  const taker = t.frames[taking].fn;
  return {
    stopped,
    takenIn: caller(taking + 1, t.frames.length),
    handler: caller(at + 1, stop.frame),
    why: `the code the interrupt stopped on this CPU was in ${stopped}${taker !== stopped ? ` (${taker})` : ''} with ${w.argAddr} in ${reg.toUpperCase()}: it holds the lock the handler spins on, and cannot release it until the handler returns`,
    evidence: [stop.span, { line: w.frame.line, endLine: w.frame.line }],
  };
}
