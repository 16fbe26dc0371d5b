import { describe, expect, it } from 'vitest';
import { scoreGrouping } from './fingerprint-groups.js';

describe('scoreGrouping', () => {
  it('counts pure logs, the widest fingerprint, and repeated titles kept together', () => {
    const s = scoreGrouping([
      { name: 'a1', title: 'A', fingerprint: 'x' },
      { name: 'a2', title: 'A', fingerprint: 'x' },
      { name: 'b1', title: 'B', fingerprint: 'x' },
      { name: 'c1', title: 'C', fingerprint: 'y' },
      { name: 'c2', title: 'C', fingerprint: 'z' },
      { name: 'd1', title: 'D', fingerprint: 'w' },
    ]);
    // a1, a2, b1 share x with another title; c1, c2, d1 are alone with their title.
    expect(s.pure).toBe(3);
    expect(s.maxTitles).toBe(2);
    expect(s.widest).toEqual(['A', 'B']);
    // A (together, though mixed with B) and C (split) are the repeated titles.
    expect(s.repeatedTitles).toBe(2);
    expect(s.keptTogether).toBe(1);
    expect(s.split.map((x) => x.title)).toEqual(['C']);
  });
});
