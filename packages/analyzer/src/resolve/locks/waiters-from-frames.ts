// Step 4 of lock resolution: waits named by the waiter's own frames — the argument
// register of a spinning slow path, else the lock whose address the waiter's stack holds,
// else a wrapper that names its lock (rtnl_lock → rtnl_mutex), else the lock lockdep shows
// taken at the same call site, else an anonymous lock per site.

import type { Span } from '../../contract.js';
import type { TaskWait } from '../../waits/find.js';
import { FRAME_HELD_CLASSES } from '../../knowledge/frame-held-locks.js';
import type { LockWrapper } from '../../knowledge/lock-wrappers.js';
import type { ModelTask } from '../../model/build.js';
import type { HeldLockRecord } from '../../parse/records.js';
import { locksHeldByFrames } from './frame-held.js';
import { rowApplies } from './row-applies.js';
import { locksByContainer, mmapLockAddrs, type ContainedLock } from './structs.js';
import { TYPE_WORD, type LockInfo, type LockTable } from './table.js';

/** What step 4 leaves for the frame-holders step (owners-from-frames.ts). */
export interface FrameWaits {
  /** mmap_lock waits by mm (mmKey). */
  mmLocks: Map<string, LockInfo>;
  /** Waits for one lock of a per-object class, by class. */
  classWaits: Map<string, Set<LockInfo>>;
}

