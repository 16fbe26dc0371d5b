// Step 4a: an exclusive lock lockdep lists under several tasks — the acquirers wait, the
// one left holds it.
import { describe, expect, it } from 'vitest';
import { lockTableOf, ownerOf, waitersOf } from '../../testing/lock-table.js';
import { taskDump } from '../../testing/task-dump.js';
import { fromHeldLocks } from './held-locks.js';
import { acquirersListedAsHolders } from './listed-acquirers.js';
import { waitersFromFrames } from './waiters-from-frames.js';

// A mmap() and a truncate on one ntfs3 inode (syzbot, 6.2, as Linus Torvalds read it):
// two tasks list ni_lock taken in attr_data_get_block, one in ntfs_truncate; a stack
// blocked at attr_data_get_block+0x4a6 shows where it is being acquired.
const list = (usage: string) => `Showing all locks held in the system:
2 locks held by syz-executor394/5221:
 #0: ffff88802c7bc758 (&mm->mmap_lock){++++}-{3:3}, at: vm_mmap_pgoff+0x18f/0x2f0 mm/util.c:518
 #1: ffff888073930860 (&ni->ni_lock/4){${usage}}-{3:3}, at: attr_data_get_block+0x4a6/0x2e40 fs/ntfs3/attrib.c:919
1 lock held by syz-executor394/5214:
 #0: ffff888073930860 (&ni->ni_lock/4){${usage}}-{3:3}, at: ni_lock fs/ntfs3/ntfs_fs.h:1122 [inline]
 #0: ffff888073930860 (&ni->ni_lock/4){${usage}}-{3:3}, at: attr_data_get_block+0x4a6/0x2e40 fs/ntfs3/attrib.c:919
1 lock held by syz-executor394/5222:
 #0: ffff888073930860 (&ni->ni_lock/4){${usage}}-{3:3}, at: ntfs3_setattr+0x596/0xca0 fs/ntfs3/file.c:696
`;
const blockedAtSite = taskDump('syz-executor394', 6048, 'D', [
  '__schedule+0x1755/0x4f50',
  'schedule+0x158/0x330',
  'ni_lock fs/ntfs3/ntfs_fs.h:1122 [inline]',
  'attr_data_get_block+0x4a6/0x2e40 fs/ntfs3/attrib.c:919',
  'ntfs_get_block_vbo+0x374/0xd20 fs/ntfs3/inode.c:573',
]);

const run = (text: string) => {
  const { table, waits } = lockTableOf(text);
  fromHeldLocks(table, waits);
  waitersFromFrames(table, waits);
  acquirersListedAsHolders(table, waits);
  return table;
};

describe('acquirersListedAsHolders', () => {
  it('the listers blocked at their entry’s call site wait; the one left holds the lock', () => {
    const table = run(blockedAtSite + list('+.+.'));
    expect(ownerOf(table, 'ffff888073930860')).toEqual({ task: 'task:5222', confidence: 'likely' });
    expect(waitersOf(table, 'ffff888073930860')).toEqual([
      { task: 'task:5221', confidence: 'likely' },
      { task: 'task:5214', confidence: 'likely' },
    ]);
    expect(table.existing('ffff888073930860', null)?.coOwners).toEqual([]);
  });

  it('no stack blocked at a site: who holds it is not said', () => {
    const table = run(list('+.+.'));
    expect(waitersOf(table, 'ffff888073930860')).toEqual([]);
  });

  it('a lock taken for read too may have several holders: left as lockdep lists it', () => {
    const table = run(blockedAtSite + list('++++'));
    expect(waitersOf(table, 'ffff888073930860')).toEqual([]);
    expect(ownerOf(table, 'ffff888073930860')?.task).toBe('task:5221');
  });
});
