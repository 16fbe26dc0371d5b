import { describe, expect, it } from 'vitest';
import { analyze } from '../analyze.js';

const stuck = (text: string) =>
  analyze(text)
    .cpus.filter((c) => c.stuck)
    .map((c) => c.cpu);

describe('the CPU of a spinlock holder a stuck CPU spins on', () => {
  const lockup = [
    '[ 2269.552599] BUG: spinlock lockup suspected on CPU#3, kdrvfwdd3/857',
    '[ 2269.624511]  lock: 0xffffffe0fff28500, .magic: dead4ead, .owner: bRX1/789, .owner_cpu: 0',
    '[ 2270.087913] CPU: 3 PID: 857 Comm: kdrvfwdd3 Tainted: P S         O    4.4.65 #1',
    '[ 2270.087937] Call trace:',
    '[ 2270.087989] [<ffffff80400fd13c>] do_raw_spin_lock+0x18c/0x1c0',
    '[ 2270.088000] [<ffffff804058ddb8>] _raw_spin_lock+0x28/0x30',
    '[ 2270.088012] [<ffffff80400df948>] try_to_wake_up+0x198/0x3b8',
  ].join('\n');

  it('is stuck too, by inference, with the holder on it', () => {
    const doc = analyze(lockup);
    expect(stuck(lockup)).toEqual([0, 3]);
    const c0 = doc.cpus.find((c) => c.cpu === 0)!;
    expect(c0.current).toBe('task:789');
    expect(c0.stuckReason).toMatch(
      /^bRX1 \(789\) holds spinlock ffffffe0fff28500, which kdrvfwdd3 \(857\) on stuck cpu 3/,
    );
    expect(doc.graph.edges.some((e) => e.from === 'cpu:0' && e.kind === 'on_cpu' && e.to === 'task:789')).toBe(true);
    // Inferred, not reported: the finding about its missing stack says so.
    const f = doc.findings.find((x) => x.kind === 'missing_evidence' && x.summary.startsWith('cpu 0 '))!;
    expect(f.summary).toMatch(/^cpu 0 is stuck \(bRX1/);
  });

  it('is not when the lock is spun on by nobody stuck: the holder may just be holding it briefly', () => {
    // The same lock line with no lockup: spinlock-debug's "already unlocked" names no waiter.
    const text = [
      'BUG: spinlock already unlocked on CPU#3, kdrvfwdd3/857',
      ' lock: 0xffffffe0fff28500, .magic: dead4ead, .owner: bRX1/789, .owner_cpu: 0',
    ].join('\n');
    expect(stuck(text)).not.toContain(0);
  });

  it("two locks spun on from two stuck CPUs: each holder's CPU", () => {
    const text = [
      lockup,
      '[ 2271.000001] BUG: spinlock lockup suspected on CPU#0, bRX1/789',
      '[ 2271.000002]  lock: 0xffffffe0fff99900, .magic: dead4ead, .owner: other/55, .owner_cpu: 5',
    ].join('\n');
    // cpu 0 is reported stuck itself here; cpu 5 holds what cpu 0 spins on.
    expect(stuck(text)).toEqual([0, 3, 5]);
  });
});
