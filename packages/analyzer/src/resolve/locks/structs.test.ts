// Steps 1, 1b and 2: owners and waiters that crash's struct dumps state.
import { describe, expect, it } from 'vitest';
import { lockTableOf, ownerOf, waitersOf } from '../../testing/lock-table.js';
import { ownersFromStructs, waitersFromWaiterStructs, waitersFromWaitList } from './structs.js';

const PS = [
  'crash> ps',
  '   4790      2   1  ffff88003570de20  UN   0.0       0      0  [kworker/1:2]',
  '   5001      1   0  ffff88003570e000  UN   0.0       0      0  [waiter]',
];
const mutex = (owner: string, next: string) => [
  'crash> struct mutex ffff880035acf1e0',
  'struct mutex {',
  '  owner = {',
  `    counter = ${owner}`,
  '  },',
  '  wait_list = {',
  `    next = ${next},`,
  `    prev = ${next}`,
  '  }',
  '}',
];
const WAITER = [
  'crash> mutex_waiter 0xffff8800506d3b50',
  'struct mutex_waiter {',
  '  list = {',
  '    next = 0xffff880035acf1e8,',
  '    prev = 0xffff880035acf1e8',
  '  },',
  '  task = 0xffff88003570e000',
  '}',
];

describe('ownersFromStructs', () => {
  it('a reader-owned rw_semaphore held by one reader: its owner field (the last reader) is likely the holder', () => {
    // 5.10's count 0x102: one reader (1 << 8) and waiters (bit 1); owner = task | READER_OWNED | NONSPINNABLE.
    const rwsem = (count: string) => [
      'crash> struct rw_semaphore ffff941d45f98870 -x',
      'struct rw_semaphore {',
      '  count = {',
      `    counter = ${count}`,
      '  },',
      '  owner = {',
      '    counter = 0xffff88003570de27',
      '  },',
      '}',
    ];
    let { table } = lockTableOf([...PS, ...rwsem('0x102')].join('\n'));
    ownersFromStructs(table);
    expect(ownerOf(table, 'ffff941d45f98870')).toEqual({ task: 'task:4790', confidence: 'likely' });
    // Two readers: the last one to take it says nothing of the other.
    ({ table } = lockTableOf([...PS, ...rwsem('0x202')].join('\n')));
    ownersFromStructs(table);
    expect(ownerOf(table, 'ffff941d45f98870')).toBeNull();
  });

  it('a lock dumped through the struct that embeds it is named after that struct, or keyed by the address -o prints', () => {
    const iRwsem = [
      'crash> struct inode.i_rwsem ffffa0e401865638',
      '  i_rwsem = {',
      '    count = {',
      '      counter = 1',
      '    },',
      '    owner = {',
      '      counter = ' + '-' + ((1n << 64n) - 0xffff88003570de20n).toString(10),
      '    },',
      '  }',
    ];
    let { table } = lockTableOf([...PS, ...iRwsem].join('\n'));
    ownersFromStructs(table);
    expect(ownerOf(table, 'inode.i_rwsem@ffffa0e401865638')).toEqual({ task: 'task:4790', confidence: 'certain' });
    // 2.6.32's i_mutex, its address printed by `struct -ox`: the lock is keyed by it.
    ({ table } = lockTableOf(
      [
        ...PS,
        'crash> struct inode.i_mutex 0xffff8808a3dbf588',
        '  i_mutex = {',
        '    count = {',
        '      counter = -1',
        '    },',
        '    owner = 0xffff88003570de20',
        '  }',
        'crash> struct -ox inode.i_mutex 0xffff8808a3dbf588',
        'struct inode {',
        '  [ffff8808a3dbf640] struct mutex i_mutex;',
        '}',
      ].join('\n'),
    ));
    ownersFromStructs(table);
    expect(ownerOf(table, 'ffff8808a3dbf640')).toEqual({ task: 'task:4790', confidence: 'certain' });
  });

  it("an xfs_buf's b_last_holder (XFS_BUF_LOCK_TRACKING) names the task that took its lock: likely", () => {
    const { table } = lockTableOf(
      [...PS, 'crash> struct xfs_buf.b_last_holder ffff908f92a0a680', '  b_last_holder = 4790'].join('\n'),
    );
    ownersFromStructs(table);
    expect(ownerOf(table, 'ffff908f92a0a680')).toEqual({ task: 'task:4790', confidence: 'likely' });
  });

  it('an owner field names its task (flag bits masked): certain, evidenced by the dump', () => {
    const { table } = lockTableOf([...PS, ...mutex('0xffff88003570de23', '0xffff880035acf1e8')].join('\n'));
    ownersFromStructs(table);
    expect(ownerOf(table, 'ffff880035acf1e0')).toEqual({ task: 'task:4790', confidence: 'certain' });
    expect(table.existing('ffff880035acf1e0', null)!.owner!.evidence).toEqual([{ line: 5, endLine: 13 }]);
    expect(table.addrOnlyTasks.size).toBe(0);
    // Drawn though nobody is shown waiting: the dump names a task of the capture.
    expect(table.existing('ffff880035acf1e0', null)!.reported).toBe(true);
  });

  it('reads an owner word crash printed as signed decimal (no `-x`): the same 64 bits', () => {
    // 0xffff88003570de21 as gdb prints a signed long: -(2^64 - 0xffff88003570de21).
    const dec = '-' + ((1n << 64n) - 0xffff88003570de21n).toString(10);
    const { table } = lockTableOf([...PS, ...mutex(dec, '0xffff880035acf1e8')].join('\n'));
    ownersFromStructs(table);
    expect(ownerOf(table, 'ffff880035acf1e0')).toEqual({ task: 'task:4790', confidence: 'certain' });
  });

  it('reads an rw_semaphore printed without the `struct` keyword: its owner is the writer task', () => {
    const rwsem = [
      'crash> rw_semaphore ffff9a20c0063270',
      'struct rw_semaphore {',
      '  count = {',
      '    counter = 0x3',
      '  },',
      '  owner = {',
      '    counter = 0xffff88003570de20',
      '  },',
      '}',
    ];
    const { table } = lockTableOf([...PS, ...rwsem].join('\n'));
    ownersFromStructs(table);
    expect(ownerOf(table, 'ffff9a20c0063270')).toEqual({ task: 'task:4790', confidence: 'certain' });
    expect(table.existing('ffff9a20c0063270', null)!.reported).toBe(true);
  });

  it('an owner no task of the dump has is known by its address', () => {
    const { table } = lockTableOf(mutex('0xffff88003570aa01', '0xffff880035acf1e8').join('\n'));
    ownersFromStructs(table);
    expect(ownerOf(table, 'ffff880035acf1e0')?.task).toBe('task:@ffff88003570aa00');
    expect([...table.addrOnlyTasks.keys()]).toEqual(['task:@ffff88003570aa00']);
    // An owner the capture does not show is no reason to draw the lock on its own.
    expect(table.existing('ffff880035acf1e0', null)!.reported).toBeUndefined();
  });

  it('an empty owner field names nobody', () => {
    const { table } = lockTableOf([...PS, ...mutex('0x0', '0xffff880035acf1e8')].join('\n'));
    ownersFromStructs(table);
    expect(ownerOf(table, 'ffff880035acf1e0')).toBeNull();
  });
});

