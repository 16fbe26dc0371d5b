import { describe, expect, it } from 'vitest';
import { formatLines, inRanges, mergeSpans, parseLines, parseNodeParam, permalink } from './urlState';

describe('lines= in the URL', () => {
  it('parses ranges and single lines, in either order', () => {
    expect(parseLines('41-57')).toEqual({ from: 41, to: 57 });
    expect(parseLines('57-41')).toEqual({ from: 41, to: 57 });
    expect(parseLines('12')).toEqual({ from: 12, to: 12 });
  });

  it('reads junk as nothing selected', () => {
    for (const v of [null, '', 'abc', '0', '3-', '-3', '1-2-3', '1e3', '99999999999']) expect(parseLines(v)).toBeNull();
  });

  it('round-trips', () => {
    expect(formatLines(parseLines('41-57'))).toBe('41-57');
    expect(formatLines({ from: 7, to: 7 })).toBe('7');
    expect(formatLines(null)).toBeNull();
  });
});

describe('evidence spans', () => {
  it('merges overlapping and adjacent spans, sorted', () => {
    expect(
      mergeSpans([
        { line: 60, endLine: 91 },
        { line: 41, endLine: 51 },
        { line: 52, endLine: 52 },
        { line: 58, endLine: 58 },
      ]),
    ).toEqual([
      { from: 41, to: 52 },
      { from: 58, to: 58 },
      { from: 60, to: 91 },
    ]);
  });

  it('tests membership', () => {
    const r = mergeSpans([{ line: 3, endLine: 5 }]);
    expect([2, 3, 5, 6].map((n) => inRanges(n, r))).toEqual([false, true, true, false]);
  });
});

describe('node= in the URL', () => {
  it('accepts contract node ids only', () => {
    expect(parseNodeParam('task:4790')).toBe('task:4790');
    expect(parseNodeParam('lock:ffff880035acf1e0')).toBe('lock:ffff880035acf1e0');
    expect(parseNodeParam('javascript:alert(1)')).toBeNull();
    expect(parseNodeParam(null)).toBeNull();
  });
});

describe('permalink', () => {
  it('builds the link to an incident, a node and a line range', () => {
    expect(permalink('http://h', 'a b', null, null)).toBe('http://h/i/a%20b');
    expect(permalink('http://h', 'x', 'task:4790', null)).toBe('http://h/i/x?node=task%3A4790');
    expect(permalink('http://h', 'x', 'task:4790', { from: 41, to: 57 })).toBe(
      'http://h/i/x?node=task%3A4790&lines=41-57',
    );
    expect(permalink('http://h', 'x', null, { from: 5, to: 5 })).toBe('http://h/i/x?lines=5');
  });
});
