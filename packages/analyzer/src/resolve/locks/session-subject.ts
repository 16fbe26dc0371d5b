// Step 3e of lock resolution: the lock a crash session printed while it looked at a task.
// A person walking a hang runs `set PID` or `bt PID` on a blocked task, digs out the lock
// it sleeps on and prints it (`struct rw_semaphore ADDR`, `struct xfs_buf.b_last_holder
// ADDR`) to see who holds it: the lock printed then is most likely the one that task
// waits for, when its own frames name no address for it.

import type { Confidence, LockType } from '../../contract.js';
import { readLockState } from '../../knowledge/structs.js';
import type { TaskWait } from '../../waits/find.js';
import type { StructDump } from '../../parse/records.js';
import { TYPE_WORD, type LockInfo, type LockTable } from './table.js';
import { embeddedLockAddrs, lockAddrOf } from './structs.js';

/** Can a wait for a lock of type `want` be a wait for this lock? */
function sameKind(want: LockType, got: LockType): boolean {
  if (want === 'other' || got === 'other' || want === got) return true;
  return (want === 'ww_mutex' && got === 'mutex') || (want === 'mutex' && got === 'ww_mutex');
}

export function waitersFromSessionSubject(table: LockTable, waits: Map<string, TaskWait>): void {
  const { model } = table;
  // Per task: the locks printed while it was the subject, and how sure each tie is.
  const seen = new Map<string, { lock: LockInfo; d: StructDump; confidence: Confidence; why: string }[]>();
  const embedded = embeddedLockAddrs(model);
  for (const d of model.records.structs) {
    if (!d.subject) continue;
    const s = readLockState(d);
    const addr = s ? lockAddrOf(s, embedded) : null;
    // A lock with an address, or one dumped through its container (named after it).
    if (!s || (!addr && !s.container)) continue;
    const t = table.taskOf(d.subject);
    const l = addr ? table.byAddr(addr) : table.existing(null, s.name);
    if (!t || !l || table.waiting.has(t.id)) continue;
    // The session shows what its subject holds (the owner field names it): not its wait.
    if (l.owner?.task === t.id) continue;
    // Its stack or registers hold a lock's address: step 4 ties it by that, a closer reading.
    if (t.stackWords.some((x) => table.hasLockAt(x.value))) continue;
    if (Object.values(t.registers ?? {}).some((v) => table.hasLockAt(v))) continue;
    const w = waits.get(t.id);
    let confidence: Confidence;
    let why: string;
    if (w) {
      if (w.rule.kind !== 'lock' || w.argAddr || !sameKind(w.rule.lockType ?? 'other', l.type)) continue;
      confidence = 'likely';
      why = `it is blocked in ${w.api.fn} on ${TYPE_WORD[w.rule.lockType ?? 'other']} whose address its frames do not give, and the session prints this ${TYPE_WORD[l.type]} while looking at it`;
    } else if (t.frames.length === 0 && t.state === 'D') {
      // No stack: only its state (a `ps` row, `set` / `kmem` block) and the session's walk.
      confidence = 'guess';
      why = `it is blocked (D) and the session prints this ${TYPE_WORD[l.type]} while looking at it`;
    } else continue;
    let list = seen.get(t.id);
    if (!list) seen.set(t.id, (list = []));
    if (!list.some((x) => x.lock === l)) list.push({ lock: l, d, confidence, why });
  }
  for (const [task, list] of seen) {
    // Two locks printed for one task: which one it waits for is not said.
    if (list.length !== 1) continue;
    const { lock, d, confidence, why } = list[0];
    const ev = d.subjectLine ? [{ line: d.subjectLine, endLine: d.subjectLine }, d.span] : [d.span];
    table.addWaiter(lock, task, confidence, why, ev);
  }
}
