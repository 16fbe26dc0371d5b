import { describe, expect, it } from 'vitest';
import { analyze } from '../../analyze.js';

describe('CONFIG_DEBUG_SPINLOCK lockup report', () => {
  it('is a task spinning on a stuck CPU for a lock whose .owner field names its holder', () => {
    const doc = analyze(
      ' BUG: spinlock lockup suspected on CPU#0, namex/10450\n lock: 0xffff881ffe823980, .magic: dead4ead, .owner: namexx/21888, .owner_cpu: 1\n',
    );
    expect(doc.kind).toBe('soft_lockup');
    expect(doc.cpus.find((c) => c.cpu === 0)).toMatchObject({ stuck: true, current: 'task:10450' });
    expect(doc.tasks.find((t) => t.pid === 21888)).toMatchObject({ comm: 'namexx', cpu: 1 });
    const edges = doc.graph.edges.map((e) => `${e.from} -${e.kind}/${e.confidence}-> ${e.to}`);
    expect(edges).toEqual(
      expect.arrayContaining([
        'task:10450 -waits_lock/certain-> lock:ffff881ffe823980',
        'lock:ffff881ffe823980 -held_by/certain-> task:21888',
      ]),
    );
  });

  it('reads a reporter whose comm holds a slash: the pid is the last number (swapper/3/0)', () => {
    const doc = analyze(
      [
        'BUG: spinlock lockup suspected on CPU#3, swapper/3/0',
        ' lock: 0xffff88007ffddd00, .magic: dead4ead, .owner: kworker/0:3/9777, .owner_cpu: 0',
        'CPU: 3 PID: 0 Comm: swapper/3 Tainted: G        W    L  4.10.0-rc7 #500',
      ].join('\n'),
    );
    expect(doc.tasks.find((t) => t.pid === 3)).toBeUndefined();
    expect(doc.tasks.find((t) => t.comm === 'swapper/3')).toMatchObject({ pid: 0, cpu: 3 });
    expect(doc.tasks.find((t) => t.pid === 9777)).toMatchObject({ comm: 'kworker/0:3', cpu: 0 });
    const edges = doc.graph.edges.map((e) => `${e.from} -${e.kind}-> ${e.to}`);
    expect(edges).toContain('lock:ffff88007ffddd00 -held_by-> task:9777');
    // The idle task spins (in an interrupt on top of idle): the stuck CPU is occupied by it.
    // (The dump's one idle task is `task:0`, the shared contract's id.)
    expect(edges).toContain('cpu:3 -on_cpu-> task:0');
    expect(edges).toContain('task:0 -waits_lock-> lock:ffff88007ffddd00');
  });

  it('draws `spinlock recursion` as the reporter waiting for a lock it owns itself: a self-deadlock', () => {
    const doc = analyze(
      [
        'BUG: spinlock recursion on CPU#3, swapper/3/0',
        ' lock: 0xffffff8a4bf29c80, .magic: dead4ead, .owner: swapper/3/0, .owner_cpu: 3',
        'Call trace:',
        ' spin_bug+0x0',
        ' _raw_spin_lock_irqsave+0x80',
        ' hrtimer_try_to_cancel+0x94',
      ].join('\n'),
    );
    expect(doc.kind).toBe('deadlock');
    // The idle task of cpu 3 (pid 0, interrupted there), the lock's owner and its waiter.
    const idle = doc.tasks.find((t) => t.pid === 0 && t.comm === 'swapper/3' && t.cpu === 3)!.id;
    const edges = doc.graph.edges.map((e) => `${e.from} -${e.kind}/${e.confidence}-> ${e.to}`);
    expect(edges).toEqual(
      expect.arrayContaining([
        `${idle} -waits_lock/certain-> lock:ffffff8a4bf29c80`,
        `lock:ffffff8a4bf29c80 -held_by/certain-> ${idle}`,
      ]),
    );
    expect(doc.findings.map((f) => f.kind)).toContain('self_deadlock');
    expect(doc.verdict).toMatch(/^Spinlock recursion/);
  });

  it('names a static lock printed by symbol (`%ps`) by that symbol', () => {
    const doc = analyze(
      [
        'BUG: spinlock recursion on CPU#0, hugemmap05/1079',
        ' lock: hugetlb_lock+0x0/0x18, .magic: dead4ead, .owner: hugemmap05/1079, .owner_cpu: 0',
      ].join('\n'),
    );
    expect(doc.locks.map((l) => [l.id, l.owner])).toEqual([['lock:hugetlb_lock', 'task:1079']]);
  });

  it('reads an unpadded address with no symbol (`%pS`, 32-bit) and a stack dumped with no CPU line', () => {
    const doc = analyze(
      [
        'BUG: spinlock recursion on CPU#0, hugemmap05/1079',
        ' lock: 0x62e140, .magic: dead4ead, .owner: hugemmap05/1079, .owner_cpu: 0',
        'Call trace:',
        ' dump_backtrace+0x0/0x198',
        ' do_raw_spin_lock+0xd0/0x108',
        ' _raw_spin_lock+0x20/0x30',
        ' free_huge_page+0x9c/0x260',
        ' __put_page+0x2c/0x60',
        ' alloc_surplus_huge_page.constprop.19+0xf0/0x140',
      ].join('\n'),
    );
    expect(doc.locks.map((l) => [l.id, l.owner])).toEqual([['lock:62e140', 'task:1079']]);
    const t = doc.tasks.find((x) => x.id === 'task:1079')!;
    expect(t.frames.map((f) => f.fn)).toContain('free_huge_page');
    expect(doc.tasks).toHaveLength(1);
  });

  it('keeps other spin_bug reports (an unlock of a lock not held) free of waiters', () => {
    const doc = analyze(
      [
        'BUG: spinlock already unlocked on CPU#1, kworker/1:2/88',
        ' lock: 0xffff88803b8f6a40, .magic: dead4ead, .owner: <none>/-1, .owner_cpu: -1',
      ].join('\n'),
    );
    expect(doc.kind).not.toBe('deadlock');
    expect(doc.graph.edges.filter((e) => e.kind === 'waits_lock')).toEqual([]);
  });

  it('reads the pre-3.4 headline `spinlock lockup` and the `Pid: N, comm:` line of its stack', () => {
    // 3.0-3.3: spin_dump(lock, "lockup"), then dump_stack's `Pid:` header (no CPU on it).
    const doc = analyze(
      [
        'BUG: spinlock lockup on CPU#6, udevd/4422',
        ' lock: ffff8803b4c701c8, .magic: dead4ead, .owner: udevd/5709, .owner_cpu: 4',
        'BUG: spinlock lockup on CPU#4, udevd/5709',
        ' lock: ffff8803b4c701c8, .magic: dead4ead, .owner: udevd/5709, .owner_cpu: 4',
        'Pid: 5709, comm: udevd Not tainted 3.2.0-guardipi-v1r6 #2',
        'Call Trace:',
        ' [<ffffffff811e507d>] spin_dump+0x88/0x8d',
        ' [<ffffffff811e5206>] do_raw_spin_lock+0xd6/0xf9',
        ' [<ffffffff8113972a>] ? shrink_dcache_parent+0x77/0x28c',
        '',
      ].join('\n'),
    );
    expect(doc.cpus.filter((c) => c.stuck).map((c) => c.cpu)).toEqual([4, 6]);
    expect(doc.tasks.find((t) => t.pid === 5709)?.cpu).toBe(4);
    expect(doc.tasks.find((t) => t.pid === 5709)?.frames.length).toBeGreaterThan(0);
    expect(doc.locks.find((l) => l.id === 'lock:ffff8803b4c701c8')?.owner).toBe('task:5709');
    // The owner spinning on its own lock: a self-deadlock the headline does not call one.
    expect(doc.findings.map((f) => f.kind)).toContain('self_deadlock');
  });

  it('reads the 2.6 headline with the lock address on it (no lock line, no owner)', () => {
    const doc = analyze('BUG: spinlock lockup on CPU#1, ld/9860, c03f8c00\n');
    expect(doc.cpus.find((c) => c.cpu === 1)?.stuck).toBe(true);
    expect(doc.graph.edges.some((e) => e.from === 'task:9860' && e.to === 'lock:c03f8c00')).toBe(true);
  });

  it('reads a lock line a mail client wrapped before `.owner_cpu`', () => {
    const doc = analyze(
      [
        'BUG: spinlock recursion on CPU#0, S01syslogd/139',
        ' lock: 0xf53ef350, .magic: dead4ead, .owner: S01syslogd/139,',
        '.owner_cpu: 0',
      ].join('\n'),
    );
    expect(doc.locks.map((l) => [l.id, l.owner])).toEqual([['lock:f53ef350', 'task:139']]);
  });
});
