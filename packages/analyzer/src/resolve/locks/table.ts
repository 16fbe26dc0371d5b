// The locks one analysis knows of, and the facts the resolve steps record about them:
// who holds each (with the confidence the dump supports, why, and the lines), who waits,
// which other locks were taken while it was held. The steps (resolve/locks/*.ts) read
// the model and record facts here; graph/locks.ts draws them.
//
// Confidence: `certain` when the dump states it (an owner field, a waiter struct, a
// lockdep list), `likely` when inferred (an argument register, the kernel's own "likely
// owned by", an address found in one other task's stack), `guess` otherwise.

import type { Confidence, LockType, Span } from '../../contract.js';
import type { Model, ModelTask } from '../../model/build.js';
import type { HeldLockRecord, TaskRef } from '../../parse/records.js';
import { DeferredHeld } from './held-index.js';

/** A fact about who holds or waits for a lock. */
export interface LockLink {
  confidence: Confidence;
  why: string;
  evidence: Span[];
}

export interface LockInfo {
  id: string;
  addr: string | null;
  name: string | null;
  type: LockType;
  owner: (LockLink & { task: string }) | null;
  /** Further holders of a shared lock (readers of an rwsem), as lockdep lists them
   *  (`certain` unless said otherwise) or as their frames show them.
   *  `why` may be deferred: a lockdep list of 100,000 held locks names thousands of
   *  shared holders of locks nobody waits on, and those sentences are never read. */
  coOwners: { task: string; why: string | (() => string); evidence: Span[]; confidence?: Confidence }[];
  /** Candidates when the owner is only guessed. */
  guesses: { task: string; why: string; evidence: Span[] }[];
  waiters: Map<string, LockLink>;
  /** Locks lockdep saw taken while this one was held (a lock-order cycle's links). */
  takenWhileHeld: { lock: LockInfo; why: string; evidence: Span[] }[];
  evidence: Span[];
  locked: boolean | null;
  /** A report names this lock as held (lockdep's held instance of a recursive report), or
   *  a crash struct dump names a task of the capture as its owner: drawn even with no waiter. */
  reported?: true;
  /** Place in the output (see LockTable.seq). */
  seq: number;
}

export const RANK: Record<Confidence, number> = { certain: 3, likely: 2, guess: 1 };

/** The word for each lock type in labels and in the keys of locks known only by site. */
export const TYPE_WORD: Record<LockType, string> = {
  mutex: 'mutex',
  ww_mutex: 'ww_mutex',
  spinlock: 'spinlock',
  rwsem: 'rwsem',
  semaphore: 'semaphore',
  rwlock: 'rwlock',
  rcu: 'rcu',
  other: 'lock',
};

/** The place in the output of a lock first made at held-lock entry k is HELD_BASE + k. */
export const HELD_BASE = 1e9;

/** The waiters of a lock nobody waits on (most locks of a lockdep list): one shared empty
 *  map, replaced by the lock's own on the first waiter (addWaiter). Never written to. */
const NO_WAITERS: LockInfo['waiters'] = new Map();

export class LockTable {
  /** All locks in the order they were first seen. */
  readonly locks: LockInfo[] = [];
  /** Output order: locks made before the held-lock list, then in the order of their
   *  first held entry, then the rest (a held lock is made only when asked for, possibly
   *  later). The place the next lock made takes. */
  seq = 0;
  /** lockdep's held-lock entries (model.records.heldLocks). */
  readonly held: readonly HeldLockRecord[];
  /** Held entries that no lock object stands for yet (see resolve/locks/held-locks.ts). */
  readonly deferred: DeferredHeld;
  /** How a held entry set aside is applied to its lock once the lock is made (the
   *  held-locks step sets it). */
  applyHeld: (l: LockInfo, k: number) => void = () => {};
  /** Tasks recorded as waiting on some lock. */
  readonly waiting = new Set<string>();
  /** Tasks known only by their task_struct address (no task of the model has it): their
   *  id and evidence, in the order first seen. The graph gives each a node. */
  readonly addrOnlyTasks = new Map<string, { addr: string; evidence: Span[] }>();

  private readonly byName = new Map<string, LockInfo>();
  // Looked up by the raw address / name (not by building `lock:…` ids): a lockdep list
  // of 100,000 held locks does as many lookups.
  private readonly atAddr = new Map<string, LockInfo>();
  private readonly namedOnly = new Map<string | null, LockInfo>();

  constructor(readonly model: Model) {
    this.held = model.records.heldLocks;
    this.deferred = new DeferredHeld(this.held);
  }

  /** The lock at this address, made now if only held entries name it. */
  byAddr(addr: string): LockInfo | undefined {
    return this.atAddr.get(addr) ?? (this.deferred.hasAddr(addr) ? this.ensure(addr, null, 'other', []) : undefined);
  }

  hasLockAt(addr: string): boolean {
    return this.atAddr.has(addr) || this.deferred.hasAddr(addr);
  }

  /** The lock made already with this key (an address, else a name), if any. */
  existing(addr: string | null, name: string | null): LockInfo | undefined {
    return addr ? this.atAddr.get(addr) : this.namedOnly.get(name);
  }