export function waitersFromFrames(table: LockTable, waits: Map<string, TaskWait>): FrameWaits {
  const mmLocks = new Map<string, LockInfo>();
  const unaddressedMm: { t: ModelTask; key: ReturnType<typeof mmKey>; ev: Span[]; why: string }[] = [];
  const classWaits = new Map<string, Set<LockInfo>>();
  const heldAtSite = heldAtSiteLookup(table, waits);
  let mmapAt: ReturnType<typeof mmapLockAddrs> | undefined;
  let byContainer: ReturnType<typeof locksByContainer> | undefined;
  for (const w of waits.values()) {
    if (w.rule.kind !== 'lock') continue;
    const t = w.task;
    if (table.waiting.has(t.id)) continue;
    const type = w.rule.lockType ?? 'other';
    if (w.argAddr) {
      const l = table.byAddr(w.argAddr) ?? table.ensure(w.argAddr, null, type, []);
      if (l.type === 'other') l.type = type;
      const ev: Span[] = [{ line: w.frame.line, endLine: w.frame.line }];
      if (t.framesSpan) ev.push(t.framesSpan);
      table.addWaiter(
        l,
        t.id,
        'likely',
        `${w.frame.fn} was interrupted with the lock address in its first argument register`,
        ev,
      );
      continue;
    }
    const inStack = lockAddrsMentionedIn(t, (a) => table.hasLockAt(a))
      .map((a) => table.byAddr(a)!)
      .filter((l) => l.type === type || l.type === 'other' || (type === 'ww_mutex' && l.type === 'mutex'));
    if (inStack.length === 1) {
      table.addWaiter(
        inStack[0],
        t.id,
        'likely',
        `its stack holds the address of this ${TYPE_WORD[type]}`,
        t.evidence.slice(0, 4),
      );
      continue;
    }
    // A lock the session dumped through the struct that embeds it (`struct inode.i_rwsem
    // INODE`): the task's stack holds that struct's address (the inode it was locking).
    if (inStack.length === 0) {
      byContainer ??= locksByContainer(table);
      const inContainer = byContainer.size ? embeddedLocksMentionedIn(t, byContainer, type) : [];
      if (inContainer.length === 1) {
        const { lock, container } = inContainer[0];
        table.addWaiter(
          lock,
          t.id,
          'likely',
          `its stack holds the address of the ${container.type} ${container.at}, whose ${container.member} this is`,
          t.evidence.slice(0, 4),
        );
        continue;
      }
    }
    let site = w.culprit?.fn ?? w.frame.fn;
    // A wrapper of a well-known lock names it (rtnl_lock → rtnl_mutex): the same node as
    // lockdep's class, so holders listed by lockdep are found. So does a function that
    // takes it inline — also a syscall entry the culprit search skips (2.6's sys_mprotect).
    const caller = w.caller;
    // A taker of a lock of another type than the wait's is not what the task waits for;
    // a row that names the wait's primitive (`via`) comes before the function's others.
    const ofType = (x: LockWrapper | undefined) => {
      if (!x) return undefined;
      const rows = x.also ? [x, ...x.also] : [x];
      for (const y of rows) if (y.via && w.run.some((fn) => y.via!.test(fn))) return y;
      for (const y of rows) if (!y.via && (!y.type || type === 'other' || y.type === type)) return y;
      return undefined;
    };
    // The frame right outside the primitive takes the lock even when it is a wait of
    // its own that the culprit search skips (sync_inodes_sb → s_sync_lock).
    const direct = w.directCaller;
    const directTakes =
      direct && direct.fn !== site && w.known.waitRule(direct) ? ofType(w.known.lockTaken(direct.fn)) : undefined;
    if (directTakes) site = direct!.fn;
    const siteTakes = directTakes ?? ofType(w.known.lockTaken(site));
    const wrapper = siteTakes ?? (caller && caller.fn !== site ? ofType(w.known.lockTaken(caller.fn)) : undefined);
    // The function that takes the lock, and its line (the end of the wait's evidence).
    const taker = directTakes ? direct : siteTakes || !wrapper || !caller ? (w.culprit ?? null) : caller;
    const from = taker?.fn ?? site;
    // mmap_lock is one per mm: threads of one process share it (same tgid; failing that,
    // the same comm is a guess).
    if (wrapper?.name === 'mmap_lock' && (type === 'rwsem' || type === 'other')) {
      const key = mmKey(t);
      const ev: Span[] = [{ line: w.frame.line, endLine: taker?.line ?? w.frame.line }];
      // A crash session that walked from this task to its mm's lock gives the lock's
      // address: the same lock as that rwsem's own dump (and its owner field).
      mmapAt ??= mmapLockAddrs(table.model);
      const at = t.taskAddr ? mmapAt.get(t.taskAddr) : undefined;
      if (at) {
        const l = table.ensure(at.addr, 'mmap_lock', 'rwsem', []);
        mmLocks.set(key.id, l);
        table.addWaiter(
          l,
          t.id,
          'likely',
          `it waits for the mmap_lock of ${key.what} in ${w.api.fn} (from ${from}); the session shows that mm's mmap_lock at ${at.addr}`,
          [...ev, ...at.evidence],
        );
        continue;
      }
      // Decided after every wait is seen: another thread of the process may be one the
      // session walked to its mm's lock.
      unaddressedMm.push({
        t,
        key,
        ev,
        why: `it waits for the mmap_lock of ${key.what} in ${w.api.fn} (from ${from})`,
      });
      continue;
    }
    if (wrapper && !wrapper.perObject) {
      const known = table.lockNamed(wrapper.name) ?? table.ensure(null, wrapper.name, type, []);
      table.addWaiter(
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
        table.addWaiter(
          l,
          t.id,
          'likely',
          `it is blocked in ${w.api.fn} called from ${site}, where lockdep shows ${l.name ?? l.id} was taken by its holder`,
          [{ line: w.frame.line, endLine: w.culprit?.line ?? w.frame.line }],
        );
        continue;
      }
    }
    // A per-object class the kernel never nests, one of which the task's own outer frames
    // hold: it waits for that one, not for the lock other tasks blocked at the same site
    // want (each cifs task re-locking its own tree connection's mutex).
    const own = wrapper?.perObject && holdsUnnested(t, wrapper.name, w, table.model.kernel);
    // A stack cut right after the lock's slow path (`[...]` under rwsem_down_write_failed)
    // does not show who takes the lock: the slow path is no call site, and two tasks cut
    // there need not wait for one lock. Keyed per task (`<type>@<fn>~<pid>`).
    const cut = !w.culprit && !wrapper && !takenHere;
    const key = cut
      ? `${TYPE_WORD[type]}@${site}~${t.pid ?? t.id}`
      : `${TYPE_WORD[type]}@${site}${own ? `#${t.pid ?? t.id}` : ''}`;
    const l = table.ensure(null, key, type, []);
    table.addWaiter(
      l,
      t.id,
      'likely',
      cut
        ? `${w.api.fn} in its stack: it waits for ${w.rule.what}; the stack ends there, so what takes the lock is not shown (address not in the dump)`
        : `${w.api.fn} in its stack: it waits for ${w.rule.what} taken in ${site} (address not in the dump)`,
      [{ line: w.frame.line, endLine: w.frame.line }],
    );
    // One lock of a per-object class (some device's mutex): a task whose frames hold a
    // lock of that class may be its owner (owners-from-frames.ts); a class told apart by
    // its primitive (a superblock's percpu freeze protection) pairs its readers with the
    // writer they queue behind (rwsem-queue.ts).
    if (wrapper?.perObject && (FRAME_HELD_CLASSES.has(wrapper.name) || wrapper.via)) {
      let ls = classWaits.get(wrapper.name);
      if (!ls) classWaits.set(wrapper.name, (ls = new Set()));
      ls.add(l);
    }
  }
  // An mmap_lock wait with no address of its own: the lock of its mm when the session
  // walked another thread of that process to it (the threads share the mm), else one
  // lock per mm, named.
  for (const u of unaddressedMm) {
    const l =
      mmLocks.get(u.key.id) ??
      table.lockNamed(`mmap_lock@${u.key.id}`) ??
      table.ensure(null, `mmap_lock@${u.key.id}`, 'rwsem', []);
    if (!mmLocks.has(u.key.id)) mmLocks.set(u.key.id, l);
    table.addWaiter(
      l,
      u.t.id,
      u.key.sure ? 'likely' : 'guess',
      l.addr ? `${u.why}; the session shows that mm's mmap_lock at ${l.addr} (by another of its threads)` : u.why,
      u.ev,
    );
  }
  return { mmLocks, classWaits };
}

