// Step 3 (held locks): lockdep's "N locks held by" lists.
import { describe, expect, it } from 'vitest';
import { lockTableOf, ownerOf, waitersOf } from '../../testing/lock-table.js';
import { RM_BLOCKED_ON_DIR_LOCK } from '../../testing/lockdep-texts.js';
import { fromHeldLocks } from './held-locks.js';

const TEXT = RM_BLOCKED_ON_DIR_LOCK;

describe('fromHeldLocks', () => {
  it("a blocked task's last entry taken at its blocking site is the lock it waits for; others hold theirs", () => {
    const { table, waits } = lockTableOf(TEXT);
    fromHeldLocks(table, waits);
    expect(waitersOf(table, '0000000036f1c2aa')).toEqual([{ task: 'task:8830', confidence: 'likely' }]);
    expect(ownerOf(table, '0000000036f1c2aa')).toEqual({ task: 'task:8812', confidence: 'certain' });
  });

  it('a lock nobody waits for is set aside, and made with its holder when asked for', () => {
    const { table, waits } = lockTableOf(TEXT);
    fromHeldLocks(table, waits);
    expect(table.existing('00000000b3e8a1d7', null)).toBeUndefined();
    expect(table.byAddr('00000000b3e8a1d7')!.owner).toMatchObject({ task: 'task:8830', confidence: 'certain' });
  });

  it('without the blocked task every entry is held', () => {
    const { table, waits } = lockTableOf(TEXT.split('\n').slice(8).join('\n'));
    fromHeldLocks(table, waits);
    const l = table.byAddr('0000000036f1c2aa')!;
    expect(l.owner?.task).toBe('task:8812');
    expect(l.coOwners.map((c) => c.task)).toEqual(['task:8830']);
    expect(l.waiters.size).toBe(0);
  });
});
