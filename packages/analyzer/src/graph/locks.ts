// Who waits on which lock, and who holds it — each link with the confidence the dump
// supports: `certain` when the dump states it (an owner field, a waiter struct, a
// lockdep list), `likely` when inferred (an argument register, the kernel's own
// "likely owned by", an address found in one other task's stack), `guess` otherwise.

import type { Confidence, Lock, LockType, Span } from '../contract.js';
import { readLockState, readWaiter } from '../knowledge/structs.js';
import { isGenericFrame, matchWaitRule } from '../knowledge/waits.js';
import { lockTakenBy } from '../knowledge/lock-wrappers.js';
import { FRAME_HELD_CLASSES } from '../knowledge/frame-held-locks.js';
import { SPIN_ACQUIRE, SPIN_ACQUIRE_WITHIN, SPIN_WAITING } from '../knowledge/spin-acquire.js';
import { EXCEPTION_ENTRIES } from '../knowledge/exception-entries.js';
import { LOCKDEP_PLUMBING, LOCK_WAIT_LIST_WITHIN } from '../knowledge/arch.js';
import { locksHeldByFrames, type FrameHold } from './frame-held.js';
import { mergeSpans, type Model, type ModelTask } from '../model/build.js';
import type { HeldLockRecord, LockdepChainRecord, LockFactRecord, StackFrame, TaskRef } from '../parse/records.js';
import type { GraphBuilder } from './builder.js';
import { DeferredHeld } from './held-index.js';
import type { TaskWait } from './waits.js';

interface LockInfo {
  id: string;
  addr: string | null;
  name: string | null;
  type: LockType;
  owner: { task: string; confidence: Confidence; why: string; evidence: Span[] } | null;
  /** Further holders of a shared lock (readers of an rwsem), as lockdep lists them
   *  (`certain` unless said otherwise) or as their frames show them. */
  /** `why` may be deferred: a lockdep list of 100,000 held locks names thousands of
   *  shared holders of locks nobody waits on, and those sentences are never read. */
  coOwners: { task: string; why: string | (() => string); evidence: Span[]; confidence?: Confidence }[];
  /** Candidates when the owner is only guessed. */
  guesses: { task: string; why: string; evidence: Span[] }[];
  waiters: Map<string, { confidence: Confidence; why: string; evidence: Span[] }>;
  /** Locks lockdep saw taken while this one was held (a lock-order cycle's links). */
  takenWhileHeld: { lock: LockInfo; why: string; evidence: Span[] }[];
  evidence: Span[];
  locked: boolean | null;
  /** Place in the output (see `seq` in resolveLocks). */
  seq: number;
}

/** The waiters of a lock nobody waits on (most locks of a lockdep list): one shared empty
 *  map, replaced by the lock's own on the first waiter (addWaiter). Never written to. */
const NO_WAITERS: LockInfo['waiters'] = new Map();

const RANK: Record<Confidence, number> = { certain: 3, likely: 2, guess: 1 };

const TYPE_WORD: Record<LockType, string> = {
  mutex: 'mutex',
  ww_mutex: 'ww_mutex',
  spinlock: 'spinlock',
  rwsem: 'rwsem',
  semaphore: 'semaphore',
  rwlock: 'rwlock',
  rcu: 'rcu',
  other: 'lock',
};

export function lockLabel(l: { addr: string | null; name: string | null; type: LockType }): string {
  if (l.addr) return `${TYPE_WORD[l.type]} ${l.addr}${l.name ? ` ${l.name}` : ''}`;
  return `${TYPE_WORD[l.type]} ${l.name ?? '?'}`;
}

export interface LockResolution {
  locks: Lock[];
  /** `held_by` edges known only from the holder's own frames (step 4c), as
   *  `lockId taskId`: the dump does not state them. */
  heldByFrames: Set<string>;
}

