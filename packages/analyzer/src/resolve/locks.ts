// Who waits on which lock, and who holds it: the lock resolver. Each step is its own
// function (resolve/locks/*.ts) recording facts — owner, waiter, candidate, lock order,
// each with confidence, why and evidence — in one LockTable, in this order: a later step
// reads what the earlier ones found (an owner stated by the dump is not searched for).
// graph/locks.ts draws the result.

import { readersBehindWriters, type QueuedReader } from './locks/rwsem-queue.js';
import type { Span } from '../contract.js';
import type { TaskWait } from '../waits/find.js';
import type { Model } from '../model/build.js';
import { fromHeldLocks } from './locks/held-locks.js';
import { acquirersListedAsHolders } from './locks/listed-acquirers.js';
import { lockOrderFromChains, waitersFromLockdepChains } from './locks/lockdep-chains.js';
import { ownersByAddressSearch } from './locks/owners-by-search.js';
import { ownersFromFrames } from './locks/owners-from-frames.js';
import { fromLockReports } from './locks/reports.js';
import { waitersForSocketLocks } from './locks/socket-locks.js';
import { waitersFromSessionSubject } from './locks/session-subject.js';
import { waitersForSrcu } from './locks/srcu-readers.js';
import { ownersStoppedByInterrupt } from './locks/stopped-holder.js';
import { ownersFromStructs, waitersFromWaitList, waitersFromWaiterStructs } from './locks/structs.js';
import { LockTable, type LockInfo } from './locks/table.js';
import { waitersFromFrames } from './locks/waiters-from-frames.js';

export interface ResolvedLocks {
  /** The locks somebody waits for, a candidate owner is guessed for, lockdep saw taken
   *  in an order, or a report names as held: in output order. */
  linked: LockInfo[];
  /** The tasks each lock is held by according to their own frames only (step 4c). */
  frameOwned: Map<LockInfo, string[]>;
  /** Tasks known only by their task_struct address, by id, in the order first seen. */
  addrOnlyTasks: Map<string, { addr: string; evidence: Span[] }>;
  /** rwsem readers queued behind a waiting writer (step 4d): each waits for that writer. */
  queuedReaders: QueuedReader[];
}

export function resolveLocks(model: Model, waits: Map<string, TaskWait>): ResolvedLocks {
  const table = new LockTable(model);
  ownersFromStructs(table); // 1
  waitersFromWaitList(table); // 1b
  waitersFromWaiterStructs(table); // 2
  fromLockReports(table, waits); // 3
  fromHeldLocks(table, waits); // 3, lockdep's held-lock lists
  waitersFromLockdepChains(table, waits); // 3b
  waitersForSocketLocks(table, waits); // 3d
  lockOrderFromChains(table); // 3c
  waitersFromSessionSubject(table, waits); // 3e
  waitersForSrcu(table, waits); // 3f
  const frameWaits = waitersFromFrames(table, waits); // 4
  acquirersListedAsHolders(table, waits); // 4a
  ownersStoppedByInterrupt(table, waits); // 4b
  const frameOwned = ownersFromFrames(table, waits, frameWaits); // 4c
  const queuedReaders = readersBehindWriters(table, waits, frameWaits); // 4d
  ownersByAddressSearch(table); // 5
  const linked = table.locks
    .filter((l) => l.waiters.size > 0 || l.guesses.length > 0 || l.takenWhileHeld.length > 0 || l.reported)
    .sort((a, b) => a.seq - b.seq);
  return { linked, frameOwned, addrOnlyTasks: table.addrOnlyTasks, queuedReaders };
}
