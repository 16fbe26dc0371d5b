// What crash struct dumps mean. One row per kernel type: which fields say who owns a
// lock, who waits, whether a cross-CPU call was answered. Field names follow the
// kernel's structs across versions (3.10's mutex.owner pointer, 4.10+'s atomic owner
// with flag bits, qspinlock's val, csd flags vs. node.u_flags).

import type { LockType } from '../contract.js';
import type { StructDump } from '../parse/records.js';

export interface LockStateFact {
  /** The lock's address, or null for a dump of a global variable (then `name`). */
  addr: string | null;
  /** The variable dumped (`struct mutex.owner rtnl_mutex`): the lock's lockdep class
   *  name too, as lockdep names a statically defined lock after its variable. */
  name: string | null;
  type: LockType;
  /** task_struct address of the owner, flags masked; null when no owner is recorded. */
  ownerAddr: string | null;
  /** The owner's pid, for locks that record a pid instead (btrfs extent_buffer). */
  ownerPid?: number | null;
  /** How sure the owner field is: a reader-owned rwsem's owner is the last reader that
   *  took it, the holder only when one reader holds it (`likely`); else `certain`. */
  ownerConfidence?: 'likely';
  /** Why the owner field names the holder, when it needs saying (`ownerConfidence`). */
  ownerWhy?: string;
  /** The lock is held (from a count/val field) even if the owner is not recorded. */
  locked: boolean | null;
  /** First waiter node address on wait_list, when the list is not empty. */
  firstWaiter: string | null;
  source: string;
  /** A lock dumped through the struct that embeds it (`struct inode.i_rwsem INODE`): that
   *  struct. Without the lock's own address (crash prints it only with `-o`) the lock is
   *  named after it: `inode.i_rwsem@ffffa0e401865638`. */
  container?: EmbeddedLockAt;
}

/** Where an embedded lock lives: the embedding struct's type and address, the member. */
export interface EmbeddedLockAt {
  type: string;
  /** The embedding struct's address (or the global variable dumped). */
  at: string;
  member: string;
}

export interface WaiterFact {
  addr: string | null;
  taskAddr: string;
  /** list pointers: they point into the lock's wait_list. */
  listPtrs: string[];
  source: string;
}

export interface CsdFact {
  addr: string;
  locked: boolean;
  func: string | null;
}

export interface CfdFact {
  cpu: number;
  /** Per-cpu offset of the csd array (cfd->csd). */
  csdOffset: string | null;
  cpumaskAddr: string | null;
}

function hex(v: string | undefined): string | null {
  if (!v) return null;
  const m = /^(?:0x)?([0-9a-f]{1,16})\b/i.exec(v.trim());
  return m ? m[1].toLowerCase() : null;
}

/** An atomic_long_t owner word as crash prints it: hex with `-x` / `set hex`, else gdb's
 *  signed decimal (`counter = -51822134688203647`, a kernel address with the top bit
 *  set), which is the same 64 bits in two's complement. */
function ownerWord(v: string | undefined): string | null {
  if (!v) return null;
  const t = v.trim();
  const m = /^(-?)(\d{1,20})$/.exec(t);
  if (!m || /^0x/i.test(t)) return hex(t);
  let n = BigInt(m[2]);
  if (m[1] === '-') n = (1n << 64n) - n;
  if (n < 0n || n >= 1n << 64n) return null;
  return n.toString(16);
}

function num(v: string | undefined): number | null {
  if (v === undefined) return null;
  const t = v.trim();
  if (/^-?\d+$/.test(t)) return Number(t);
  if (/^0x[0-9a-f]+$/i.test(t)) return Number.parseInt(t, 16);
  return null;
}

/** Owner pointers carry flag bits in the low 3 bits (MUTEX_FLAGS, RWSEM_OWNER_FLAGS_MASK). */
export function maskOwner(v: string | null): string | null {
  if (!v) return null;
  const n = BigInt('0x' + v) & ~0x7n;
  if (n === 0n) return null;
  return n.toString(16).padStart(16, '0');
}

function field(d: StructDump, ...names: string[]): string | undefined {
  for (const n of names) if (d.fields[n] !== undefined) return d.fields[n];
  return undefined;
}

interface LockReader {
  types: RegExp;
  lockType: LockType;
  read(d: StructDump): Omit<LockStateFact, 'addr' | 'name' | 'type' | 'source'>;
}

