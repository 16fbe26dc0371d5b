// Step 3e: the lock a crash session printed while it looked at a task (`set PID`, `bt PID`).
import { describe, expect, it } from 'vitest';
import { lockTableOf, ownerOf, waitersOf } from '../../testing/lock-table.js';
import { ownersFromStructs } from './structs.js';
import { waitersFromSessionSubject } from './session-subject.js';

const PS = [
  'crash> foreach UN ps -m',
  '[0 00:00:23.332] [UN]  PID: 38029  TASK: ffff908cd6093a80  CPU: 1   COMMAND: "mv"',
  '[0 00:00:23.338] [UN]  PID: 38030  TASK: ffff908cdbfc0000  CPU: 15  COMMAND: "mv"',
];
const BT_38029 = [
  'crash> bt 38029',
  'PID: 38029  TASK: ffff908cd6093a80  CPU: 1   COMMAND: "mv"',
  ' #0 [ffffa848961b3558] __schedule at ffffffff8fa96c09',
  ' #1 [ffffa848961b35e8] schedule at ffffffff8fa97235',
  ' #2 [ffffa848961b3608] schedule_timeout at ffffffff8fa9ccc6',
  ' #3 [ffffa848961b36c8] __down_common at ffffffff8fa9b2b3',
  ' #4 [ffffa848961b3748] __down at ffffffff8fa9b311',
  ' #5 [ffffa848961b3758] down at ffffffff8ed43be1',
  ' #6 [ffffa848961b3778] xfs_buf_lock at ffffffffc06fab78 [xfs]',
  ' #7 [ffffa848961b37a8] xfs_buf_find at ffffffffc06fb160 [xfs]',
  ' #8 [ffffa848961b3938] xfs_read_agi at ffffffffc06cdf02 [xfs]',
];
const holder = (addr: string, pid: number) => [
  `crash> struct xfs_buf.b_last_holder ${addr}`,
  `  b_last_holder = ${pid}`,
  '',
];

function run(text: string[]) {
  const { table, waits } = lockTableOf(text.join('\n'));
  ownersFromStructs(table);
  waitersFromSessionSubject(table, waits);
  return table;
}

describe('waitersFromSessionSubject', () => {
  it('a lock printed after `set PID` is the one that task waits for when its frames give no address', () => {
    const table = run([...PS, ...BT_38029, 'crash> set 38029', ...holder('ffff908f993cc780', 38030)]);
    expect(ownerOf(table, 'ffff908f993cc780')).toEqual({ task: 'task:38030', confidence: 'likely' });
    expect(waitersOf(table, 'ffff908f993cc780')).toEqual([{ task: 'task:38029', confidence: 'likely' }]);
    // The evidence is the command that made it the subject and the dump.
    const w = table.existing('ffff908f993cc780', null)!.waiters.get('task:38029')!;
    expect(w.evidence[0].line).toBe(15);
  });

  it('a blocked task with no stack is tied too, as a guess; `bt PID` makes the subject as `set` does', () => {
    const table = run([...PS, 'crash> bt 38030', '(no stack shown)', ...holder('ffff908f92a0a680', 38029)]);
    expect(waitersOf(table, 'ffff908f92a0a680')).toEqual([{ task: 'task:38030', confidence: 'guess' }]);
  });

  it('not when the lock printed is one the subject holds, nor when two locks are printed for it', () => {
    let table = run([...PS, ...BT_38029, 'crash> set 38029', ...holder('ffff908f993cc780', 38029)]);
    expect(waitersOf(table, 'ffff908f993cc780')).toEqual([]);
    table = run([
      ...PS,
      ...BT_38029,
      'crash> set 38029',
      ...holder('ffff908f993cc780', 38030),
      ...holder('ffff908f92a0a680', 38030),
    ]);
    expect(waitersOf(table, 'ffff908f993cc780')).toEqual([]);
    expect(waitersOf(table, 'ffff908f92a0a680')).toEqual([]);
  });

  it('not after `bt -a` or `foreach`, which look at many tasks', () => {
    const table = run([...PS, ...BT_38029, 'crash> set 38029', 'crash> bt -a', ...holder('ffff908f993cc780', 38030)]);
    expect(waitersOf(table, 'ffff908f993cc780')).toEqual([]);
  });

  it('not a lock of another kind than the one the task waits for', () => {
    const table = run([
      ...PS,
      ...BT_38029,
      'crash> set 38029',
      'crash> struct mutex ffff880035acf1e0',
      'struct mutex {',
      '  owner = {',
      '    counter = 0xffff908cdbfc0001',
      '  },',
      '}',
    ]);
    expect(ownerOf(table, 'ffff880035acf1e0')).toEqual({ task: 'task:38030', confidence: 'certain' });
    expect(waitersOf(table, 'ffff880035acf1e0')).toEqual([]);
  });
});
