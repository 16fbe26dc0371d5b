// Lockdep reports as lock-order cycles: each lock held while the next is taken, a
// possible deadlock (never `certain`), and recursive reports that name only a class.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../analyze.js';
import { lockOrderLinks } from './lockdep-chains.js';

// print_circular_bug (kernel/locking/lockdep.c, 5.x format): #0 is the lock being
// taken, #1 the held one; #1's trace is where it was taken while #0 was held.
const CIRCULAR = `======================================================
WARNING: possible circular locking dependency detected
5.2.11-gentoo #2 Not tainted
------------------------------------------------------
kswapd0/711 is trying to acquire lock:
000000007777a663 (sb_internal){.+.+}, at: start_transaction+0x3a8/0x500

but task is already holding lock:
000000000ba86300 (fs_reclaim){+.+.}, at: __fs_reclaim_acquire+0x0/0x30

which lock already depends on the new lock.

the existing dependency chain (in reverse order) is:

-> #1 (fs_reclaim){+.+.}:
       kmem_cache_alloc+0x1f/0x1c0
       btrfs_alloc_inode+0x1f/0x260
       btrfs_new_inode+0x70/0x610

-> #0 (sb_internal){.+.+}:
       __sb_start_write+0xf6/0x150
       start_transaction+0x3a8/0x500
       btrfs_evict_inode+0x19e/0x4c0

other info that might help us debug this:

 Possible unsafe locking scenario:

       CPU0                    CPU1
       ----                    ----
  lock(fs_reclaim);
                               lock(sb_internal);
                               lock(fs_reclaim);
  lock(sb_internal);

 *** DEADLOCK ***

3 locks held by kswapd0/711:
 #0: 000000000ba86300 (fs_reclaim){+.+.}, at: __fs_reclaim_acquire+0x0/0x30
 #1: 000000004a5100f8 (shrinker_rwsem){++++}, at: shrink_node+0x9a/0x380
 #2: 00000000f956fa46 (&type->s_umount_key#30){++++}, at: super_cache_scan+0x35/0x1d0

stack backtrace:
CPU: 7 PID: 711 Comm: kswapd0 Not tainted 5.2.11-gentoo #2
Call Trace:
 dump_stack+0x85/0xc7
 __lock_acquire+0x18b1/0x1f00
 lock_acquire+0xa6/0x170
 __sb_start_write+0xf6/0x150
 start_transaction+0x3a8/0x500
 btrfs_evict_inode+0x19e/0x4c0
 kswapd+0x2ba/0x5e0
 kthread+0x147/0x160
`;

// print_deadlock_bug on 2.6.18: no lock addresses, usage letters with dashes, and a
// `stack backtrace:` with no `CPU: N PID:` line before its frames.
const RECURSIVE_2_6 = `=============================================
[ INFO: possible recursive locking detected ]
---------------------------------------------
kseriod/111 is trying to acquire lock:
 (&ps2dev->cmd_mutex/1){--..}, at: [<c05937fd>] ps2_command+0x6a/0x2bd

but task is already holding lock:
 (&ps2dev->cmd_mutex/1){--..}, at: [<c05937fd>] ps2_command+0x6a/0x2bd

other info that might help us debug this:
2 locks held by kseriod/111:
 #0:  (serio_mutex){--..}, at: [<c060d6bb>] mutex_lock+0x21/0x24
 #1:  (&ps2dev->cmd_mutex/1){--..}, at: [<c05937fd>] ps2_command+0x6a/0x2bd

stack backtrace:
 [<c0405167>] show_trace_log_lvl+0x54/0xfd
 [<c040583d>] dump_stack+0x19/0x1b
 [<c043c546>] lock_acquire+0x4b/0x6d
 [<c060d793>] mutex_lock_nested+0xd5/0x251
 [<c05937fd>] ps2_command+0x6a/0x2bd
 [<c0598f41>] psmouse_sliced_command+0x1c/0x5a
 [<c0591b9d>] serio_thread+0xfd/0x27c
`;

