// Held-lock entries (lockdep "N locks held by") that no lock object stands for yet.
//
// A lockdep list of 100,000 held locks names tens of thousands of locks nobody waits on,
// and only locks with a waiter are drawn: resolveLocks sets such entries aside here and
// makes their lock when something asks for it. Setting aside is a push onto a list; the
// index by lock key is built on the first question, so a dump in which nobody waits on
// a lock never builds it.

import type { HeldLockRecord } from '../../parse/records.js';

export class DeferredHeld {
  /** Entries set aside before the index was built (indexes into `held`). */
  private queue: number[] = [];
  private indexed = false;
  /** Entries by the lock's address, and by name for locks printed without one. */
  private byAddr = new Map<string, number[]>();
  private byName = new Map<string, number[]>();
  /** The first entry naming each lock class (it would have named its lock first). */
  private first = new Map<string, number>();
  private namedKeys = new Set<string>();

  constructor(private readonly held: readonly HeldLockRecord[]) {}

  /** Set entry k aside (entries come in text order). */
  defer(k: number): void {
    if (this.indexed) this.add(k);
    else this.queue.push(k);
  }

  /** Are entries set aside for a lock at this address? */
  hasAddr(addr: string): boolean {
    return this.index().byAddr.has(addr);
  }

  /** The entries of the lock with this key, removed (the caller makes the lock now). */
  take(addr: string | null, name: string | null): number[] | undefined {
    const ix = this.index();
    if (addr) {
      const list = ix.byAddr.get(addr);
      if (list) ix.byAddr.delete(addr);
      return list;
    }
    if (!name) return undefined;
    const list = ix.byName.get(name);
    if (list) ix.byName.delete(name);
    return list;
  }

  /** The first entry set aside that names this lock class, if still set aside. */
  firstNaming(name: string): number | undefined {
    return this.index().first.get(name);
  }

  /** Entry k no longer stands first for this name (its lock was made). */
  forgetFirst(name: string, k: number | undefined): void {
    if (this.first.get(name) === k) this.first.delete(name);
  }

  private index(): this {
    if (!this.indexed) {
      this.indexed = true;
      for (const k of this.queue) this.add(k);
      this.queue = [];
    }
    return this;
  }

  private add(k: number): void {
    const h = this.held[k];
    const key = h.addr ?? h.name!;
    const into = h.addr ? this.byAddr : this.byName;
    const list = into.get(key);
    // The first named entry of a lock names it (and may make it "the lock of that name").
    if (h.name && !this.namedKeys.has(key)) {
      this.namedKeys.add(key);
      if (!this.first.has(h.name)) this.first.set(h.name, k);
    }
    if (list) list.push(k);
    else into.set(key, [k]);
  }
}
