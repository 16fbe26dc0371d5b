// Names and numbers for prose (verdict, finding summaries).
//
// A lock the dump gives no address for is keyed by the resolve stage (resolve/locks/) with
// an internal name that keeps distinct locks apart: `mmap_lock@tgid:<n>` (one mm per
// process, threads grouped by thread-group id), `mmap_lock@comm:<name>` (no tgid printed:
// threads grouped by command name, a guess), and `<type>@<function>` (an anonymous lock
// per call site), `<type>@<function>#<pid>` (the one of a per-object class that the
// waiting task itself holds, kept apart from other tasks' at the same site), `<type>@<function>~<pid>`
// (a stack cut right after the lock's slow path: its taker is not shown). Those keys are fine as node ids; a person reads what they stand for.

const LOCK_PREFIX = 'lock:';

/** A lock id's internal key in words, or null when the id is an address or a class name. */
export function lockKeyInWords(id: string): string | null {
  if (!id.startsWith(LOCK_PREFIX)) return null;
  const key = id.slice(LOCK_PREFIX.length);
  const at = key.indexOf('@');
  if (at <= 0) return null;
  const what = key.slice(0, at);
  const where = key.slice(at + 1);
  if (what === 'mmap_lock') {
    if (where.startsWith('tgid:')) return `the mmap_lock of process ${where.slice(5)}`;
    if (where.startsWith('comm:task:')) return `the mmap_lock of task ${where.slice(10)}'s process`;
    if (where.startsWith('comm:')) return `the mmap_lock of the ${where.slice(5)} processes (grouped by name: a guess)`;
    return null;
  }
  const type = ANON_TYPES[what];
  // `<type>@<function>#<pid>`: the one of a per-object class that task's own frames hold.
  const own = /^([\w.$]+)#(\d{1,9})$/.exec(where);
  if (type && own) return `${type} taken in ${own[1]} (address not in the dump)`;
  // `<type>@<function>~<pid>`: a stack cut right after the lock's slow path.
  const cut = /^([\w.$]+)~([\w:@.-]{1,60})$/.exec(where);
  if (type && cut) return `${type} whose taker is not shown (the stack ends at ${cut[1]}; address not in the dump)`;
  if (!type || !/^[\w.$]+$/.test(where)) return null;
  return `${type} taken in ${where} (address not in the dump)`;
}

/** The anonymous-lock type words of resolve/locks/table.ts (TYPE_WORD) with their article. */
const ANON_TYPES: Record<string, string> = {
  mutex: 'a mutex',
  ww_mutex: 'a ww_mutex',
  spinlock: 'a spinlock',
  rwsem: 'an rwsem',
  semaphore: 'a semaphore',
  rwlock: 'an rwlock',
  rcu: 'an RCU lock',
  lock: 'a lock',
};

/** What prose calls a node: its label, except for locks keyed internally. */
export function proseName(id: string, label: string | undefined): string {
  return lockKeyInWords(id) ?? label ?? id;
}

/** 55680 → "55,680" (fixed, not the locale's: documents are byte-stable). */
export function countWords(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
