// The lock resolver's facts (resolve/locks.ts) as graph nodes and edges: a lock node per
// linked lock, `waits_lock` from each waiter, `held_by` to its owner, co-owners and
// guessed candidates, `lock_order` between locks lockdep saw taken in order.

import type { Lock, LockType } from '../contract.js';
import { mergeSpans, type Model } from '../model/build.js';
import type { ResolvedLocks } from '../resolve/locks.js';
import { TYPE_WORD } from '../resolve/locks/table.js';
import type { GraphBuilder } from './builder.js';

export function lockLabel(l: { addr: string | null; name: string | null; type: LockType }): string {
  if (l.addr) return `${TYPE_WORD[l.type]} ${l.addr}${l.name ? ` ${l.name}` : ''}`;
  return `${TYPE_WORD[l.type]} ${l.name ?? '?'}`;
}

export interface LockResolution {
  locks: Lock[];
  /** `held_by` edges known only from the holder's own frames (resolve step 4c), as
   *  `lockId taskId`: the dump does not state them. */
  heldByFrames: Set<string>;
}

export function drawLocks(resolved: ResolvedLocks, model: Model, g: GraphBuilder): LockResolution {
  const { linked, frameOwned } = resolved;
  // Tasks known only by their address first: the resolver met them first.
  resolved.addrOnlyTasks.forEach((t, id) => g.node(id, 'task', `task ${t.addr}`, { evidence: t.evidence }));
  const out: Lock[] = [];
  const heldByFrames = new Set<string>();
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