/** struct types that are locks. */
export const LOCK_READERS: LockReader[] = [
  {
    // kernel/locking/mutex.c: owner is a task pointer (3.10) or atomic_long with flags (4.10+).
    types: /^(?:mutex|ww_mutex)$/,
    lockType: 'mutex',
    read(d) {
      const owner = maskOwner(ownerWord(field(d, 'owner', 'owner.counter', 'base.owner', 'base.owner.counter')));
      const count = num(field(d, 'count.counter'));
      return {
        ownerAddr: owner,
        locked: owner ? true : count !== null ? count < 1 : null,
        firstWaiter: hex(field(d, 'wait_list.next', 'base.wait_list.next')),
      };
    },
  },
  {
    // kernel/locking/rwsem.c: owner = writer task | RWSEM_READER_OWNED(1) | NONSPINNABLE(2).
    // Reader-owned, it is the last reader that took the lock ("only a hint", rwsem.c);
    // since 5.3 count holds the readers above RWSEM_READER_SHIFT (8) and the writer bit
    // (0): with exactly one reader and no writer, that reader is most likely the one.
    types: /^rw_semaphore$/,
    lockType: 'rwsem',
    read(d) {
      const raw = ownerWord(field(d, 'owner', 'owner.counter'));
      const readerOwned = raw ? (BigInt('0x' + raw) & 1n) === 1n : false;
      const base = { locked: null, firstWaiter: hex(field(d, 'wait_list.next')) };
      if (!readerOwned) return { ...base, ownerAddr: maskOwner(raw) };
      const count = num(field(d, 'count.counter', 'count'));
      const reader = maskOwner(raw);
      if (reader && count !== null && count > 0 && count < 2 ** 32 && count >> 8 === 1 && (count & 1) === 0)
        return {
          ...base,
          locked: true,
          ownerAddr: reader,
          ownerConfidence: 'likely',
          ownerWhy: `it is read-held by one reader (count ${field(d, 'count.counter', 'count')}) and its owner field names the last reader to take it`,
        };
      return { ...base, ownerAddr: null };
    },
  },
  {
    // fs/xfs/xfs_buf.c with XFS_BUF_LOCK_TRACKING: xfs_buf_lock/xfs_buf_trylock set
    // `bp->b_last_holder = current->pid` once they hold b_sema (removed upstream by
    // fa6c668d807b "xfs: remove b_last_holder & associated macros"; debug kernels and
    // people chasing a buffer-lock hang put it back).
    types: /^(?:xfs_buf|xfs_buf_t)$/,
    lockType: 'semaphore',
    read(d) {
      const pid = num(field(d, 'b_last_holder'));
      const count = num(field(d, 'b_sema.count'));
      return {
        ownerAddr: null,
        ownerPid: pid !== null && pid > 0 ? pid : null,
        // The last task that took the lock: its holder while the lock is held, which a
        // task waiting for it says.
        ownerConfidence: 'likely',
        ownerWhy: `its b_last_holder field is pid ${pid}, the last task that took the buffer lock`,
        locked: count !== null ? count <= 0 : null,
        firstWaiter: hex(field(d, 'b_sema.wait_list.next')),
      };
    },
  },
  {
    // fs/btrfs/locking.c btrfs_tree_lock_nested: `eb->lock_owner = current->pid` after
    // taking eb->lock (an rw_semaphore since 5.13, btrfs' own rwlock before) for write; 0
    // when no writer holds it. Readers are not recorded.
    types: /^extent_buffer$/,
    lockType: 'rwsem',
    read(d) {
      const pid = num(field(d, 'lock_owner'));
      return {
        ownerAddr: null,
        ownerPid: pid !== null && pid > 0 ? pid : null,
        locked: pid !== null && pid > 0 ? true : null,
        firstWaiter: null,
      };
    },
  },
  {
    types: /^semaphore$/,
    lockType: 'semaphore',
    read(d) {
      const count = num(field(d, 'count'));
      return {
        ownerAddr: null,
        locked: count !== null ? count <= 0 : null,
        firstWaiter: hex(field(d, 'wait_list.next')),
      };
    },
  },
  {
    // qspinlock: val != 0 means locked (locked byte, pending, tail).
    types: /^(?:arch_spinlock_t|raw_spinlock_t|raw_spinlock|spinlock_t|spinlock|qspinlock)$/,
    lockType: 'spinlock',
    read(d) {
      const v = num(
        field(d, 'val.counter', 'rlock.raw_lock.val.counter', 'raw_lock.val.counter', 'locked', 'head_tail'),
      );
      return { ownerAddr: null, locked: v === null ? null : v !== 0, firstWaiter: null };
    },
  },
];

