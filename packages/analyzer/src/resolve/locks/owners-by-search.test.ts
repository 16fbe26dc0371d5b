// Step 5: owners by address search among every task's stack words and registers.
import { describe, expect, it } from 'vitest';
import { lockTableOf, ownerOf } from '../../testing/lock-table.js';
import { ownersByAddressSearch } from './owners-by-search.js';

const LOCK = 'ffff88811a30bc20';
// `bt -FF`: a frame's stack words, with the slab object an address points into.
const bt = (pid: number, task: string, word: string) => {
  const stack = `ffffc90007d${(pid % 16).toString(16)}`;
  return [
    `crash> bt ${pid}`,
    `PID: ${pid}   TASK: ${task}  CPU: 0   COMMAND: "t${pid}"`,
    ` #0 [${stack}6fd8] __schedule at ffffffff8260da25`,
    ` #1 [${stack}70e0] schedule at ffffffff8260f247`,
    ` #2 [${stack}7110] foo_work at ffffffffa01a181b [foo]`,
    `    ${stack}7320: [${word}:kmalloc-64] 0000000000000000`,
  ];
};

function run(...dumps: string[][]) {
  const { table } = lockTableOf(dumps.flat().join('\n'));
  const l = table.ensure(LOCK, null, 'spinlock', []);
  table.addWaiter(l, 'task:500', 'likely', 'test', []);
  ownersByAddressSearch(table);
  return table;
}

describe('ownersByAddressSearch', () => {
  it("one other task whose stack holds the lock's address is its likely owner", () => {
    const table = run(bt(500, 'ffff88812a7f0000', LOCK), bt(501, 'ffff88812a7f4000', LOCK));
    expect(ownerOf(table, LOCK)).toEqual({ task: 'task:501', confidence: 'likely' });
    expect(table.existing(LOCK, null)!.owner!.evidence).toEqual([{ line: 12, endLine: 12 }]);
  });

  it('two such tasks are each a guess', () => {
    const table = run(bt(501, 'ffff88812a7f4000', LOCK), bt(502, 'ffff88812a7f8000', LOCK));
    expect(ownerOf(table, LOCK)).toBeNull();
    expect(table.existing(LOCK, null)!.guesses.map((g) => g.task)).toEqual(['task:501', 'task:502']);
  });

  it('the waiter itself is no candidate', () => {
    const table = run(bt(500, 'ffff88812a7f0000', LOCK));
    expect(ownerOf(table, LOCK)).toBeNull();
    expect(table.existing(LOCK, null)!.guesses).toEqual([]);
  });
});