export function resolveLocks(model: Model, waits: Map<string, TaskWait>, g: GraphBuilder): LockResolution {
  // All locks in the order they were first seen (the order they are emitted in).
  const locks: LockInfo[] = [];
  const lockByName = new Map<string, LockInfo>();
  // Looked up by the raw address / name (not by building `lock:…` ids): a lockdep list
  // of 100,000 held locks does as many lookups.
  const lockAtAddr = new Map<string, LockInfo>();
  // Output order: locks made before the held-lock list, then in the order of their first
  // held entry, then the rest (a held lock is made only when asked for, possibly later).
  let seq = 0;
  const heldBase = 1e9;
  const lockNamedOnly = new Map<string | null, LockInfo>();
  // Held locks that no lock object stands for yet (see step 3, "held locks"): entries by
  // the lock's key, and the first entry naming each lock class.
  // Entries are indexes into model.records.heldLocks.
  const held = model.records.heldLocks;
  const deferred = new DeferredHeld(held);
  let applyHeld: (l: LockInfo, k: number) => void = () => {};
  const byAddr = (addr: string): LockInfo | undefined =>
    lockAtAddr.get(addr) ?? (deferred.hasAddr(addr) ? ensure(addr, null, 'other', []) : undefined);
  const hasLockAt = (addr: string): boolean => lockAtAddr.has(addr) || deferred.hasAddr(addr);
  /** The first lock seen with this (lockdep class) name. */
  const lockNamed = (name: string): LockInfo | undefined => {
    const k = lockByName.has(name) ? undefined : deferred.firstNaming(name);
    if (k !== undefined) ensure(held[k].addr, held[k].name, 'other', []);
    return lockByName.get(name);
  };
  /** lockByName keeps the first lock given each name; a deferred held entry that would
   *  have named its lock earlier than l is made first, so it keeps that place. */
  const claimName = (l: LockInfo, name: string) => {
    if (lockByName.has(name)) return;
    const k = deferred.firstNaming(name);
    const first = k === undefined ? undefined : held[k];
    if (first && !(first.addr ? first.addr === l.addr : l.addr === null && first.name === l.name)) lockNamed(name);
    if (!lockByName.has(name)) lockByName.set(name, l);
    deferred.forgetFirst(name, k);
  };
  const ensure = (addr: string | null, name: string | null, type: LockType, ev: Span[]): LockInfo => {
    let l = addr ? lockAtAddr.get(addr) : lockNamedOnly.get(name);
    let heldHere: number[] | undefined;
    if (!l) {
      heldHere = deferred.take(addr, name);
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
        seq: seq++,
      };
      locks.push(l);
      if (addr) lockAtAddr.set(addr, l);
      else lockNamedOnly.set(name, l);
    }
    if (heldHere) {
      // Its lockdep holders, deferred until now: the lock takes the place in the output
      // that its first held entry gives it.
      l.seq = heldBase + heldHere[0];
      for (const k of heldHere) {
        const h = held[k];
        if (h.name && !l.name) l.name = h.name;
        if (l.name) claimName(l, l.name);
        l.evidence.push(h.span);
        applyHeld(l, k);
      }
    }
    if (name && !l.name) l.name = name;
    if (l.name) claimName(l, l.name);
    // A struct dump says "mutex"; a ww_mutex waiter says more precisely what it is.
    if (l.type === 'other') l.type = type;
    for (const e of ev) l.evidence.push(e);
    return l;
  };
  // (A task with pid > 0 has the id `task:PID`: the model's first task of each pid is it.)
  const taskByPid = model.taskByPid;
  const taskOf = (ref: TaskRef | null | undefined): ModelTask | undefined => {
    if (!ref) return undefined;
    if (ref.taskAddr) {
      const t = model.taskByAddr.get(ref.taskAddr);
      if (t) return t;
    }
    if (ref.pid !== null && ref.pid > 0) return taskByPid.get(ref.pid);
    return undefined;
  };
  const setOwner = (l: LockInfo, task: string, confidence: Confidence, why: string, evidence: Span[]) => {
    if (!l.owner || RANK[confidence] > RANK[l.owner.confidence]) l.owner = { task, confidence, why, evidence };
  };
  const waiting = new Set<string>();
  const addWaiter = (l: LockInfo, task: string, confidence: Confidence, why: string, evidence: Span[]) => {
    waiting.add(task);
    const w = l.waiters.get(task);
    if (l.waiters === NO_WAITERS) l.waiters = new Map();
    if (!w || RANK[confidence] > RANK[w.confidence]) l.waiters.set(task, { confidence, why, evidence });
  };
  /** A task known only by its task_struct address still gets a node. */
  const taskIdForAddr = (addr: string, ev: Span[]): string => {
    const t = model.taskByAddr.get(addr);
    if (t) return t.id;
    const id = `task:@${addr}`;
    g.node(id, 'task', `task ${addr}`, { evidence: ev });
    return id;
  };

  // 1. Lock state from struct dumps: owner fields are the dump's own statement.
  model.records.structs.forEach((d) => {
    const s = readLockState(d);
    if (!s) return;
    const l = ensure(s.addr, s.name, s.type, [d.span]);
    l.locked = s.locked ?? l.locked;
    if (s.ownerAddr)
      setOwner(l, taskIdForAddr(s.ownerAddr, [d.span]), 'certain', `its owner field is ${s.ownerAddr} (${s.source})`, [
        d.span,
      ]);
    const byPid = s.ownerPid ? taskByPid.get(s.ownerPid) : undefined;
    if (byPid) setOwner(l, byPid.id, 'certain', `its lock_owner field is pid ${s.ownerPid} (${s.source})`, [d.span]);
  });

  // 1b. A lock's wait_list.next points at its first waiter's mutex_waiter, which lives on
  //     the waiting task's kernel stack: the task whose stack holds that address waits.
  for (const d of model.records.structs) {
    const s = readLockState(d);
    if (!s?.firstWaiter || !s.addr) continue;
    const head = BigInt('0x' + s.addr);
    const first = BigInt('0x' + s.firstWaiter);
    if (first >= head && first < head + LOCK_WAIT_LIST_WITHIN) continue; // the list is empty (points at itself)
    const t = model.taskOfStackAddr(s.firstWaiter);
    const l = byAddr(s.addr);
    if (t && l)
      addWaiter(
        l,
        t.id,
        'certain',
        `the lock's wait_list.next (${s.firstWaiter}) points into this task's kernel stack, where its waiter entry lives`,
        [d.span],
      );
  }

  // 2. Waiter structs (mutex_waiter …): the task and the wait_list it is linked into —
  //    either the lock's wait_list.next names the waiter, or the waiter's list pointers
  //    point into the lock (its wait_list sits within LOCK_WAIT_LIST_WITHIN bytes).
  const byFirstWaiter = new Map<string, LockInfo>();
  for (const d of model.records.structs) {
    const s = readLockState(d);
    const l = s?.addr ? byAddr(s.addr) : undefined;
    if (s?.firstWaiter && l) byFirstWaiter.set(s.firstWaiter, l);
  }
  const addressed = locks.filter((l) => l.addr).map((l) => ({ l, base: BigInt('0x' + l.addr!) }));
  for (const d of model.records.structs) {
    const w = readWaiter(d);
    if (!w) continue;
    const waiterTask = taskIdForAddr(w.taskAddr, [d.span]);
    let lock = w.addr ? byFirstWaiter.get(w.addr) : undefined;
    if (!lock && addressed.length <= 10000) {
      lock = addressed.find(({ base }) =>
        w.listPtrs.some((p) => {
          const v = BigInt('0x' + p);
          return v >= base && v < base + LOCK_WAIT_LIST_WITHIN;
        }),
      )?.l;
    }
    if (lock) addWaiter(lock, waiterTask, 'certain', `a ${d.type} for this task is on the lock's wait_list`, [d.span]);
  }

  // 3. Lock facts from reports: lockdep, hung-task "blocked on … likely owned by" hints.
  for (const f of model.records.lockFacts) {
    let name = f.name ?? null;
    if (!f.addr && !name) {
      // The kernel's "blocked on a mutex likely owned by" hint gives no address: the lock
      // is the one the blocked task waits for at its own call site.
      const w = (f.waiters ?? [])
        .map((x) => taskOf(x))
        .map((x) => (x ? waits.get(x.id) : undefined))
        .find((x) => x);
      name = `${TYPE_WORD[f.type ?? 'other']}@${w ? (w.culprit?.fn ?? w.frame.fn) : 'unknown'}`;
    }
    const l = ensure(f.addr ?? null, name, f.type ?? 'other', [f.span]);
    const owner = taskOf(f.owner);
    // lockdep's list and a debug spinlock's own .owner field state the owner; the hung-task hint only guesses it.
    const stated = f.format === 'lockdep' || f.format === 'spinlock_debug';
    if (owner)
      setOwner(
        l,
        owner.id,
        stated ? 'certain' : 'likely',
        `${f.format === 'lockdep' ? 'lockdep lists it as held by' : f.format === 'spinlock_debug' ? "the spinlock's .owner field names" : 'the kernel reports it likely owned by'} ${owner.comm ?? ''} (${owner.pid})`,
        [f.span],
      );
    for (const wref of f.waiters ?? []) {
      const w = taskOf(wref);
      if (w)
        addWaiter(
          l,
          w.id,
          'certain',
          f.format === 'lockdep' ? 'lockdep: it is trying to acquire it' : 'the report says this task is blocked on it',
          [f.span],
        );
    }
  }
  // Held locks (lockdep "N locks held by"). lockdep records a lock in held_locks before
  // the task blocks on it (lock_acquire runs first), so for a task blocked on a lock the
  // last entry taken at its own blocking call site is the lock it waits for, not one it
  // holds. Every other entry is held: certain, lockdep says so.
  //
  // A list of 100,000 held locks names tens of thousands of locks nobody waits on, and
  // only locks with a waiter are drawn. So an entry for a lock that has no object yet is
  // set aside by the lock's key and applied when the lock is asked for (a waiter, a
  // lookup by address or name: byAddr, lockNamed, ensure); the result is the same as
  // applying every entry here, in text order.
  // A lockdep report prints its task's held locks before the lock it is trying to take is
  // added (__lock_acquire checks first), so none of a reporter's entries is pending.
  const reporters = lockdepReporters(model.records.lockFacts, taskOf);
  const holderOf: (ModelTask | undefined)[] = new Array(held.length);
  const lastIndex = new Map<string, number>();
  for (let k = 0; k < held.length; k++) {
    const h = held[k];
    const holder = (holderOf[k] = taskOf(h.holder));
    // Only a task blocked on a lock can have a pending (last) entry.
    if (holder && waits.get(holder.id)?.rule.kind === 'lock' && !reporters.has(holder.id))
      lastIndex.set(holder.id, Math.max(lastIndex.get(holder.id) ?? -1, h.index));
  }
  applyHeld = (l, k) => {
    const h = held[k];
    const holder = holderOf[k]!;
    if (!l.owner)
      setOwner(
        l,
        holder.id,
        'certain',
        `lockdep: held by ${holder.comm ?? ''}/${holder.pid}${h.at ? ` (taken at ${h.at})` : ''}`,
        [h.span],
      );
    else if (l.owner.task !== holder.id)
      l.coOwners.push({
        task: holder.id,
        why: () => `lockdep: also held by ${holder.comm ?? ''}/${holder.pid} (shared)`,
        evidence: [h.span],
      });
  };
  for (let k = 0; k < held.length; k++) {
    const h = held[k];
    if (!h.addr && !h.name) continue;
    // A lock first made at this entry takes this entry's place in the output.
    seq = heldBase + k;
    const holder = holderOf[k];
    if (!holder) continue;
    const w = waits.get(holder.id);
    const site = w?.rule.kind === 'lock' && h.at ? h.at.replace(/\+0x.*$/, '') : null;
    const pending =
      w?.rule.kind === 'lock' &&
      site !== null &&
      h.index === lastIndex.get(holder.id) &&
      (w.culprit?.fn === site || w.frame.fn === site);
    if (pending) {
      const l = ensure(h.addr, h.name, w!.rule.lockType ?? 'other', [h.span]);
      addWaiter(
        l,
        holder.id,
        'likely',
        `lockdep lists it last, taken at ${h.at}, where the task is blocked: it is the lock being acquired`,
        [h.span],
      );
      continue;
    }
    const l = h.addr ? lockAtAddr.get(h.addr) : lockNamedOnly.get(h.name);
    if (l) {
      ensure(h.addr, h.name, 'other', [h.span]);
      applyHeld(l, k);
      continue;
    }
    deferred.defer(k);
  }
  seq = heldBase + held.length;

  // 3b. Lockdep dependency chains: entry #i (i ≥ 1) was taken at its saved stack while
  //     holding entry #(i-1). A task blocked at that same call site is most likely that
  //     acquirer: it waits for lock #i and holds lock #(i-1). (kernel/locking/lockdep.c
  //     print_circular_bug prints the chain in reverse order.)
  for (const ch of model.records.lockdepChains) {
    // Each link's predecessor by its index (the first entry of each index, as printed).
    const byIndex = new Map<number, (typeof ch.entries)[number]>();
    for (const e of ch.entries) if (!byIndex.has(e.index)) byIndex.set(e.index, e);
    for (const entry of ch.entries) {
      if (entry.index < 1) continue;
      const site = acquireSite(entry.frames);
      const prev = byIndex.get(entry.index - 1);
      if (!site || !prev) continue;
      for (const w of waits.values()) {
        if (w.rule.kind !== 'lock' || waiting.has(w.task.id) || w.culprit?.fn !== site) continue;
        const want = lockNamed(entry.name) ?? ensure(null, entry.name, w.rule.lockType ?? 'other', [entry.span]);
        const held = lockNamed(prev.name) ?? ensure(null, prev.name, 'other', [prev.span]);
        addWaiter(
          want,
          w.task.id,
          'likely',
          `it is blocked in ${site}, where lockdep recorded ${entry.name} being taken while ${prev.name} was held`,
          [entry.span, { line: w.frame.line, endLine: w.culprit.line }],
        );
        setOwner(
          held,
          w.task.id,
          'likely',
          `lockdep's chain: ${site} takes ${entry.name} while holding ${prev.name}, and this task is blocked there`,
          [entry.span],
        );
      }
    }
  }

  // 3c. The lock-order cycle a lockdep circular report prints: each lock held while the
  //     next was taken (lockOrderLinks). A possible deadlock, drawn as lock → lock edges.
  for (const ch of model.records.lockdepChains) {
    for (const link of lockOrderLinks(ch)) {
      const held = lockNamed(link.held) ?? ensure(null, link.held, 'other', [link.heldSpan]);
      const taken = lockNamed(link.taken) ?? ensure(null, link.taken, 'other', [link.span]);
      if (held === taken || held.takenWhileHeld.some((o) => o.lock === taken)) continue;
      held.takenWhileHeld.push({
        lock: taken,
        why: `lockdep recorded ${link.taken} taken while ${link.held} was held${link.site ? ` (in ${link.site})` : ''}: whoever holds ${link.held} there waits for ${link.taken}`,
        evidence: [link.span],
      });
    }
  }

  const mmLocks = new Map<string, LockInfo>();
  // Waited-for locks of a per-object class, known only by the class (step 4).
  const classWaits = new Map<string, Set<LockInfo>>();
  // Locks lockdep lists as held, by the function that took them (`at: foo_ioctl+0x2a`).
  // Only a task blocked on a lock asks (step 4): a lockdep list of 100,000 held locks in a
  // dump with no such task is not indexed for nothing.
  const heldAtSiteIndex = new Map<string, HeldLockRecord[]>();
  let lockWaits = false;
  for (const w of waits.values()) if (w.rule.kind === 'lock') lockWaits = true;
  if (lockWaits) {
    for (const h of held) {
      if (!h.at || (!h.addr && !h.name)) continue;
      const at = h.at.replace(/\+0x.*$/, '');
      let s = heldAtSiteIndex.get(at);
      if (!s) heldAtSiteIndex.set(at, (s = []));
      s.push(h);
    }
  }
  // The held locks taken at a site, made into lock objects when a blocked task asks.
  const heldAtSiteLocks = new Map<string, Set<LockInfo>>();
  const heldAtSite = (site: string): Set<LockInfo> | undefined => {
    const entries = heldAtSiteIndex.get(site);
    if (!entries) return undefined;
    let out = heldAtSiteLocks.get(site);
    if (!out) {
      out = new Set();
      for (const h of entries) {
        const l = h.addr ? byAddr(h.addr) : lockNamed(h.name!);
        if (l?.owner) out.add(l);
      }
      heldAtSiteLocks.set(site, out);
    }
    return out;
  };
  const lockAddrsMentioned = (t: ModelTask) => lockAddrsMentionedIn(t, hasLockAt);
  // 4. Waits named by frames: the argument register of a spinning slow path, else the
  //    lock whose address the waiter's own stack holds, else an anonymous lock per site.
  for (const w of waits.values()) {
    if (w.rule.kind !== 'lock') continue;
    const t = w.task;
    if (waiting.has(t.id)) continue;
    const type = w.rule.lockType ?? 'other';
    if (w.argAddr) {
      const l = byAddr(w.argAddr) ?? ensure(w.argAddr, null, type, []);
      if (l.type === 'other') l.type = type;
      const ev: Span[] = [{ line: w.frame.line, endLine: w.frame.line }];
      if (t.framesSpan) ev.push(t.framesSpan);
      addWaiter(
        l,
        t.id,
        'likely',
        `${w.frame.fn} was interrupted with the lock address in its first argument register`,
        ev,
      );
      continue;
    }
    const inStack = lockAddrsMentioned(t)
      .map((a) => byAddr(a)!)
      .filter((l) => l.type === type || l.type === 'other' || (type === 'ww_mutex' && l.type === 'mutex'));
    if (inStack.length === 1) {
      addWaiter(
        inStack[0],
        t.id,
        'likely',
        `its stack holds the address of this ${TYPE_WORD[type]}`,
        t.evidence.slice(0, 4),
      );
      continue;
    }
    const site = w.culprit?.fn ?? w.frame.fn;
    // A wrapper of a well-known lock names it (rtnl_lock → rtnl_mutex): the same node as
    // lockdep's class, so holders listed by lockdep are found. So does a function that
    // takes it inline — also a syscall entry the culprit search skips (2.6's sys_mprotect).
    const caller = w.caller;
    // A taker of a lock of another type than the wait's is not what the task waits for.
    const ofType = (x: ReturnType<typeof lockTakenBy>) =>
      x && (!x.type || type === 'other' || x.type === type) ? x : undefined;
    const siteTakes = ofType(lockTakenBy(site));
    const wrapper = siteTakes ?? (caller && caller.fn !== site ? ofType(lockTakenBy(caller.fn)) : undefined);
    // The function that takes the lock, and its line (the end of the wait's evidence).
    const taker = siteTakes || !wrapper || !caller ? (w.culprit ?? null) : caller;
    const from = taker?.fn ?? site;
    // mmap_lock is one per mm: threads of one process share it (same tgid; failing that,
    // the same comm is a guess).
    if (wrapper?.name === 'mmap_lock' && (type === 'rwsem' || type === 'other')) {
      const key = mmKey(t);
      const l = lockNamed(`mmap_lock@${key.id}`) ?? ensure(null, `mmap_lock@${key.id}`, 'rwsem', []);
      mmLocks.set(key.id, l);
      addWaiter(
        l,
        t.id,
        key.sure ? 'likely' : 'guess',
        `it waits for the mmap_lock of ${key.what} in ${w.api.fn} (from ${from})`,
        [{ line: w.frame.line, endLine: taker?.line ?? w.frame.line }],
      );
      continue;
    }
    if (wrapper && !wrapper.perObject) {
      const known = lockNamed(wrapper.name) ?? ensure(null, wrapper.name, type, []);
      addWaiter(
        known,
        t.id,
        'likely',
        `it is blocked in ${w.api.fn} called from ${from}, which takes ${wrapper.name}`,
        [{ line: w.frame.line, endLine: taker?.line ?? w.frame.line }],
      );
      continue;
    }
    // lockdep says some task holds a lock it took at this very call site: a task blocked
    // there most likely waits for that lock.
    const takenHere = heldAtSite(site);
    if (takenHere && takenHere.size === 1) {
      const l = [...takenHere][0];
      if (!l.waiters.has(t.id) && l.owner?.task !== t.id) {
        if (l.type === 'other') l.type = type;
        addWaiter(
          l,
          t.id,
          'likely',
          `it is blocked in ${w.api.fn} called from ${site}, where lockdep shows ${l.name ?? l.id} was taken by its holder`,
          [{ line: w.frame.line, endLine: w.culprit?.line ?? w.frame.line }],
        );
        continue;
      }
    }
    const l = ensure(null, `${TYPE_WORD[type]}@${site}`, type, []);
    addWaiter(
      l,
      t.id,
      'likely',
      `${w.api.fn} in its stack: it waits for ${w.rule.what} taken in ${site} (address not in the dump)`,
      [{ line: w.frame.line, endLine: w.frame.line }],
    );
    // One lock of a per-object class (some device's mutex): a task whose frames hold a
    // lock of that class may be its owner (step 4c).
    if (wrapper?.perObject && FRAME_HELD_CLASSES.has(wrapper.name)) {
      let ls = classWaits.get(wrapper.name);
      if (!ls) classWaits.set(wrapper.name, (ls = new Set()));
      ls.add(l);
    }
  }

  // 4b. A spin in an interrupt handler on a lock the code it interrupted on the same CPU
  //     holds (stoppedHolding): that CPU's task waits for itself.
  for (const w of waits.values()) {
    const held = w.argAddr ? stoppedHolding(w) : null;
    const l = held ? byAddr(w.argAddr!) : undefined;
    if (!held || !l) continue;
    setOwner(l, w.task.id, 'likely', held.why, held.evidence);
  }

  // 4c. Locks held by a task's own frames (knowledge/frame-held-locks.ts): rtnetlink_rcv_msg
  //     runs its handler under rtnl, pci_walk_bus holds pci_bus_sem for read, a page fault
  //     holds its mm's mmap_lock for read (before 6.4's per-VMA locks). The dump does not
  //     state these owners: `likely` for a lock of which there is one (rtnl_mutex) or the
  //     one of the task's own mm, a `guess` for one lock of a per-object class.
  const frameOwned = resolveFrameHolders(model, waits, {
    mmLocks,
    classWaits,
    lockNamed: (name) => lockByName.get(name),
    setOwner,
  });

  // Index every stack word and register value once: address → tasks that hold it — when
  // step 5 has a lock to search for.
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
  // 5. Owners by address search: a lock nobody is recorded to own, whose address sits in
  //    exactly one other task's stack words or registers (how one finds a spinlock holder
  //    by hand with `search`). Only `likely`: a stale copy of an address also matches.
  for (const l of locks) {
    if (l.owner || !l.addr || l.waiters.size === 0) continue;
    if (l.locked === false) continue;
    const candidates = [...(holders.get(l.addr) ?? [])].filter((t) => !l.waiters.has(t.id) && !t.idle);
    if (candidates.length === 1) {
      const c = candidates[0];
      setOwner(
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

  // Emit nodes and edges.
  const out: Lock[] = [];
  const heldByFrames = new Set<string>();
  const linked = locks
    .filter((l) => l.waiters.size > 0 || l.guesses.length > 0 || l.takenWhileHeld.length > 0)
    .sort((a, b) => a.seq - b.seq);
  for (const l of linked) {
    // A lock known only through its waiters is evidenced by the lines that show them waiting.
    // (Pushed one by one: a spinlock with thousands of waiting CPUs has as many lists.)
    const spans = l.evidence.slice();
    for (const w of l.waiters.values()) for (const e of w.evidence) spans.push(e);
    const evidence = mergeSpans(spans);
    g.node(l.id, 'lock', lockLabel(l), { evidence: evidence.slice(0, 8) });
    // forEach: for-of over a Map's entries makes a [key, value] pair per waiter.
    l.waiters.forEach((w, task) => {
      const t = model.taskById.get(task);
      if (t) g.task(t);
      g.edge(task, l.id, 'waits_lock', w.confidence, w.why, w.evidence);
    });
    if (l.owner) {
      const t = model.taskById.get(l.owner.task);
      if (t) g.task(t);
      g.edge(l.id, l.owner.task, 'held_by', l.owner.confidence, l.owner.why, l.owner.evidence);
    }
    for (const co of l.coOwners) {
      if (l.waiters.has(co.task)) continue;
      const t = model.taskById.get(co.task);
      if (t) g.task(t);
      g.edge(
        l.id,
        co.task,
        'held_by',
        co.confidence ?? 'certain',
        typeof co.why === 'function' ? co.why() : co.why,
        co.evidence,
      );
    }
    for (const guess of l.guesses) {
      const t = model.taskById.get(guess.task);
      if (t) g.task(t);
      g.edge(l.id, guess.task, 'held_by', 'guess', guess.why, guess.evidence);
    }
    // Only `likely`: lockdep saw each order once; it does not say anyone waits now.
    for (const o of l.takenWhileHeld) g.edge(l.id, o.lock.id, 'lock_order', 'likely', o.why, o.evidence);
    out.push({
      id: l.id,
      addr: l.addr,
      name: l.name,
      type: l.type,
      owner: l.owner?.task ?? null,
      ownerConfidence: l.owner?.confidence ?? null,
      waiters: [...l.waiters.keys()],
      evidence: l.owner ? mergeSpans(evidence.concat(l.owner.evidence)) : evidence,
    });
    for (const task of frameOwned.get(l) ?? []) heldByFrames.add(`${l.id} ${task}`);
  }
  return { locks: out, heldByFrames };
}

interface FrameHolderScope {
  /** mmap_lock waits by mm (mmKey). */
  mmLocks: Map<string, LockInfo>;
  /** Waits for one lock of a per-object class, by class. */
  classWaits: Map<string, Set<LockInfo>>;
  /** The (first) lock made with this class name, if any. */
  lockNamed: (name: string) => LockInfo | undefined;
  setOwner: (l: LockInfo, task: string, confidence: Confidence, why: string, evidence: Span[]) => void;
}

/** A task whose frames hold a lock that somebody waits for (step 4c of resolveLocks). */
interface FrameHolder {
  task: ModelTask;
  hold: FrameHold;
  line: number;
  confidence: Confidence;
  weakNote: string | null;
}

/**
 * Owners of waited-for locks from the holders' own frames. One pass over the tasks;
 * each distinct stack is read once (stacks are interned), so a foreach bt of 17,000
 * tasks costs one frame walk per distinct stack. Returns the tasks each lock was linked
 * to by their frames.
 */
function resolveFrameHolders(
  model: Model,
  waits: Map<string, TaskWait>,
  scope: FrameHolderScope,
): Map<LockInfo, string[]> {
  const owned = new Map<LockInfo, string[]>();
  const globals = new Map<string, LockInfo>();
  for (const name of FRAME_HELD_CLASSES) {
    const l = scope.lockNamed(name);
    if (l && l.waiters.size > 0 && l.owner?.confidence !== 'certain') globals.set(name, l);
  }
  if (globals.size === 0 && scope.mmLocks.size === 0 && scope.classWaits.size === 0) return owned;
  const memo = new Map<readonly StackFrame[], FrameHold[]>();
  // Each task has at most one hold per lock class, so a task is added to a lock once.
  const found = new Map<LockInfo, FrameHolder[]>();
  const add = (l: LockInfo, h: FrameHolder) => {
    const list = found.get(l);
    if (list) list.push(h);
    else found.set(l, [h]);
  };
  // Holders of a per-object class, matched to its waited-for locks after the pass.
  const classHolders = new Map<string, FrameHolder[]>();
  for (const t of model.tasks) {
    if (t.idle || t.frames.length === 0) continue;
    let holds = memo.get(t.frames);
    if (!holds) memo.set(t.frames, (holds = locksHeldByFrames(t.frames)));
    for (const hold of holds) {
      const row = hold.row;
      if (row.before && !kernelBefore(model.kernel, row.before[0], row.before[1])) continue;
      const weak =
        row.weakFrom && kernelAtLeast(model.kernel, row.weakFrom.version[0], row.weakFrom.version[1])
          ? row.weakFrom.note
          : null;
      const line = t.frameLines[hold.index] ?? 0;
      if (row.lock === 'mmap_lock') {
        const mm = mmKey(t);
        const l = scope.mmLocks.get(mm.id);
        if (l) add(l, { task: t, hold, line, confidence: mm.sure && !weak ? 'likely' : 'guess', weakNote: weak });
      } else if (row.perObject) {
        if (!scope.classWaits.has(row.lock)) continue;
        let list = classHolders.get(row.lock);
        if (!list) classHolders.set(row.lock, (list = []));
        list.push({ task: t, hold, line, confidence: 'guess', weakNote: weak });
      } else {
        const l = globals.get(row.lock);
        if (l) add(l, { task: t, hold, line, confidence: weak ? 'guess' : 'likely', weakNote: weak });
      }
    }
  }
  // One lock of a class of many (some device's mutex): only a lone holder, other than
  // its waiters, is named. More holders than the lock has waiters + 1 leave two or more.
  classHolders.forEach((holders, cls) => {
    for (const l of scope.classWaits.get(cls)!) {
      if (holders.length > l.waiters.size + 1) continue;
      const lone = holders.filter((h) => !l.waiters.has(h.task.id));
      if (lone.length === 1) add(l, lone[0]);
    }
  });
  found.forEach((holders, l) => {
    const shared = holders[0].hold.row.mode === 'read';
    if (!shared && holders.length > 1) {
      // An exclusive lock has one owner: several stacks claiming it leave each a guess.
      owned.set(
        l,
        holders.slice(0, 3).map((h) => h.task.id),
      );
      for (const h of holders.slice(0, 3))
        l.guesses.push({
          task: h.task.id,
          why: `one of ${holders.length} tasks whose stack shows ${frameHoldWhy(h, waits)}`,
          evidence: [{ line: h.line, endLine: h.line }],
        });
      return;
    }
    owned.set(
      l,
      holders.map((h) => h.task.id),
    );
    for (const h of holders) {
      const why = l.waiters.has(h.task.id) ? selfHoldWhy(h) : frameHoldWhy(h, waits);
      const evidence = [{ line: h.line, endLine: h.line }];
      if (!l.owner) scope.setOwner(l, h.task.id, h.confidence, why, evidence);
      else if (l.owner.task !== h.task.id)
        l.coOwners.push({ task: h.task.id, why, evidence, confidence: h.confidence });
    }
  });
  return owned;
}

function heldWords(h: FrameHolder): string {
  const row = h.hold.row;
  return `the ${row.lock}${row.mode === 'read' ? ' for read' : ''}`;
}

function frameHoldWhy(h: FrameHolder, waits: Map<string, TaskWait>): string {
  const row = h.hold.row;
  const fn = h.task.frames[h.hold.index].fn;
  return `it is inside ${fn}${row.what ? ` (${row.what})` : ''}, which holds ${heldWords(h)} while it ${waits.has(h.task.id) ? 'waits' : 'runs'}${h.weakNote ? `; ${h.weakNote}` : ''}`;
}

function selfHoldWhy(h: FrameHolder): string {
  const row = h.hold.row;
  const fn = h.task.frames[h.hold.index].fn;
  return `its own outer frame ${fn}${row.what ? ` (${row.what})` : ''} already holds ${heldWords(h)}: it waits for a lock it holds${h.weakNote ? `; ${h.weakNote}` : ''}`;
}

/** Tasks a lockdep report names as trying to acquire a lock (`comm/pid is trying to acquire`). */
function lockdepReporters(
  facts: readonly LockFactRecord[],
  taskOf: (ref: TaskRef) => ModelTask | undefined,
): Set<string> {
  const out = new Set<string>();
  for (const f of facts) {
    if (f.format !== 'lockdep') continue;
    for (const w of f.waiters ?? []) {
      const t = taskOf(w);
      if (t) out.add(t.id);
    }
  }
  return out;
}

/** Which process's mm a task uses: its tgid when known, else (a guess) its comm. */
function mmKey(t: ModelTask): { id: string; sure: boolean; what: string } {
  if (t.tgid !== null) return { id: `tgid:${t.tgid}`, sure: true, what: `process ${t.tgid}` };
  return { id: `comm:${t.comm ?? t.id}`, sure: false, what: `${t.comm ?? 'its'} process (threads with the same name)` };
}

/** Is the release at least major.minor? Unknown releases are not. */
function kernelAtLeast(release: string | null, major: number, minor: number): boolean {
  const m = release ? /^(\d{1,2})\.(\d{1,3})/.exec(release) : null;
  if (!m) return false;
  return Number(m[1]) > major || (Number(m[1]) === major && Number(m[2]) >= minor);
}

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
        !isGenericFrame(f.fn) &&
        !matchWaitRule(f.fn) &&
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

/** Is the release known and older than major.minor? */
function kernelBefore(release: string | null, major: number, minor: number): boolean {
  return release !== null && /^\d{1,2}\.\d{1,3}/.test(release) && !kernelAtLeast(release, major, minor);
}

/** A lockdep dependency a report prints: `held` was held while `taken` was acquired. */
export interface LockOrderLink {
  held: string;
  taken: string;
  /** Where `taken` was acquired (its saved trace's first frame past lock primitives). */
  site: string | null;
  /** The chain entries that name `taken` (its saved trace) and `held`. */
  span: Span;
  heldSpan: Span;
}

/**
 * The cycle a lockdep circular report prints (kernel/locking/lockdep.c print_circular_bug):
 * entry #i (i ≥ 1) was taken, at its saved trace, while #(i-1) was held, and the reporter
 * takes #0 while holding the last entry (`but task is already holding lock:`), so the
 * chain closes on itself. Links in chain order; none for a chain of fewer than two locks.
 */
export function lockOrderLinks(ch: LockdepChainRecord): LockOrderLink[] {
  const entries = ch.entries.slice().sort((a, b) => a.index - b.index);
  if (entries.length < 2) return [];
  const out: LockOrderLink[] = [];
  const link = (held: (typeof entries)[number], taken: (typeof entries)[number]) => {
    if (held.name !== taken.name)
      out.push({
        held: held.name,
        taken: taken.name,
        site: acquireSite(taken.frames),
        span: taken.span,
        heldSpan: held.span,
      });
  };
  for (let i = 1; i < entries.length; i++) link(entries[i - 1], entries[i]);
  link(entries[entries.length - 1], entries[0]);
  return out;
}

/** The function that took a lock in a lockdep saved stack: past plumbing and primitives. */
export function acquireSite(frames: string[]): string | null {
  for (const fn of frames) {
    if (LOCKDEP_PLUMBING.test(fn) || isGenericFrame(fn)) continue;
    if (matchWaitRule(fn)) continue;
    return fn;
  }
  return null;
}

/** Addresses of known locks among the task's stack words and registers. */
function lockAddrsMentionedIn(t: ModelTask, known: (addr: string) => boolean): string[] {
  const out = new Set<string>();
  for (const w of t.stackWords) if (known(w.value)) out.add(w.value);
  for (const v of Object.values(t.registers ?? {})) if (known(v)) out.add(v);
  return [...out];
}

/** Does the task's stack words or registers contain this address? */
export function mentions(t: ModelTask, addr: string): boolean {
  if (t.registers) for (const v of Object.values(t.registers)) if (v === addr) return true;
  for (const w of t.stackWords) if (w.value === addr) return true;
  return false;
}

function mentionSpans(t: ModelTask, addr: string): Span[] {
  const out: Span[] = [];
  for (const w of t.stackWords) if (w.value === addr) out.push({ line: w.line, endLine: w.line });
  if (t.registers && Object.values(t.registers).includes(addr) && t.framesSpan) out.push(t.framesSpan);
  return mergeSpans(out).slice(0, 6);
}