const WAITER_TYPES = /^(?:mutex_waiter|rwsem_waiter|semaphore_waiter|rt_mutex_waiter)$/;
const CSD_TYPES = /^(?:call_single_data|__call_single_data|call_single_data_t)$/;
const CFD_TYPES = /^(?:cfd_data|call_function_data)$/;
const CPUMASK_TYPES = /^(?:cpumask|cpumask_t|cpumask_var_t)$/;

export function readLockState(d: StructDump): LockStateFact | null {
  if (!d.addr && !d.symbol) return null;
  for (const r of LOCK_READERS) {
    if (r.types.test(d.type))
      return {
        addr: d.addr,
        name: d.addr ? null : (d.symbol ?? null),
        type: r.lockType,
        source: `struct ${d.type}`,
        ...r.read(d),
      };
  }
  const e = readEmbeddedLock(d);
  if (!e || Object.keys(e.lock.fields).length === 0) return null;
  const r = LOCK_READERS.find((x) => x.types.test(e.lock.type));
  if (!r) return null;
  return {
    addr: e.lock.addr,
    name: e.lock.addr ? null : embeddedLockName(e.container),
    type: r.lockType,
    source: `struct ${d.type}.${e.container.member}`,
    container: e.container,
    ...r.read(e.lock),
  };
}

/** The name of an embedded lock whose own address the dump does not give. */
export function embeddedLockName(c: EmbeddedLockAt): string {
  return `${c.type}.${c.member}@${c.at}`;
}

// Locks people reach through the struct that embeds them, by the member's name: the
// container's type, the member, the lock's own struct type (read by LOCK_READERS) and the
// path inside the member to it (XFS's mrlock_t wraps its rw_semaphore as mr_lock).
interface EmbeddedLockRow {
  container: RegExp;
  member: string;
  lockType: string;
  inner?: string;
  source: string;
}

export const EMBEDDED_LOCKS: readonly EmbeddedLockRow[] = [
  {
    container: /^inode$/,
    member: 'i_rwsem',
    lockType: 'rw_semaphore',
    source: 'include/linux/fs.h struct inode (v4.7+)',
  },
  {
    container: /^inode$/,
    member: 'i_mutex',
    lockType: 'mutex',
    source: 'include/linux/fs.h struct inode (before v4.7, when i_rwsem replaced it)',
  },
  {
    container: /^super_block$/,
    member: 's_umount',
    lockType: 'rw_semaphore',
    source: 'include/linux/fs.h struct super_block',
  },
  {
    container: /^address_space$/,
    member: 'i_mmap_rwsem',
    lockType: 'rw_semaphore',
    source: 'include/linux/fs.h struct address_space (v3.19+)',
  },
  {
    container: /^xfs_inode(?:_t)?$/,
    member: 'i_lock',
    lockType: 'rw_semaphore',
    inner: 'mr_lock',
    source:
      'fs/xfs/xfs_inode.h struct xfs_inode: mrlock_t i_lock (its rw_semaphore mr_lock) before v5.14, a rw_semaphore since',
  },
  {
    container: /^xfs_inode(?:_t)?$/,
    member: 'i_iolock',
    lockType: 'rw_semaphore',
    inner: 'mr_lock',
    source: 'fs/xfs/xfs_inode.h struct xfs_inode: mrlock_t i_iolock (before v4.9, when the VFS i_rwsem took its place)',
  },
];

/** A container dump's embedded lock (EMBEDDED_LOCKS): the lock as a dump of its own type
 *  (fields re-rooted at the lock, its address when crash printed it with `-o`), and where
 *  it lives. Also for a `-o` dump that gives only the member's address. */
