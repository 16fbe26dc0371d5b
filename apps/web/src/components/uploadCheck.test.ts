import { describe, expect, it } from 'vitest';
import { formatElapsed, uploadProblem } from './uploadCheck';

describe('uploadProblem', () => {
  it('refuses an empty file or blank text', () => {
    expect(uploadProblem(0, false, 1024, 'file')).toMatch(/empty/);
    expect(uploadProblem(3, true, 1024, 'text')).toMatch(/Paste a dump/);
  });
  it('names the limit when a dump is over it', () => {
    const p = uploadProblem(70 * 1024 * 1024, false, 64 * 1024 * 1024, 'file');
    expect(p).toMatch(/70(\.0)? MiB/);
    expect(p).toMatch(/up to 64(\.0)? MiB/);
  });
  it('lets a dump within the limit (or with no known limit) through', () => {
    expect(uploadProblem(1024, false, 1024, 'file')).toBeNull();
    expect(uploadProblem(1e9, false, null, 'file')).toBeNull();
  });
});

describe('formatElapsed', () => {
  it('reads as seconds, then minutes', () => {
    expect(formatElapsed(3240)).toBe('3.2 s');
    expect(formatElapsed(64_000)).toBe('1 min 04 s');
  });
});
