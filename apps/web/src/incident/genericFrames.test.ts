import { describe, expect, it } from 'vitest';
import { isWaitFrame } from './genericFrames';

describe('wait frame', () => {
  it('matches the wait frame with or without an offset', () => {
    expect(isWaitFrame('mutex_lock', 'mutex_lock+0x1f')).toBe(true);
    expect(isWaitFrame('mutex_lock', 'mutex_lock')).toBe(true);
    expect(isWaitFrame('mutex_unlock', 'mutex_lock')).toBe(false);
    expect(isWaitFrame('x', null)).toBe(false);
  });
});