/**
 * The locks lockdep lists as held, by the function that took them (`at: foo_ioctl+0x2a`),
 * made into lock objects when a blocked task asks for its site. Only a task blocked on a
 * lock asks: a lockdep list of 100,000 held locks in a dump with no such task is not
 * indexed for nothing.
 */
function heldAtSiteLookup(table: LockTable, waits: Map<string, TaskWait>): (site: string) => Set<LockInfo> | undefined {
  const index = new Map<string, HeldLockRecord[]>();
  let lockWaits = false;
  for (const w of waits.values()) if (w.rule.kind === 'lock') lockWaits = true;
  if (lockWaits) {
    for (const h of table.held) {
      if (!h.at || (!h.addr && !h.name)) continue;
      const at = h.at.replace(/\+0x.*$/, '');
      let s = index.get(at);
      if (!s) index.set(at, (s = []));
      s.push(h);
    }
  }
  const made = new Map<string, Set<LockInfo>>();
  return (site) => {
    const entries = index.get(site);
    if (!entries) return undefined;
    let out = made.get(site);
    if (!out) {
      out = new Set();
      for (const h of entries) {
        const l = h.addr ? table.byAddr(h.addr) : table.lockNamed(h.name!);
        if (l?.owner) out.add(l);
      }
      made.set(site, out);
    }
    return out;
  };
}

/** Which process's mm a task uses: its tgid when known, else (a guess) its comm. */
export function mmKey(t: ModelTask): { id: string; sure: boolean; what: string } {
  if (t.tgid !== null) return { id: `tgid:${t.tgid}`, sure: true, what: `process ${t.tgid}` };
  return { id: `comm:${t.comm ?? t.id}`, sure: false, what: `${t.comm ?? 'its'} process (threads with the same name)` };
}

/** Addresses of known locks among the task's stack words and registers. */
/** The embedded locks of a wait's type whose container address the task's stack or
 *  registers hold. */
function embeddedLocksMentionedIn(
  t: ModelTask,
  byContainer: Map<string, ContainedLock[]>,
  type: string,
): ContainedLock[] {
  const out = new Set<ContainedLock>();
  const look = (v: string) => {
    for (const e of byContainer.get(v) ?? []) if (type === 'other' || e.lock.type === type) out.add(e);
  };
  for (const w of t.stackWords) look(w.value);
  for (const v of Object.values(t.registers ?? {})) look(v);
  return [...out];
}

function lockAddrsMentionedIn(t: ModelTask, known: (addr: string) => boolean): string[] {
  const out = new Set<string>();
  for (const w of t.stackWords) if (known(w.value)) out.add(w.value);
  for (const v of Object.values(t.registers ?? {})) if (known(v)) out.add(v);
  return [...out];
}

/** Do the task's own frames hold a lock of this class that the kernel never nests — or,
 *  for a class it nests (`selfGuess`), does it take one in an interrupt on top of task
 *  frames that hold one (the handler may spin on the lock the code it stopped holds)? */
function holdsUnnested(t: ModelTask, cls: string, w: TaskWait, kernel: string | null): boolean {
  const inInterrupt = inInterruptFrame(w);
  return locksHeldByFrames(t.frames, w.known).some(
    (h) => h.row.lock === cls && (h.row.unnested || (h.row.selfGuess && inInterrupt)) && rowApplies(h.row, kernel),
  );
}

/** Is the wait's taker an interrupt's frame (hard IRQ, softirq on the IRQ stack, NMI)? */
export function inInterruptFrame(w: TaskWait): boolean {
  const c = w.culprit?.context;
  return c === 'irq' || c === 'nmi';
}
