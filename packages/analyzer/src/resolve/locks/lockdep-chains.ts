// Steps 3b and 3c of lock resolution: lockdep's dependency chains (the "-> #1 (…)" entries
// of a circular locking report, kernel/locking/lockdep.c print_circular_bug).

import type { Span } from '../../contract.js';
import type { TaskWait } from '../../waits/find.js';
import { LOCKDEP_PLUMBING } from '../../knowledge/arch.js';
import { isGenericFrame, matchWaitRule } from '../../knowledge/waits.js';
import type { LockdepChainRecord } from '../../parse/records.js';
import type { LockTable } from './table.js';

/**
 * Step 3b. Entry #i (i ≥ 1) of a chain was taken at its saved stack while holding entry
 * #(i-1). A task blocked at that same call site is most likely that acquirer: it waits for
 * lock #i and holds lock #(i-1). (print_circular_bug prints the chain in reverse order.)
 */
export function waitersFromLockdepChains(table: LockTable, waits: Map<string, TaskWait>): void {
  for (const ch of table.model.records.lockdepChains) {
    // Each link's predecessor by its index (the first entry of each index, as printed).
    const byIndex = new Map<number, (typeof ch.entries)[number]>();
    for (const e of ch.entries) if (!byIndex.has(e.index)) byIndex.set(e.index, e);
    for (const entry of ch.entries) {
      if (entry.index < 1) continue;
      const site = acquireSite(entry.frames);
      const prev = byIndex.get(entry.index - 1);
      if (!site || !prev) continue;
      for (const w of waits.values()) {
        if (w.rule.kind !== 'lock' || table.waiting.has(w.task.id) || w.culprit?.fn !== site) continue;
        const want =
          table.lockNamed(entry.name) ?? table.ensure(null, entry.name, w.rule.lockType ?? 'other', [entry.span]);
        const held = table.lockNamed(prev.name) ?? table.ensure(null, prev.name, 'other', [prev.span]);
        table.addWaiter(
          want,
          w.task.id,
          'likely',
          `it is blocked in ${site}, where lockdep recorded ${entry.name} being taken while ${prev.name} was held`,
          [entry.span, { line: w.frame.line, endLine: w.culprit.line }],
        );
        table.setOwner(
          held,
          w.task.id,
          'likely',
          `lockdep's chain: ${site} takes ${entry.name} while holding ${prev.name}, and this task is blocked there`,
          [entry.span],
        );
      }
    }
  }
}

/** Step 3c. The lock-order cycle a lockdep circular report prints: each lock held while
 *  the next was taken (lockOrderLinks). A possible deadlock, drawn as lock → lock edges. */
export function lockOrderFromChains(table: LockTable): void {
  for (const ch of table.model.records.lockdepChains) {
    for (const link of lockOrderLinks(ch)) {
      const held = table.lockNamed(link.held) ?? table.ensure(null, link.held, 'other', [link.heldSpan]);
      const taken = table.lockNamed(link.taken) ?? table.ensure(null, link.taken, 'other', [link.span]);
      if (held === taken || held.takenWhileHeld.some((o) => o.lock === taken)) continue;
      held.takenWhileHeld.push({
        lock: taken,
        why: link.irq
          ? `${link.held} is taken with interrupts enabled and ${link.taken} in an interrupt (lockdep's irq usage): an interrupt that takes ${link.taken} on a CPU whose code holds ${link.held} waits for it there`
          : link.implied
            ? `lockdep states that ${link.taken} already depends on ${link.held} (taken, directly or through other locks, while it was held); the chain that records where was cut from the text`
            : `lockdep recorded ${link.taken} taken while ${link.held} was held${link.site ? ` (in ${link.site})` : ''}: whoever holds ${link.held} there waits for ${link.taken}`,
        evidence: [link.span],
      });
    }
  }
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
  /** The link an interrupt makes (the closing link of an irq report's cycle). */
  irq?: true;
  /** Between a cut chain's ends: stated by the report, its intermediate locks not in the text. */
  implied?: true;
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
  const link = (held: (typeof entries)[number], taken: (typeof entries)[number], irq = false, implied = false) => {
    if (held.name !== taken.name)
      out.push({
        held: held.name,
        taken: taken.name,
        site: acquireSite(taken.frames),
        span: taken.span,
        heldSpan: held.span,
        ...(irq ? { irq: true as const } : {}),
        ...(implied ? { implied: true as const } : {}),
      });
  };
  // An implied entry's link, or one across indices that are not consecutive (a cut
  // chain's implied #0 before the first entry printed), is the dependency the report
  // states, not one recorded at a saved trace.
  for (let i = 1; i < entries.length; i++)
    link(entries[i - 1], entries[i], false, !!entries[i].implied || entries[i].index !== entries[i - 1].index + 1);
  // An irq report's cycle is closed by an interrupt taking the first class.
  link(entries[entries.length - 1], entries[0], ch.irq === true);
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
