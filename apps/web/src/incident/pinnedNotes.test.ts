import { describe, expect, it } from 'vitest';
import { pinnedNotes } from './pinnedNotes';

describe('pinnedNotes', () => {
  it('counts notes per node and lists pinned line ranges', () => {
    const p = pinnedNotes([
      { id: '1', target: 'task:1', lines: [9, 5], body: 'a', author: null },
      { id: '2', target: 'task:1', lines: null, body: 'b', author: null },
      { id: '3', target: null, lines: [7, 7], body: 'c', author: null },
      { id: '4', target: null, lines: null, body: 'd', author: null },
    ]);
    expect([...p.byNode]).toEqual([['task:1', 2]]);
    expect(p.lines).toEqual([
      { from: 5, to: 9 },
      { from: 7, to: 7 },
    ]);
  });
});
