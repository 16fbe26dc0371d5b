// The segmenter on its own, with small parsers made for the test: which parser takes a
// line, how its lines become one segment, and what the lines no parser takes become.
import { describe, expect, it } from 'vitest';
import { newContext, type FormatParser } from '../parse/parser.js';
import { Records } from '../parse/records.js';
import { splitLines } from '../text/lines.js';
import { segment } from './segment.js';

/** A parser of `BEGIN name` … `END` blocks: consumes through the END line. */
const block = (name: string, startChars?: string): FormatParser & { tried: number } => {
  const p = {
    name,
    startChars,
    tried: 0,
    starts: (line: { trimmed: string }) => {
      p.tried++;
      return line.trimmed === `BEGIN ${name}`;
    },
    parse: (lines: ReturnType<typeof splitLines>, i: number) => {
      for (let k = i + 1; k < lines.length; k++) if (lines.trimmed(k) === 'END') return k + 1;
      return null;
    },
  };
  return p;
};

function run(text: string, parsers: FormatParser[]) {
  return segment(splitLines(text), parsers, newContext(new Records()));
}

describe('segment', () => {
  it('gives each parsed block one segment with its lines, and the rest prose', () => {
    const text = ['hello', 'BEGIN a', 'x', 'END', 'bye'].join('\n');
    expect(run(text, [block('a')])).toEqual([
      { format: 'prose', line: 1, endLine: 1, status: 'prose' },
      { format: 'a', line: 2, endLine: 4, status: 'parsed' },
      { format: 'prose', line: 5, endLine: 5, status: 'prose' },
    ]);
  });

  it('counts back-to-back blocks of one format as one segment, and merges prose across a blank', () => {
    const text = ['BEGIN a', 'END', '', 'BEGIN a', 'END', 'one', '', 'two'].join('\n');
    expect(run(text, [block('a')])).toEqual([
      { format: 'a', line: 1, endLine: 5, status: 'parsed', count: 2 },
      { format: 'prose', line: 6, endLine: 8, status: 'prose' },
    ]);
  });

  it('marks lines that look like a capture but no parser took as unparsed', () => {
    const text = ['some words', ' mutex_lock+0x38/0x50', '#3 [ffffb8a1c3a6fd28] schedule at ffffffff81a3f6d6'].join(
      '\n',
    );
    expect(run(text, [])).toEqual([
      { format: 'prose', line: 1, endLine: 1, status: 'prose' },
      { format: 'capture', line: 2, endLine: 3, status: 'unparsed' },
    ]);
  });

  it('tries the next parser when one throws or does not get past its first line', () => {
    const thrower: FormatParser = {
      name: 'bad',
      starts: () => true,
      parse: () => {
        throw new Error('parser bug');
      },
    };
    const stuck: FormatParser = { name: 'stuck', starts: () => true, parse: (_l, i) => i };
    const text = ['BEGIN a', 'END'].join('\n');
    expect(run(text, [thrower, stuck, block('a')])).toEqual([{ format: 'a', line: 1, endLine: 2, status: 'parsed' }]);
  });

  it('asks a parser with startChars only about lines that begin with one of them', () => {
    const b = block('b', 'B');
    const any = block('z');
    run(['BEGIN b', 'END', 'xyz', 'yzx', 'zxy'].join('\n'), [b, any]);
    expect(b.tried).toBe(1);
    // The parser without startChars is asked at every line not consumed before it.
    expect(any.tried).toBe(3);
  });

  it('takes the first parser in table order when two would parse', () => {
    const first = { ...block('a'), name: 'first' };
    const second = { ...block('a'), name: 'second' };
    expect(run('BEGIN a\nEND', [first, second])[0].format).toBe('first');
  });
});
