// Steps 1, 1b and 2 of lock resolution: what crash's struct dumps state. An owner field
// is the dump's own statement (certain); so is a waiter entry on the lock's wait_list.

import { LOCK_WAIT_LIST_WITHIN } from '../../knowledge/arch.js';
import type { Span } from '../../contract.js';
import {
  embeddedLockName,
  readEmbeddedLock,
  readLockState,
  readMmapLockAt,
  readTaskMm,
  readWaiter,
  type EmbeddedLockAt,
  type LockStateFact,
} from '../../knowledge/structs.js';
import type { Model } from '../../model/build.js';
import type { LockInfo, LockTable } from './table.js';

/** Step 1. Lock state from struct dumps: the owner field (a task_struct address, or a
 *  pid in lock_owner) names the owner, certain. */
export function ownersFromStructs(table: LockTable): void {
  const { model } = table;
  const embedded = embeddedLockAddrs(model);
  model.records.structs.forEach((d) => {
    const s = readLockState(d);
    if (!s) return;
    const addr = lockAddrOf(s, embedded);
    const l = table.ensure(addr, addr ? null : s.name, s.type, [d.span]);
    l.locked = s.locked ?? l.locked;
    if (s.ownerAddr) {
      const owner = table.taskIdForAddr(s.ownerAddr, [d.span]);
      const why = s.ownerWhy
        ? `${s.ownerWhy}, ${s.ownerAddr} (${s.source})`
        : `its owner field is ${s.ownerAddr} (${s.source})`;
      table.setOwner(l, owner, s.ownerConfidence ?? 'certain', why, [d.span]);
      // A lock whose dump names a task of the capture as its owner is drawn even when
      // nobody is shown waiting for it: the session printed it to find its holder.
      if (model.taskById.get(owner)) l.reported = true;
    }
    const byPid = s.ownerPid ? model.taskByPid.get(s.ownerPid) : undefined;
    if (byPid)
      table.setOwner(
        l,
        byPid.id,
        s.ownerConfidence ?? 'certain',
        s.ownerWhy ? `${s.ownerWhy} (${s.source})` : `its lock_owner field is pid ${s.ownerPid} (${s.source})`,
        [d.span],
      );
  });
}

const containerKey = (c: EmbeddedLockAt) => `${c.type}@${c.at}.${c.member}`;

/** Where the session printed an embedded lock's own address (`struct -ox inode.i_mutex
 *  INODE` → `[ffff8808a3dbf640] struct mutex i_mutex;`), by container and member. */
export function embeddedLockAddrs(model: Model): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of model.records.structs) {
    if (!d.memberAt) continue;
    const e = readEmbeddedLock(d);
    if (e?.lock.addr) out.set(containerKey(e.container), e.lock.addr);
  }
  return out;
}

/** A lock state's address: its own, or its container's member address printed elsewhere. */
export function lockAddrOf(s: LockStateFact, embedded: Map<string, string>): string | null {
  return s.addr ?? (s.container ? (embedded.get(containerKey(s.container)) ?? null) : null);
}

/** The embedded locks a session dumped (with or without their own address), by the
 *  address of the struct that embeds them: a task whose stack holds that address and
 *  that sleeps on a lock of the same type most likely waits for it. */
export interface ContainedLock {
  lock: LockInfo;
  container: EmbeddedLockAt;
}

export function locksByContainer(table: LockTable): Map<string, ContainedLock[]> {
  const embedded = embeddedLockAddrs(table.model);
  const out = new Map<string, ContainedLock[]>();
  for (const d of table.model.records.structs) {
    const s = readLockState(d);
    if (!s?.container || !/^[0-9a-f]{8,16}$/.test(s.container.at)) continue;
    const addr = lockAddrOf(s, embedded);
    const l = table.existing(addr, addr ? null : embeddedLockName(s.container));
    if (!l) continue;
    const list = out.get(s.container.at) ?? [];
    if (!list.some((x) => x.lock === l)) list.push({ lock: l, container: s.container });
    out.set(s.container.at, list);
  }
  return out;
}

