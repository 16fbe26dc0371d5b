import { describe, expect, it } from 'vitest';
import { analyze } from '../analyze.js';
import { frameSignature, similarity } from './similarity.js';

/** A hung task waiting for rtnl_mutex, which a running task holds (`holderFns`, innermost first). */
const dump = (waiterFns: string[], holderFns: string[]) =>
  [
    'INFO: task waiter:200 blocked for more than 120 seconds.',
    'waiter          D    0   200      2 0x00000000',
    'Call Trace:',
    ' __schedule+0x2c4/0x880',
    ' schedule+0x32/0x80',
    ' schedule_preempt_disabled+0xe/0x10',
    ' __mutex_lock.isra.7+0x20a/0x4f0',
    ' mutex_lock+0x2f/0x40',
    ' rtnl_lock+0x17/0x20',
    ...waiterFns.map((f) => ` ${f}+0x1a/0x60`),
    '',
    'Showing all locks held in the system:',
    '1 lock held by holder/100:',
    ` #0: ffff8f1afdf55fe8 (rtnl_mutex){+.+.}, at: rtnl_lock+0x17/0x20`,
    '',
    'task:holder          state:R  running task     stack:0 pid:100 ppid:2 flags:0x00004000',
    'Call Trace:',
    ...holderFns.map((f) => ` ${f}+0x1a/0x60`),
    '',
  ].join('\n');

describe('frame signature', () => {
  it('reads the culprit and the victims, normalized', () => {
    const s = frameSignature(analyze(dump(['drv_ioctl.isra.3', 'sys_ioctl'], ['drv_reset_wait', 'drv_reset_work'])));
    expect(s.culprit).toEqual(['drv_reset_wait', 'drv_reset_work']);
    expect(s.victims).toEqual(['drv_ioctl', 'rtnl_lock']);
  });
});

describe('similarity', () => {
  it('ranks the same culprit with another victim above a different culprit, and says why', () => {
    const base = frameSignature(analyze(dump(['drv_ioctl'], ['drv_reset_wait', 'drv_reset_work'])));
    const sameCulprit = frameSignature(analyze(dump(['drv_release'], ['drv_reset_wait', 'drv_reset_work'])));
    const other = frameSignature(analyze(dump(['drv_ioctl'], ['fw_load_wait', 'fw_load_work'])));
    const a = similarity(base, sameCulprit);
    const b = similarity(base, other);
    expect(a.reason).toBe('same culprit frames, victim frames overlap (1 of 3)');
    expect(b.reason).toBe('different culprit, same victim frames');
    expect(a.score).toBeGreaterThan(b.score);
    expect(similarity(base, base)).toEqual({ score: 1, reason: 'same culprit frames, same victim frames' });
  });

  it('weighs the victims alone when neither incident names a culprit', () => {
    const a = { culprit: [], victims: ['bsn_exit', 'flush_workqueue'] };
    const b = { culprit: [], victims: ['bsn_cleanup', 'bsn_exit', 'flush_workqueue'] };
    expect(similarity(a, b)).toEqual({
      score: 0.667,
      reason: 'no culprit frames to compare, victim frames overlap (2 of 3)',
    });
  });
});
