// Step 5 of lock resolution: owners by address search — a lock nobody is recorded to own,
// whose address sits in exactly one other task's stack words or registers (how one finds
// a spinlock holder by hand with crash's `search`). Only `likely`: a stale copy of an
// address also matches; two or three such tasks are each a guess.

import type { Span } from '../../contract.js';
import { mergeSpans, type ModelTask } from '../../model/build.js';
import type { LockInfo, LockTable } from './table.js';

export function ownersByAddressSearch(table: LockTable): void {
  const { model, locks } = table;
  // Index every stack word and register value once: address → tasks that hold it — when
  // there is a lock to search for.
  const holders = new Map<string, Set<ModelTask>>();
  const searchable = (l: LockInfo) => !l.owner && l.addr !== null && l.waiters.size > 0 && l.locked !== false;
  const wanted = new Set(locks.filter(searchable).map((l) => l.addr!));
  const hold = (v: string, t: ModelTask) => {
    if (!wanted.has(v)) return;
    let s = holders.get(v);
    if (!s) holders.set(v, (s = new Set()));
    s.add(t);
  };
  if (wanted.size > 0) {
    for (const t of model.tasks) {
      for (const w of t.stackWords) hold(w.value, t);
      if (t.registers) for (const k in t.registers) hold(t.registers[k], t);
    }
  }
  for (const l of locks) {
    if (l.owner || !l.addr || l.waiters.size === 0) continue;
    if (l.locked === false) continue;
    const candidates = [...(holders.get(l.addr) ?? [])].filter((t) => !l.waiters.has(t.id) && !t.idle);
    if (candidates.length === 1) {
      const c = candidates[0];
      table.setOwner(
        l,
        c.id,
        'likely',
        `the lock's address ${l.addr} is in ${c.comm ?? 'this task'}'s stack or registers (found by searching every task)`,
        mentionSpans(c, l.addr),
      );
    } else if (candidates.length > 1 && candidates.length <= 3) {
      for (const c of candidates)
        l.guesses.push({
          task: c.id,
          why: `one of ${candidates.length} tasks whose stack holds ${l.addr}`,
          evidence: mentionSpans(c, l.addr),
        });
    }
  }
}

function mentionSpans(t: ModelTask, addr: string): Span[] {
  const out: Span[] = [];
  for (const w of t.stackWords) if (w.value === addr) out.push({ line: w.line, endLine: w.line });
  if (t.registers && Object.values(t.registers).includes(addr) && t.framesSpan) out.push(t.framesSpan);
  return mergeSpans(out).slice(0, 6);
}