/** Step 1b. A lock's wait_list.next points at its first waiter's mutex_waiter, which lives
 *  on the waiting task's kernel stack: the task whose stack holds that address waits. */
export function waitersFromWaitList(table: LockTable): void {
  const { model } = table;
  const embedded = embeddedLockAddrs(model);
  for (const d of model.records.structs) {
    const s = readLockState(d);
    const addr = s ? lockAddrOf(s, embedded) : null;
    if (!s?.firstWaiter || !addr) continue;
    const head = BigInt('0x' + addr);
    const first = BigInt('0x' + s.firstWaiter);
    if (first >= head && first < head + LOCK_WAIT_LIST_WITHIN) continue; // the list is empty (points at itself)
    const t = model.taskOfStackAddr(s.firstWaiter);
    const l = table.byAddr(addr);
    if (t && l)
      table.addWaiter(
        l,
        t.id,
        'certain',
        `the lock's wait_list.next (${s.firstWaiter}) points into this task's kernel stack, where its waiter entry lives`,
        [d.span],
      );
  }
}

/** Step 2. Waiter structs (mutex_waiter …): the task and the wait_list it is linked into —
 *  either the lock's wait_list.next names the waiter, or the waiter's list pointers point
 *  into the lock (its wait_list sits within LOCK_WAIT_LIST_WITHIN bytes). */
export function waitersFromWaiterStructs(table: LockTable): void {
  const { model } = table;
  const byFirstWaiter = new Map<string, LockInfo>();
  const embedded = embeddedLockAddrs(model);
  for (const d of model.records.structs) {
    const s = readLockState(d);
    const addr = s ? lockAddrOf(s, embedded) : null;
    const l = addr ? table.byAddr(addr) : undefined;
    if (s?.firstWaiter && l) byFirstWaiter.set(s.firstWaiter, l);
  }
  const addressed = table.locks.filter((l) => l.addr).map((l) => ({ l, base: BigInt('0x' + l.addr!) }));
  for (const d of model.records.structs) {
    const w = readWaiter(d);
    if (!w) continue;
    const waiterTask = table.taskIdForAddr(w.taskAddr, [d.span]);
    let lock = w.addr ? byFirstWaiter.get(w.addr) : undefined;
    if (!lock && addressed.length <= 10000) {
      lock = addressed.find(({ base }) =>
        w.listPtrs.some((p) => {
          const v = BigInt('0x' + p);
          return v >= base && v < base + LOCK_WAIT_LIST_WITHIN;
        }),
      )?.l;
    }
    if (lock)
      table.addWaiter(lock, waiterTask, 'certain', `a ${d.type} for this task is on the lock's wait_list`, [d.span]);
  }
}

/** The address of a task's mmap_lock, where a crash session walked to it: the task's
 *  `task_struct ADDR` dump names its mm, and `mm_struct.mmap_lock MM -o` prints where that
 *  mm's lock lives. Keyed by the task_struct address; the evidence is both dumps. */
export function mmapLockAddrs(model: Model): Map<string, { addr: string; evidence: Span[] }> {
  const lockOfMm = new Map<string, { addr: string; span: Span }>();
  for (const d of model.records.structs) {
    const at = readMmapLockAt(d);
    if (at) lockOfMm.set(at.mm, { addr: at.lockAddr, span: d.span });
  }
  const out = new Map<string, { addr: string; evidence: Span[] }>();
  if (lockOfMm.size === 0) return out;
  for (const d of model.records.structs) {
    const mm = readTaskMm(d);
    const lock = mm && lockOfMm.get(mm.mm);
    if (lock) out.set(mm.taskAddr, { addr: lock.addr, evidence: [d.span, lock.span] });
  }
  return out;
}
