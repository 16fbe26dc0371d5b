import { describe, expect, it } from 'vitest';
import { HEADER_WORDS, REPORTS } from './title.js';

describe('report headers', () => {
  it('each holds one of the words the header scan searches for', () => {
    // computeTitle reads only the lines that contain a HEADER_WORD: a header without one
    // would never be found.
    for (const r of REPORTS) expect(HEADER_WORDS.some((w) => r.header.source.includes(w)), r.header.source).toBe(true);
  });
});
