import { describe, expect, it } from 'vitest';
import { parseText } from '../run.js';

describe("a crash extension's lock summary", () => {
  it('reads the owner and the wait list, also with the long lines wrapped by a mail client', () => {
    const { records } = parseText(
      [
        '<struct rw_semaphore 0xffff8c691158efc0>:',
        '        owner: <struct task_struct 0xffff8c6914275d00> (UN -   8856 -',
        'reopen_file), counter: 0x0000000000000003',
        '        waitlist: 2',
        '        0xffff9965007e3c90     8863   reopen_file      UN 0  1:29:22.926',
        '  RWSEM_WAITING_FOR_WRITE',
        '        0xffff996500393e00     9802   ls               UN 0  1:17:26.700  RWSEM_WAITING_FOR_READ',
        '',
        'the owner of the inode.i_rwsem of the directory is:',
      ].join('\n'),
    );
    expect(records.lockFacts.map((f) => [f.addr, f.type, f.owner, f.waiters?.map((w) => w.pid), f.span])).toEqual([
      [
        'ffff8c691158efc0',
        'rwsem',
        { pid: 8856, comm: 'reopen_file', taskAddr: 'ffff8c6914275d00' },
        [8863, 9802],
        { line: 1, endLine: 7 },
      ],
    ]);
  });
});