describe('waitersFromWaiterStructs', () => {
  it("a mutex_waiter whose list points into the lock waits on it (certain); the lock's list names it", () => {
    const { table } = lockTableOf([...PS, ...mutex('0xffff88003570de23', '0xffff8800506d3b50'), ...WAITER].join('\n'));
    ownersFromStructs(table);
    waitersFromWaiterStructs(table);
    expect(waitersOf(table, 'ffff880035acf1e0')).toEqual([{ task: 'task:5001', confidence: 'certain' }]);
  });

  it('a waiter linked into no known lock waits on nothing recorded', () => {
    const { table } = lockTableOf([...PS, ...WAITER].join('\n'));
    ownersFromStructs(table);
    waitersFromWaiterStructs(table);
    expect(table.waiting.size).toBe(0);
  });
});

describe('waitersFromWaitList', () => {
  const bt = [
    'crash> bt 5001',
    'PID: 5001   TASK: ffff88003570e000  CPU: 0   COMMAND: "waiter"',
    ' #0 [ffffc90000a3bd48] __schedule at ffffffff8260da25',
    ' #1 [ffffc90000a3bde8] schedule at ffffffff8260f247',
    ' #2 [ffffc90000a3bdf0] schedule_preempt_disabled at ffffffff8260f49a',
    ' #3 [ffffc90000a3bdf8] __mutex_lock at ffffffff82610aed',
  ];
  it("wait_list.next pointing into a task's kernel stack makes that task a waiter (certain)", () => {
    const { table } = lockTableOf([...bt, ...mutex('0xffff88003570de23', '0xffffc90000a3be10')].join('\n'));
    ownersFromStructs(table);
    waitersFromWaitList(table);
    expect(waitersOf(table, 'ffff880035acf1e0')).toEqual([{ task: 'task:5001', confidence: 'certain' }]);
  });

  it('a wait_list pointing at itself is empty', () => {
    const { table } = lockTableOf([...bt, ...mutex('0xffff88003570de23', '0xffff880035acf1e8')].join('\n'));
    ownersFromStructs(table);
    waitersFromWaitList(table);
    expect(waitersOf(table, 'ffff880035acf1e0')).toEqual([]);
  });
});
