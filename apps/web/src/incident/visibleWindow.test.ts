import { describe, expect, it } from 'vitest';
import { findMatches, splitLines, visibleWindow } from './visibleWindow';

describe('virtualised window', () => {
  it('renders only the lines in view plus overscan', () => {
    expect(visibleWindow(0, 180, 18, 1_000_000, 5)).toEqual({ first: 0, last: 15 });
    expect(visibleWindow(18_000, 180, 18, 1_000_000, 5)).toEqual({ first: 995, last: 1015 });
  });

  it('clamps at the end and copes with an empty text', () => {
    expect(visibleWindow(0, 400, 18, 3)).toEqual({ first: 0, last: 2 });
    const empty = visibleWindow(0, 400, 18, 0);
    expect(empty.last).toBeLessThan(empty.first + 1);
  });
});

describe('splitLines', () => {
  it('numbers lines as the analyzer does', () => {
    expect(splitLines('a\r\nb\nc\n')).toEqual(['a', 'b', 'c']);
    expect(splitLines('')).toEqual(['']);
  });
});

describe('findMatches', () => {
  it('is case-insensitive and capped', () => {
    expect(findMatches(['Mutex_lock', 'x', 'mutex'], 'MUTEX')).toEqual([0, 2]);
    expect(findMatches(Array(50).fill('a'), 'a', 10)).toHaveLength(10);
    expect(findMatches(['a'], '')).toEqual([]);
  });
});