export function readEmbeddedLock(d: StructDump): { lock: StructDump; container: EmbeddedLockAt } | null {
  const at = d.addr ?? d.symbol;
  if (!at) return null;
  for (const row of EMBEDDED_LOCKS) {
    if (!row.container.test(d.type)) continue;
    const addr = d.memberAt?.[row.member] ?? null;
    const fields: Record<string, string> = {};
    let found = false;
    for (const prefix of row.inner ? [`${row.member}.${row.inner}.`, `${row.member}.`] : [`${row.member}.`]) {
      for (const k in d.fields)
        if (k.startsWith(prefix)) {
          fields[k.slice(prefix.length)] = d.fields[k];
          found = true;
        }
      if (found) break;
    }
    if (!found && !addr) continue;
    return {
      lock: { type: row.lockType, addr, symbol: null, cpu: null, fields, span: d.span },
      container: { type: d.type, at, member: row.member },
    };
  }
  return null;
}

export function readWaiter(d: StructDump): WaiterFact | null {
  if (!WAITER_TYPES.test(d.type)) return null;
  const task = hex(field(d, 'task'));
  if (!task || /^0+$/.test(task)) return null;
  const ptrs = ['list.next', 'list.prev', 'tree_entry.__rb_parent_color']
    .map((k) => hex(d.fields[k]))
    .filter((x): x is string => !!x);
  return { addr: d.addr, taskAddr: task.padStart(16, '0'), listPtrs: ptrs, source: `struct ${d.type}` };
}

export function readCsd(d: StructDump): CsdFact | null {
  if (!CSD_TYPES.test(d.type) || !d.addr) return null;
  // 3.10–5.7: `flags`; 5.8+: `node.u_flags` / `node.a_flags`. CSD_FLAG_LOCK is bit 0.
  const f = num(field(d, 'flags', 'node.u_flags', 'node.a_flags.counter', 'u_flags'));
  if (f === null) return null;
  const func = field(d, 'func');
  const sym = func ? (/<([\w.]+)>/.exec(func)?.[1] ?? null) : null;
  return { addr: d.addr, locked: (f & 1) === 1, func: sym };
}

export function readCfd(d: StructDump): CfdFact | null {
  if (!CFD_TYPES.test(d.type) || d.cpu === null) return null;
  return { cpu: d.cpu, csdOffset: hex(field(d, 'csd')), cpumaskAddr: hex(field(d, 'cpumask', 'cpumask_ipi')) };
}

/** `bits = {10, 0, 0, …}` → [1, 3]. */
export function readCpumask(d: StructDump): { addr: string | null; cpus: number[] } | null {
  if (!CPUMASK_TYPES.test(d.type)) return null;
  const bits = field(d, 'bits');
  if (!bits) return null;
  const words = bits
    .replace(/[{}\\\s]/g, '')
    .split(',')
    .filter((x) => x !== '');
  const cpus: number[] = [];
  words.slice(0, 64).forEach((w, k) => {
    let v: bigint;
    try {
      v = /^0x/i.test(w) ? BigInt(w) : BigInt(w.replace(/[^\d]/g, '') || '0');
    } catch {
      return;
    }
    for (let b = 0; b < 64 && v > 0n; b++, v >>= 1n) if (v & 1n) cpus.push(64 * k + b);
  });
  return { addr: d.addr, cpus };
}

/** A task_struct dump's `mm` (the process's memory descriptor; 0 for a kernel thread). */
export function readTaskMm(d: StructDump): { taskAddr: string; mm: string } | null {
  if (d.type !== 'task_struct' || !d.addr) return null;
  const mm = hex(d.fields.mm);
  if (!mm || /^0+$/.test(mm)) return null;
  return { taskAddr: d.addr, mm };
}

// The mm's lock of its address space: `mmap_sem` until 5.8, `mmap_lock` since
// (include/linux/mm_types.h, struct mm_struct; renamed by 5.8's "mmap locking API").
const MMAP_LOCK_MEMBERS = ['mmap_lock', 'mmap_sem'];

/** Where an mm_struct dump printed with member addresses (`-o`) puts its mmap_lock. */
export function readMmapLockAt(d: StructDump): { mm: string; lockAddr: string } | null {
  if (d.type !== 'mm_struct' || !d.addr || !d.memberAt) return null;
  for (const m of MMAP_LOCK_MEMBERS) {
    const at = d.memberAt[m];
    if (at) return { mm: d.addr, lockAddr: at };
  }
  return null;
}
