// A lockdep report of a lock left held does not decide a text that holds a hang report.
//
// `WARNING: lock held when returning to user space!` (and `held lock freed!`, `bad unlock
// balance detected!`) says a task broke a lock's rules; nothing waits yet. When the same
// text holds the hang it caused (`INFO: task lvm:1344 blocked for more than 122
// seconds.` in __synchronize_srcu, waiting for the SRCU read side lvm/1318 left held), the
// hang is what the text reports and the lockdep warning its cause: the kind is the
// hang's, and the warning stays a finding (lock_left_held) and another report of the text.

import type { Kind } from '../contract.js';
import type { Records } from '../parse/records.js';
import { LOCK_LEFT_HELD_SUBTYPES } from '../knowledge/lockdep.js';

/** The kinds every report of which is a lockdep report of a lock left held, when the
 *  text holds a report of another kind too (empty otherwise). */
export function leftHeldKinds(records: Pick<Records, 'reports'>): ReadonlySet<Kind> {
  const leftHeldOnly = new Map<Kind, boolean>();
  for (const r of records.reports) {
    const leftHeld = r.format === 'lockdep' && !!r.subtype && LOCK_LEFT_HELD_SUBTYPES.has(r.subtype);
    leftHeldOnly.set(r.kind, (leftHeldOnly.get(r.kind) ?? true) && leftHeld);
  }
  const out = new Set<Kind>();
  for (const [k, only] of leftHeldOnly) if (only) out.add(k);
  return out.size > 0 && out.size < leftHeldOnly.size ? out : EMPTY;
}

/** `a` and `b` together (either when the other is empty). */
export function unionKinds(a: ReadonlySet<Kind>, b: ReadonlySet<Kind>): ReadonlySet<Kind> {
  if (b.size === 0) return a;
  if (a.size === 0) return b;
  return new Set([...a, ...b]);
}

const EMPTY: ReadonlySet<Kind> = new Set();
