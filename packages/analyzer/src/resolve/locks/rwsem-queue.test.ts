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
