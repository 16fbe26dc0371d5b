// Edge kinds in plain words, read along the arrow (from the waiter to what it waits
// for): "rmmod —flushes→ events —run by→ kworker/1:2 —waits for→ mutex —held by→ …".
// The contract's kind names (waits_lock, held_by, on_cpu) are identifiers, not labels.
import type { EdgeKind } from '@hangscope/analyzer';

export const EDGE_WORDS: Record<EdgeKind, string> = {
  waits_lock: 'waits for',
  held_by: 'held by',
  flushes: 'flushes',
  runs: 'run by',
  ipi_wait: 'waits for IPI from',
  on_cpu: 'runs',
  wakes: 'spins on',
  waits_event: 'waits for',
  starved_by: 'not run by',
  lock_order: 'held while taking',
};

/** What each kind means, for the legend. */
export const EDGE_MEANING: Record<EdgeKind, string> = {
  waits_lock: 'a task or CPU blocked or spinning on a lock',
  held_by: 'a lock and the task that owns it',
  flushes: 'a task waiting for a work item or workqueue to finish',
  runs: 'work and the worker executing it',
  ipi_wait: 'a CPU waiting for another CPU to answer a cross-CPU call',
  on_cpu: 'a CPU and the task occupying it',
  wakes: 'a task spinning until another gets off its CPU',
  waits_event: 'a completion, page/IO wait or RCU grace period',
  starved_by: 'a CPU with work that is not being run (e.g. by the host)',
  lock_order: 'lockdep saw the second lock taken while the first was held (a possible deadlock)',
};

export function edgeWords(kind: string): string {
  return EDGE_WORDS[kind as EdgeKind] ?? kind.replace(/_/g, ' ');
}