describe('lockOrderLinks', () => {
  const entry = (index: number, name: string, frames: string[]) => ({
    index,
    name,
    frames,
    span: { line: index + 1, endLine: index + 1 },
  });

  it('links each entry to the one before it and closes the chain from the last to #0', () => {
    const links = lockOrderLinks({
      reporter: null,
      span: { line: 1, endLine: 9 },
      entries: [
        entry(2, 'C', ['c_fn']),
        entry(1, 'B', ['lock_acquire', 'mutex_lock_nested', 'b_fn']),
        entry(0, 'A', ['a_fn']),
      ],
    });
    expect(links.map((l) => `${l.held}>${l.taken}@${l.site}`)).toEqual(['A>B@b_fn', 'B>C@c_fn', 'C>A@a_fn']);
  });

  it('makes no link of a chain of one lock, nor from a lock to itself', () => {
    expect(lockOrderLinks({ reporter: null, span: { line: 1, endLine: 1 }, entries: [entry(0, 'A', [])] })).toEqual([]);
    expect(
      lockOrderLinks({
        reporter: null,
        span: { line: 1, endLine: 2 },
        entries: [entry(0, 'A', []), entry(1, 'A', [])],
      }),
    ).toEqual([]);
  });
});

describe('lockdep lock-order cycles', () => {
  it('draws a circular report as a cycle through its locks and its reporter, a possible deadlock', () => {
    const d = analyze(CIRCULAR);
    const order = d.graph.edges.filter((e) => e.kind === 'lock_order');
    expect(order.map((e) => `${e.from}>${e.to}`).sort()).toEqual([
      'lock:000000000ba86300>lock:000000007777a663',
      'lock:000000007777a663>lock:000000000ba86300',
    ]);
    expect(order.every((e) => e.confidence === 'likely')).toBe(true);
    // The held lock of the report is held (not pending), by the reporter.
    expect(d.graph.edges).toContainEqual(
      expect.objectContaining({ from: 'lock:000000000ba86300', to: 'task:711', kind: 'held_by' }),
    );
    const f = d.findings[0];
    expect(f.kind).toBe('deadlock_cycle');
    expect(f.summary).toMatch(/^Possible deadlock from lock order/);
    expect(f.confidence).toBe('likely');
    expect(f.nodes).toEqual(expect.arrayContaining(['task:711', 'lock:000000007777a663', 'lock:000000000ba86300']));
    expect(d.findings.some((x) => x.kind === 'root_blocker' || x.kind === 'missing_evidence')).toBe(false);
  });

  it('reports a cycle of waits the dump shows as such, not as a lock order', () => {
    // A lockdep report, then both tasks blocked on each other's mutex (hung-task reports).
    const d = analyze(
      readFileSync(
        join(import.meta.dirname, '..', '..', '..', 'fixtures', 'corpus', 'ht-mutex-abba-lockdep-5.15.txt'),
        'utf8',
      ),
    );
    const cycles = d.findings.filter((f) => f.kind === 'deadlock_cycle');
    expect(cycles).toHaveLength(1);
    expect(cycles[0].summary).toMatch(/^Deadlock: /);
    expect(d.graph.edges.some((e) => e.kind === 'lock_order')).toBe(true);
  });

  it('gives a 2.6 report its reporter, whose stack is the bare backtrace after the report', () => {
    const d = analyze(RECURSIVE_2_6);
    const t = d.tasks.find((x) => x.pid === 111)!;
    expect(t.comm).toBe('kseriod');
    expect(t.frames.map((f) => f.fn)).toContain('ps2_command');
    expect(d.tasks.filter((x) => x.pid === null)).toEqual([]);
  });

  it('calls recursive locking of a class without addresses possible, with both readings', () => {
    const d = analyze(RECURSIVE_2_6);
    const f = d.findings.find((x) => x.kind === 'self_deadlock')!;
    expect(f.nodes).toEqual(['task:111', 'lock:&ps2dev->cmd_mutex/1']);
    expect(f.confidence).toBe('guess');
    expect(f.summary).toMatch(/false positive/);
  });

  it('keeps a recursive report on one lock address a certain self-deadlock', () => {
    const text = RECURSIVE_2_6.replace(
      /^ \(&ps2dev->cmd_mutex\/1\)\{--\.\.\}, at: \[<c05937fd>\]/gm,
      'ffff8a1c4d6e1228 (&ps2dev->cmd_mutex/1){+.+.}-{3:3}, at:',
    ).replace(' #1:  (&ps2dev', ' #1: ffff8a1c4d6e1228 (&ps2dev');
    const d = analyze(text);
    const f = d.findings.find((x) => x.kind === 'self_deadlock')!;
    expect(f.nodes).toEqual(['task:111', 'lock:ffff8a1c4d6e1228']);
    expect(f.confidence).toBe('certain');
  });
});
