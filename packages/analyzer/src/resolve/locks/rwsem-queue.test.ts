// Step 4d: an rwsem reader that re-takes the lock waits for the writer queued ahead of it.
import { describe, expect, it } from 'vitest';
import { resolveLocks } from '../locks.js';
import { buildModel } from '../../model/build.js';
import { parseText } from '../../parse/run.js';
import { findWaits } from '../../waits/find.js';
import { taskDump } from '../../testing/task-dump.js';

const WRITER = [
  '__schedule+0x2e5/0xbb0',
  'schedule+0x58/0xd0',
  'rwsem_down_write_slowpath+0x310/0x5b0',
  '_cifsFileInfo_put+0x98/0x3d0 [cifs]',
  'cifs_close+0x6f/0xa0 [cifs]',
  '__fput+0xb1/0x250',
];
const READER = [
  '__schedule+0x2e5/0xbb0',
  'schedule+0x58/0xd0',
  'rwsem_down_read_slowpath+0x1f4/0x4a0',
  'cifs_reopen_file+0x3c2/0x650 [cifs]',
  'cifs_readpage_worker+0x60/0x3f0 [cifs]',
  'cifs_readpage+0x96/0x280 [cifs]',
  'generic_file_read_iter+0x6e2/0xc10',
  'cifs_strict_readv+0x105/0x150 [cifs]',
  'new_sync_read+0x12a/0x1c0',
];

function resolved(text: string) {
  const { records } = parseText(text);
  const model = buildModel(records, text);
  return resolveLocks(model, findWaits(model, 'x86_64'));
}

describe('readersBehindWriters', () => {
  it('links a reader that holds the class for read to the writer queued on it, and guesses the reader as what the writer waits for', () => {
    const r = resolved(taskDump('python3', 13279, 'D', WRITER) + taskDump('python3', 13275, 'D', READER));
    expect(r.queuedReaders.map((q) => [q.reader.id, q.writer.id])).toEqual([['task:13275', 'task:13279']]);
    const writerLock = r.linked.find((l) => l.waiters.has('task:13279'))!;
    expect(writerLock.owner).toMatchObject({ task: 'task:13275', confidence: 'guess' });
  });

  it('needs a writer: a reader alone waits for nobody it holds', () => {
    expect(resolved(taskDump('python3', 13275, 'D', READER)).queuedReaders).toEqual([]);
  });

  it('needs the read hold: a plain reader is not linked to the writer', () => {
    const reader = READER.slice(0, 5);
    expect(
      resolved(taskDump('python3', 13279, 'D', WRITER) + taskDump('python3', 13275, 'D', reader)).queuedReaders,
    ).toEqual([]);
  });
});

const FREEZER = [
  '__schedule+0x8e8/0x2248',
  'schedule+0x110/0x3f0',
  'percpu_down_write+0x2b0/0x680',
  'freeze_super+0x248/0x8a8',
  'do_vfs_ioctl+0x149c/0x1b18',
];
const WRITE_CALLER = [
  '__schedule+0x8e8/0x2248',
  'schedule+0x110/0x3f0',
  'percpu_rwsem_wait+0x1e8/0x3f8',
  '__percpu_down_read+0xe8/0x500',
  'io_write+0xbb8/0xff8',
  'io_issue_sqe+0x10c/0x1020',
];

describe('readers behind a waiting percpu rwsem writer', () => {
  it("links a superblock's freeze-protection reader to the one freezer waiting for write", () => {
    const r = resolved(taskDump('fsfreeze', 7364, 'D', FREEZER) + taskDump('fio', 886, 'D', WRITE_CALLER));
    expect(r.queuedReaders.map((q) => [q.reader.id, q.writer.id])).toEqual([['task:886', 'task:7364']]);
    // freeze_super also takes s_umount (down_write): its percpu wait is the freeze protection.
    expect(r.linked.find((l) => l.waiters.has('task:7364'))?.name).not.toContain('s_umount');
  });

  it('links nobody when two freezers wait: which one a reader waits for is not shown', () => {
    const r = resolved(
      taskDump('fsfreeze', 7364, 'D', FREEZER) +
        taskDump('fsfreeze', 7365, 'D', FREEZER) +
        taskDump('fio', 886, 'D', WRITE_CALLER),
    );
    expect(r.queuedReaders).toEqual([]);
  });
});