  /** The first lock seen with this (lockdep class) name, made now if only held entries name it. */
  lockNamed(name: string): LockInfo | undefined {
    const k = this.byName.has(name) ? undefined : this.deferred.firstNaming(name);
    if (k !== undefined) this.ensure(this.held[k].addr, this.held[k].name, 'other', []);
    return this.byName.get(name);
  }

  /** The first lock made with this name, if one is made already. */
  namedNow(name: string): LockInfo | undefined {
    return this.byName.get(name);
  }

  /** The lock with this key, made if new; its name, type and evidence filled in. */
  ensure(addr: string | null, name: string | null, type: LockType, ev: Span[]): LockInfo {
    let l = addr ? this.atAddr.get(addr) : this.namedOnly.get(name);
    let heldHere: number[] | undefined;
    if (!l) {
      heldHere = this.deferred.take(addr, name);
      const id = addr ? `lock:${addr}` : `lock:${name}`;
      // With deferred held entries, the first of them names the lock (as if made there).
      l = {
        id,
        addr,
        name: heldHere ? null : name,
        type,
        owner: null,
        coOwners: [],
        guesses: [],
        waiters: NO_WAITERS,
        takenWhileHeld: [],
        evidence: [],
        locked: null,
        seq: this.seq++,
      };
      this.locks.push(l);
      if (addr) this.atAddr.set(addr, l);
      else this.namedOnly.set(name, l);
    }
    if (heldHere) {
      // Its lockdep holders, deferred until now: the lock takes the place in the output
      // that its first held entry gives it.
      l.seq = HELD_BASE + heldHere[0];
      for (const k of heldHere) {
        const h = this.held[k];
        if (h.name && !l.name) l.name = h.name;
        if (l.name) this.claimName(l, l.name);
        l.evidence.push(h.span);
        this.applyHeld(l, k);
      }
    }
    if (name && !l.name) l.name = name;
    if (l.name) this.claimName(l, l.name);
    // A struct dump says "mutex"; a ww_mutex waiter says more precisely what it is.
    if (l.type === 'other') l.type = type;
    for (const e of ev) l.evidence.push(e);
    return l;
  }

  /** byName keeps the first lock given each name; a deferred held entry that would have
   *  named its lock earlier than l is made first, so it keeps that place. */
  private claimName(l: LockInfo, name: string): void {
    if (this.byName.has(name)) return;
    const k = this.deferred.firstNaming(name);
    const first = k === undefined ? undefined : this.held[k];
    if (first && !(first.addr ? first.addr === l.addr : l.addr === null && first.name === l.name)) this.lockNamed(name);
    if (!this.byName.has(name)) this.byName.set(name, l);
    this.deferred.forgetFirst(name, k);
  }

  /** The model's task a record refers to: by task_struct address, else by pid. */
  taskOf(ref: TaskRef | null | undefined): ModelTask | undefined {
    if (!ref) return undefined;
    if (ref.taskAddr) {
      const t = this.model.taskByAddr.get(ref.taskAddr);
      if (t) return t;
    }
    // (A task with pid > 0 has the id `task:PID`: the model's first task of each pid is it.)
    if (ref.pid !== null && ref.pid > 0) return this.model.taskByPid.get(ref.pid);
    // Pid 0 is every CPU's idle task (lockdep names it `swapper/0` when a softirq on it
    // reports): the reference is that task only when the dump shows a single one.
    if (ref.pid === 0) return this.soleIdleTask();
    return undefined;
  }

  private idle: ModelTask | null | undefined;

  private soleIdleTask(): ModelTask | undefined {
    if (this.idle === undefined) {
      this.idle = null;
      for (const t of this.model.tasks) {
        if (t.pid !== 0) continue;
        if (this.idle) {
          this.idle = null;
          break;
        }
        this.idle = t;
      }
    }
    return this.idle ?? undefined;
  }

  /** Record an owner; a stronger statement replaces a weaker one. */
  setOwner(l: LockInfo, task: string, confidence: Confidence, why: string, evidence: Span[]): void {
    if (!l.owner || RANK[confidence] > RANK[l.owner.confidence]) l.owner = { task, confidence, why, evidence };
  }

  /** Record a waiter; a stronger statement replaces a weaker one. */
  addWaiter(l: LockInfo, task: string, confidence: Confidence, why: string, evidence: Span[]): void {
    this.waiting.add(task);
    const w = l.waiters.get(task);
    if (l.waiters === NO_WAITERS) l.waiters = new Map();
    if (!w || RANK[confidence] > RANK[w.confidence]) l.waiters.set(task, { confidence, why, evidence });
  }

  /** The id of the task with this task_struct address; one known only by it still gets one. */
  taskIdForAddr(addr: string, ev: Span[]): string {
    const t = this.model.taskByAddr.get(addr);
    if (t) return t.id;
    const id = `task:@${addr}`;
    // (set on a known key keeps its place: the node is made where first seen, and its
    // evidence is the last statement's, as GraphBuilder.node does.)
    this.addrOnlyTasks.set(id, { addr, evidence: ev });
    return id;
  }
}
