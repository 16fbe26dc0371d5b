// Step 3f of lock resolution: a task blocked in synchronize_srcu waits for the tasks in
// a read-side section of that srcu_struct. Which srcu_struct a caller passes is a kernel
// fact (knowledge/srcu.ts); lockdep shows the read side as a held lock of the struct's
// class (`#0: ffff9372abb5a340 (&md->io_barrier){....}-{0:0}, at: dm_get_live_table`),
// also when a task returns to user space still holding it. The wait is drawn to that
// lock, whose holders the held-lock step already knows.
//
//   __synchronize_srcu+0xd1/0x160
//   __dm_suspend+0x6d/0x210 [dm_mod]      → waits on &md->io_barrier

import type { TaskWait } from '../../waits/find.js';
import { SRCU_SYNC_FN, srcuSyncSite } from '../../knowledge/srcu.js';
import type { LockTable } from './table.js';

export function waitersForSrcu(table: LockTable, waits: Map<string, TaskWait>): void {
  for (const w of waits.values()) {
    if (w.rule.kind !== 'rcu' || !SRCU_SYNC_FN.test(w.frame.fn)) continue;
    const t = w.task;
    if (table.waiting.has(t.id)) continue;
    const caller = w.caller;
    const site = caller ? srcuSyncSite(caller.fn) : undefined;
    if (!caller || !site) continue;
    for (const name of site.classes) {
      const l = table.lockNamed(name);
      if (!l || l.owner?.task === t.id) continue;
      table.addWaiter(
        l,
        t.id,
        'likely',
        `it waits in ${w.frame.fn} called from ${caller.fn}, which waits for the read-side sections of ${name} to end (${site.source})`,
        [{ line: w.frame.line, endLine: caller.line }],
      );
      break;
    }
  }
}
