import { describe, expect, it } from 'vitest';
import { analyze } from '../../analyze.js';
import { parseText } from '../run.js';

// print_bad_irq_dependency (kernel/locking/lockdep.c), trimmed: the trying/holding lines
// carry the irq context, and the lock classes' saved traces follow the headline.
const IRQ_ORDER_REPORT = `=====================================================
WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected
5.10.0-rc1-syzkaller #0 Not tainted
-----------------------------------------------------
syz-executor.4/17509 [HC0[0]:SC0[0]:HE0:SE1] is trying to acquire:
ffff8880120b9168 (&new->fa_lock){.?.+}-{2:2}, at: kill_fasync+0x14b/0x460

and this task is already holding:
ffff88806a4a6028 (&client->buffer_lock){....}-{2:2}, at: evdev_pass_values.part.0+0xf6/0x970
which would create a new lock dependency:
 (&client->buffer_lock){....}-{2:2} -> (&new->fa_lock){.?.+}-{2:2}

but this new dependency connects a HARDIRQ-irq-safe lock:
 (&dev->event_lock){-.-.}-{2:2}

... which became HARDIRQ-irq-safe at:
...
  lock_acquire+0x29d/0x740
  _raw_spin_lock_irqsave+0x39/0x50
  input_event+0x7b/0xb0
  ret_from_fork+0x1f/0x30

to a HARDIRQ-irq-unsafe lock:
 (&new->fa_lock){.?.+}-{2:2}

... which became HARDIRQ-irq-unsafe at:

  lock_acquire+0x29d/0x740
  _raw_read_lock+0x5b/0x70
  kill_fasync+0x14b/0x460
  entry_SYSCALL_64_after_hwframe+0x44/0xa9

the dependencies between HARDIRQ-irq-safe lock and the holding lock:
-> (&dev->event_lock){-.-.}-{2:2} {
   IN-HARDIRQ-W at:
                    lock_acquire+0x29d/0x740
                    _raw_spin_lock_irqsave+0x39/0x50
                    input_event+0x7b/0xb0
   INITIAL USE at:
                   lock_acquire+0x29d/0x740
                   _raw_spin_lock_irqsave+0x39/0x50
 }
 ... key      at: [<ffffffff8fa50fa0>] __key.8+0x0/0x40
 ... acquired at:
   _raw_spin_lock+0x2a/0x40
   evdev_pass_values.part.0+0xf6/0x970

stack backtrace:
CPU: 1 PID: 17509 Comm: syz-executor.4 Not tainted 5.10.0-rc1-syzkaller #0
Call Trace:
 dump_stack+0x107/0x163
 check_irq_usage.cold+0x4f5/0x6c8
 __lock_acquire+0x2b37/0x5f60
 lock_acquire+0x29d/0x740
 _raw_read_lock+0x5b/0x70
 kill_fasync+0x14b/0x460
 evdev_pass_values.part.0+0x64e/0x970
`;

describe('lockdep irq-order reports', () => {
  it('read the trying and holding locks, and take the saved traces as history, not as stacks of tasks', () => {
    const { records, coverage } = parseText(IRQ_ORDER_REPORT);
    // The only task stack is the reporting task's own backtrace.
    expect(records.tasks.filter((t) => t.frames.length > 0).map((t) => t.pid)).toEqual([17509]);
    expect(records.lockFacts.map((f) => f.name)).toEqual(['&new->fa_lock']);
    expect(records.heldLocks.map((h) => h.name)).toEqual(['&client->buffer_lock']);
    const saved = coverage.filter((s) => s.format === 'lockdep_saved_trace').map((s) => [s.line, s.endLine]);
    expect(saved).toEqual([
      [16, 21],
      [26, 31],
      [35, 41],
      [43, 46],
    ]);
  });
});

describe("a lockdep report with another context's lines printed into it", () => {
  const report = (stray: string, caller = (c: string) => c) =>
    [
      `[ 1319.864586]${caller('[   T43]')} ======================================================`,
      `[ 1319.865875]${caller('[   T43]')} WARNING: possible circular locking dependency detected`,
      `[ 1319.870353]${caller('[   T43]')} 5.5.0-rc7 #10 Not tainted`,
      `[ 1319.874831]${caller('[ T5878]')} ${stray}`,
      `[ 1319.872392]${caller('[   T43]')} ------------------------------------------------------`,
      `[ 1319.875308]${caller('[   T43]')} kworker/u8:2/43 is trying to acquire lock:`,
      `[ 1319.879142]${caller('[   T43]')} ffffc9000027fdf0 ((work_completion)(&peer->transmit_handshake_work)){+.+.}, at: process_one_work+0x1c4/0x5b0`,
      `[ 1319.886943]${caller('[   T43]')} `,
      `[ 1319.886943]${caller('[   T43]')} but task is already holding lock:`,
      `[ 1319.891100]${caller('[   T43]')} ffff888064b0c5d0 (&wg->static_identity.lock){++++}, at: wg_noise_handshake_create_initiation+0x58/0x3a0`,
    ].join('\n');

  it('reads on past it, with printk caller ids and without', () => {
    for (const text of [
      report("netlink: 44 bytes leftover after parsing attributes in process `syz-executor.0'."),
      report('xt_TCPMSS: Only works on TCP SYN packets', () => ''),
    ]) {
      const { records } = parseText(text);
      expect(records.reports.map((r) => [r.kind, r.span.line, r.span.endLine])).toEqual([['deadlock', 2, 10]]);
      expect(records.lockFacts.map((f) => f.waiters?.[0]?.pid)).toEqual([43]);
      expect(records.heldLocks.map((h) => h.name)).toEqual(['&wg->static_identity.lock']);
    }
  });

  it("stops at a line of its own context that is not the report's", () => {
    const { records } = parseText(report('harmless', () => '').replace('---', 'something else entirely ---'));
    expect(records.reports[0].span.endLine).toBe(3);
  });
});

describe('lockdep stack backtrace', () => {
  const report = (after: string[]) =>
    [
      '[ INFO: possible recursive locking detected ]',
      'kseriod/111 is trying to acquire lock:',
      ' (&ps2dev->cmd_mutex/1){--..}, at: [<c05937fd>] ps2_command+0x6a/0x2bd',
      '',
      'but task is already holding lock:',
      ' (&ps2dev->cmd_mutex/1){--..}, at: [<c05937fd>] ps2_command+0x6a/0x2bd',
      '',
      'stack backtrace:',
      ...after,
    ].join('\n');

  it('gives a backtrace with no CPU line (2.6) to the task the report names', () => {
    const { records } = parseText(
      report([
        ' [<c040583d>] dump_stack+0x19/0x1b',
        ' [<c060d793>] mutex_lock_nested+0xd5/0x251',
        ' [<c05937fd>] ps2_command+0x6a/0x2bd',
      ]),
    );
    const t = records.tasks.find((x) => x.format === 'lockdep_backtrace')!;
    expect([t.pid, t.comm, t.span.line, t.span.endLine]).toEqual([111, 'kseriod', 8, 11]);
    expect(t.frames.map((f) => f.fn)).toEqual(['dump_stack', 'mutex_lock_nested', 'ps2_command']);
    expect(records.tasks.some((x) => x.pid === null)).toBe(false);
  });

  it('leaves a backtrace with its own CPU line to the CPU dump parser', () => {
    const { records } = parseText(
      report([
        'CPU: 1 PID: 111 Comm: kseriod Not tainted 5.10.0 #1',
        'Call Trace:',
        ' dump_stack+0x107/0x163',
        ' ps2_command+0x6a/0x2bd',
      ]),
    );
    // (The report names its task too, with no stack: the stack is the CPU dump's.)
    expect(records.tasks.filter((x) => x.frames.length > 0).map((x) => x.format)).toEqual(['cpu_dump']);
  });

  it('does not give a stack far from any report to a reporter', () => {
    const filler = Array.from({ length: 200 }, (_, k) => `note ${k}`);
    const { records } = parseText(
      report([]) +
        '\n' +
        filler.join('\n') +
        '\nstack backtrace:\n [<c05937fd>] ps2_command+0x6a/0x2bd\n [<c0591b9d>] serio_thread+0xfd/0x27c',
    );
    expect(records.tasks.some((x) => x.format === 'lockdep_backtrace')).toBe(false);
  });
});

describe('lockdep reports pasted in part', () => {
  const chain = [
    'the existing dependency chain (in reverse order) is:',
    '',
    '-> #1 (fs_reclaim){+.+.}:',
    '       fs_reclaim_acquire+0x19/0x20',
    '       kmem_cache_alloc+0x33/0x300',
    '',
    '-> #0 (sb_internal){.+.+}:',
    '       lock_acquire+0xa3/0x1f0',
    '       __sb_start_write+0x11c/0x190',
    '       xfs_trans_alloc+0xec/0x130 [xfs]',
  ];

  it('a chain with no headline is a circular-dependency report of its own, with no task', () => {
    const { records } = parseText(['Lockdep log:', '', ...chain].join('\n'));
    expect(records.reports.map((r) => [r.kind, r.subtype, r.task, r.span.line])).toEqual([
      ['deadlock', 'circular', null, 3],
    ]);
    expect(records.lockdepChains[0].entries.map((e) => [e.index, e.name, e.frames.length])).toEqual([
      [1, 'fs_reclaim', 2],
      [0, 'sb_internal', 3],
    ]);
  });

  it('a chain right after a report cut by the sender’s comment continues that report', () => {
    const head = [
      'WARNING: possible circular locking dependency detected',
      '4.15.0-rc4 #8 Not tainted',
      'gnome-shell/1971 is trying to acquire lock:',
      ' (sb_internal){.+.+}, at: [<00000000221fd49d>] xfs_trans_alloc+0xec/0x130 [xfs]',
      '',
      'And here we go again on another false positive.',
      '',
    ];
    const { records } = parseText([...head, ...chain].join('\n'));
    expect(records.reports).toHaveLength(1);
    expect(records.lockdepChains.map((c) => c.reporter?.pid)).toEqual([1971]);
    // Far from any report, the same chain stands alone.
    const far = parseText(
      [...head, ...Array.from({ length: 60 }, (_, k) => `Some prose line ${k} here.`), ...chain].join('\n'),
    );
    expect(far.records.reports.map((r) => r.task?.pid ?? null)).toEqual([1971, null]);
  });

  it('an intro line alone is no report', () => {
    expect(parseText('the existing dependency chain (in reverse order) is:\n\nthanks').records.reports).toEqual([]);
  });

  it('reads an old-format lock line whose `at:` site a mail client wrapped', () => {
    const { records } = parseText(
      [
        '[ INFO: possible recursive locking detected ]',
        'swapper/0/1 is trying to acquire lock:',
        ' (pgdat_init_rwsem){++++.+},',
        '   at: [<ffffffff8424c7fb>] page_alloc_init_late+0xc7/0xe6',
        '',
        'but task is already holding lock:',
        ' (pgdat_init_rwsem){++++.+},',
        '   at: [<ffffffff8424c772>] page_alloc_init_late+0x3e/0xe6',
      ].join('\n'),
    );
    expect(records.lockFacts.map((f) => [f.name, f.at, f.span])).toEqual([
      ['pgdat_init_rwsem', 'page_alloc_init_late+0xc7/0xe6', { line: 3, endLine: 4 }],
    ]);
    expect(records.heldLocks.map((h) => [h.name, h.at, h.holder.pid])).toEqual([
      ['pgdat_init_rwsem', 'page_alloc_init_late+0x3e/0xe6', 1],
    ]);
  });

  it('reads on past a 2.6.18–2.6.2x version line (release and build number, no taint)', () => {
    const { records } = parseText(
      [
        '[ INFO: possible recursive locking detected ]',
        '2.6.19-rc6-g1b9bb3c1 #28',
        '---------------------------------------------',
        'kpartx/945 is trying to acquire lock:',
        ' (&md->io_lock){----}, at: [<00000000001f8faa>] dm_request+0x42/0x24c',
      ].join('\n'),
    );
    expect(records.reports.map((r) => r.task?.pid)).toEqual([945]);
    expect(records.lockFacts.map((f) => [f.name, f.waiters?.[0]?.pid])).toEqual([['&md->io_lock', 945]]);
  });

  it('takes a module tag a mail client wrapped onto its own line as part of the lock line', () => {
    const { records } = parseText(
      [
        '[ INFO: possible recursive locking detected ]',
        'khubd/451 is trying to acquire lock:',
        '(&adap->bus_lock){--..}, at: [<f8902177>] i2c_transfer+0x23/0x40',
        '[i2c_core]',
        '',
        'but task is already holding lock:',
        '(&adap->bus_lock){--..}, at: [<f8902177>] i2c_transfer+0x23/0x40',
        '[i2c_core]',
        '',
        'other info that might help us debug this:',
        '1 lock held by khubd/451:',
        '#0: (&adap->bus_lock){--..}, at: [<f8902177>] i2c_transfer+0x23/0x40',
        '[i2c_core]',
        ' #1:  (&inode->i_mutex/1){--..}, at: [<c015f50b>]',
        'lookup_create+0x1d/0x73',
      ].join('\n'),
    );
    expect(records.lockFacts.map((f) => [f.name, f.span])).toEqual([['&adap->bus_lock', { line: 3, endLine: 4 }]]);
    expect(records.heldLocks.map((h) => [h.name, h.at, h.line])).toEqual([
      ['&adap->bus_lock', 'i2c_transfer+0x23/0x40', 7],
      ['&adap->bus_lock', 'i2c_transfer+0x23/0x40', 12],
      ['&inode->i_mutex/1', 'lookup_create+0x1d/0x73', 14],
    ]);
  });
});

describe('a lockdep report quoted from its trying line, without the headline', () => {
  const TRYING = [
    'syz-executor421/5891 is trying to acquire lock:',
    'ffff888079fcc868 (&ptp->n_vclocks_mux){+.+.}-{4:4}, at: ptp_clock_unregister+0x21/0x250',
    '',
    'but task is already holding lock:',
  ];
  it('is a report of its own: recursive when the same class is wanted and held', () => {
    const { records } = parseText(
      [...TRYING, 'ffff8880300cc868 (&ptp->n_vclocks_mux){+.+.}-{4:4}, at: n_vclocks_store+0xf1/0x6d0'].join('\n'),
    );
    expect(records.reports.map((r) => [r.kind, r.subtype, r.task?.pid])).toEqual([['deadlock', 'recursive', 5891]]);
    // The wanted instance has the task as its waiter; the held one (another instance of
    // the class) is stated as the task's.
    expect(records.lockFacts.map((f) => [f.addr, f.waiters?.[0]?.pid ?? null, f.owner?.pid ?? null])).toEqual([
      ['ffff888079fcc868', 5891, null],
      ['ffff8880300cc868', null, 5891],
    ]);
    expect(records.heldLocks.map((h) => [h.addr, h.holder.pid])).toEqual([['ffff8880300cc868', 5891]]);
  });
  it('circular when another class is held; nothing for a trying line alone', () => {
    const { records } = parseText(
      [...TRYING, 'ffff8880300cc000 (&mm->mmap_lock){++++}-{3:3}, at: do_user_addr_fault+0x1b4/0x5c0'].join('\n'),
    );
    expect(records.reports.map((r) => r.subtype)).toEqual(['circular']);
    expect(parseText('bash/1 is trying to acquire lock:\nand then it stopped\n').records.reports).toEqual([]);
  });
});

describe('lockdep irq reports: the cycle an interrupt closes', () => {
  const INVERSION = [
    '========================================================',
    'WARNING: possible irq lock inversion dependency detected',
    '5.12.0-rc3+ #25 Tainted: G        W',
    '--------------------------------------------------------',
    'bash/780 just changed the state of lock:',
    'ffffffff82b29c98 (device_domain_lock){..-.}-{2:2}, at: iommu_flush_dev_iotlb.part.0+0x32/0x110',
    'but this lock took another, SOFTIRQ-unsafe lock in the past:',
    ' (pasid_lock){+.+.}-{2:2}',
    '',
    'and interrupts could create inverse lock ordering between them.',
    '',
    'other info that might help us debug this:',
    'Chain exists of:',
    '  device_domain_lock --> &iommu->lock --> pasid_lock',
  ];
  it('irq inversion: the reporter holds the lock it changed; Chain exists of gives the cycle', () => {
    const { records } = parseText(INVERSION.join('\n'));
    expect(records.reports.map((r) => [r.subtype, r.task?.pid])).toEqual([['irq_inversion', 780]]);
    expect(records.lockFacts.map((f) => [f.addr, f.owner?.pid, f.waiters])).toEqual([['ffffffff82b29c98', 780, []]]);
    expect(records.lockdepChains.map((c) => [c.irq, c.entries.map((e) => e.name)])).toEqual([
      [true, ['device_domain_lock', '&iommu->lock', 'pasid_lock']],
    ]);
  });
  it('irq inversion without a chain line: the two classes, the irq-safe one first', () => {
    const backward = [
      '[ INFO: possible irq lock inversion dependency detected ]',
      'nc/1854 just changed the state of lock:',
      '(af_callback_keys + sk->sk_family#2){-.-?}, at: [<c0268a7f>] sock_def_error_report+0x1f/0x90',
      'but this lock was taken by another, soft-irq-safe lock in the past:',
      '(slock-AF_INET){-+..}',
    ];
    const { records } = parseText(backward.join('\n'));
    expect(records.lockdepChains[0].entries.map((e) => e.name)).toEqual([
      'slock-AF_INET',
      'af_callback_keys + sk->sk_family#2',
    ]);
  });
  it('is drawn as a lock-order cycle and a deadlock_cycle finding', () => {
    const doc = analyze(INVERSION.join('\n'));
    expect(doc.graph.edges.filter((e) => e.kind === 'lock_order').map((e) => `${e.from} -> ${e.to}`)).toEqual([
      'lock:ffffffff82b29c98 -> lock:&iommu->lock',
      'lock:&iommu->lock -> lock:pasid_lock',
      'lock:pasid_lock -> lock:ffffffff82b29c98',
    ]);
    expect(doc.findings.map((f) => f.kind)).toContain('deadlock_cycle');
  });
  it('inconsistent lock state taken in an interrupt: the task waits for it, a possible same-CPU self-deadlock', () => {
    const doc = analyze(
      [
        'WARNING: inconsistent lock state',
        'inconsistent {SOFTIRQ-ON-W} -> {IN-SOFTIRQ-W} usage.',
        'client/4460 [HC0[0]:SC1[1]:HE1:SE0] takes:',
        'ffff888703331198 (&(&s->cache_lock)->rlock){+.?.}, at: sidtab_sid2str_put.part.0+0x35/0x2f0',
        '{SOFTIRQ-ON-W} state was registered at:',
      ].join('\n'),
    );
    expect(doc.graph.edges.map((e) => `${e.from} -${e.kind}-> ${e.to}`)).toContain(
      'task:4460 -waits_lock-> lock:ffff888703331198',
    );
    const f = doc.findings.find((x) => x.kind === 'self_deadlock');
    expect(f?.nodes).toEqual(['task:4460', 'lock:ffff888703331198']);
    expect(f?.confidence).toBe('likely');
  });
  it('inconsistent lock state held with the interrupt enabled: the task holds it, a possible same-CPU self-deadlock', () => {
    const text = [
      'WARNING: inconsistent lock state',
      'inconsistent {IN-SOFTIRQ-W} -> {SOFTIRQ-ON-W} usage.',
      'bash/12 [HC0[0]:SC0[0]:HE1:SE1] takes:',
      'ffff888703331198 (&lock){+.?.}, at: f+0x35/0x2f0',
    ].join('\n');
    const { records } = parseText(text);
    expect(records.heldLocks.map((h) => [h.addr, h.holder.pid])).toEqual([['ffff888703331198', 12]]);
    expect(records.lockFacts).toEqual([]);
    // lockdep's scenario: `lock(&lock); <Interrupt> lock(&lock); *** DEADLOCK ***`.
    expect(records.lockdepChains.map((c) => c.entries.map((e) => e.name))).toEqual([['&lock']]);
    const doc = analyze(text);
    expect(doc.locks.map((l) => [l.id, l.owner])).toEqual([['lock:ffff888703331198', 'task:12']]);
    const f = doc.findings.find((x) => x.kind === 'self_deadlock');
    expect(f?.nodes).toEqual(['task:12', 'lock:ffff888703331198']);
    expect(f?.summary).toMatch(/holds .* with interrupts enabled/);
  });
});

describe('a lockdep reporter that is an idle task', () => {
  it('is the idle task of the CPU its comm names (swapper/N), not a pid-0 task of no CPU', () => {
    const { records } = parseText(
      [
        'WARNING: inconsistent lock state',
        'inconsistent {SOFTIRQ-ON-W} -> {IN-SOFTIRQ-W} usage.',
        'swapper/30/0 [HC0[0]:SC1[1]:HE1:SE0] takes:',
        'ffffffff9acdc038 (hugetlb_lock){+.?.}, at: free_huge_page+0x36f/0xaa0',
      ].join('\n'),
    );
    expect(records.tasks.map((t) => [t.pid, t.comm, t.cpu])).toEqual([[0, 'swapper/30', 30]]);
    // 2.6's plain `swapper` names no CPU: left to its `CPU: N PID: 0` line.
    const old = parseText(
      [
        '[ INFO: possible recursive locking detected ]',
        'swapper/0 is trying to acquire lock:',
        ' (&q->lock){-+..}, at: [<c0117f9b>] __wake_up+0x15/0x42',
      ].join('\n'),
    );
    expect(old.records.tasks).toEqual([]);
  });
});

// Reports of a lock left held (print_freed_lock_bug, lockdep_sys_exit) and of an unlock of
// a lock the task does not hold (print_unlock_imbalance_bug), trimmed.
const HELD_LOCK_FREED = `=========================
WARNING: held lock freed!
5.14.10-rc1 #1 Not tainted
-------------------------
systemd-network/341 is freeing memory ffff9d21cbea0000-ffff9d21cbea06bf, with a lock still held there!
ffff9d21cbea0120 (sk_lock-AF_INET){+.+.}-{0:0}, at: sk_common_release+0x21/0x100
2 locks held by systemd-network/341:
 #0: ffff9d21c406eb10 (&sb->s_type->i_mutex_key#6){+.+.}-{3:3}, at: __sock_release+0x32/0xc0
 #1: ffff9d21cbea0120 (sk_lock-AF_INET){+.+.}-{0:0}, at: sk_common_release+0x21/0x100

stack backtrace:
CPU: 2 PID: 341 Comm: systemd-network Not tainted 5.14.10-rc1 #1
Call Trace:
 dump_stack_lvl+0x49/0x5e
 debug_check_no_locks_freed+0x111/0x120
 kfree+0x1d0/0x2c0
 __sk_destruct+0x1c3/0x250`;

const RETURNING_OLD = `================================================
[ BUG: lock held when returning to user space! ]
------------------------------------------------
rsyslogd/1422 is leaving the kernel with locks still held!
1 lock held by rsyslogd/1422:
 #0:  (tasklist_lock){.+.+.+}, at: [<ffffffff810faf64>] out_of_memory+0x164/0x3f0`;

const UNLOCK_IMBALANCE = `=====================================
WARNING: bad unlock balance detected!
5.4.0 #1 Not tainted
-------------------------------------
kworker/u8:2/123 is trying to release lock (&ctx->lock) at:
[<ffffffffc0a1b2c3>] acme_done+0x53/0x90 [acme]
but there are no more locks to release!

other info that might help us debug this:
no locks held by kworker/u8:2/123.`;

describe('lockdep reports of a lock left held', () => {
  it('reads a held-lock-freed report: its task holds the lock in the freed memory and its list', () => {
    const { records } = parseText(HELD_LOCK_FREED);
    expect(records.reports[0]).toMatchObject({ kind: 'deadlock', subtype: 'held_lock_freed' });
    expect(records.reports[0].task).toMatchObject({ pid: 341, comm: 'systemd-network' });
    expect(records.lockFacts).toEqual([
      expect.objectContaining({ addr: 'ffff9d21cbea0120', owner: expect.objectContaining({ pid: 341 }), waiters: [] }),
    ]);
    const doc = analyze(HELD_LOCK_FREED);
    expect(doc.kind).toBe('deadlock');
    const heldBy = doc.graph.edges.filter((e) => e.kind === 'held_by').map((e) => `${e.from} ${e.to} ${e.confidence}`);
    expect(heldBy).toEqual(['lock:ffff9d21cbea0120 task:341 certain', 'lock:ffff9d21c406eb10 task:341 certain']);
    // Held locks nobody waits for make no root blocker.
    expect(doc.findings.map((f) => f.kind)).not.toContain('root_blocker');
  });

  it('reads the old `[ BUG: lock held when returning to user space! ]` with its task and held lock', () => {
    const { records } = parseText(RETURNING_OLD);
    expect(records.reports[0]).toMatchObject({ kind: 'deadlock', subtype: 'held_returning_to_user' });
    expect(records.reports[0].task).toMatchObject({ pid: 1422, comm: 'rsyslogd' });
    const doc = analyze(RETURNING_OLD);
    expect(doc.locks.map((l) => [l.id, l.owner])).toEqual([['lock:tasklist_lock', 'task:1422']]);
  });

  it('reads a bad-unlock-balance report: its task, the caller line consumed, no lock held', () => {
    const { records } = parseText(UNLOCK_IMBALANCE);
    expect(records.reports[0]).toMatchObject({ kind: 'deadlock', subtype: 'bad_unlock_balance' });
    expect(records.reports[0].task).toMatchObject({ pid: 123, comm: 'kworker/u8:2' });
    expect(records.lockFacts).toEqual([]);
    expect(analyze(UNLOCK_IMBALANCE).graph.edges).toEqual([]);
  });
});

describe('lockdep lines cut where printk records or a mail client cut them', () => {
  it('joins a held-lock entry split over lines: `#0: ADDR` / class / `, at:` per inlined frame', () => {
    const text = [
      '6 locks held by kswapd0/88:',
      ' #0: ffffffff8e21f720',
      ' (fs_reclaim){+.+.}-{0:0}',
      ', at: balance_pgdat mm/vmscan.c:6774 [inline]',
      ', at: kswapd+0xb3f/0x36e0 mm/vmscan.c:7146',
      ' #1:',
      'ffff88802f9d80e0 (&type->s_umount_key#52){.+.+}-{3:3}',
      ', at: super_cache_scan+0x94/0x4b0 fs/super.c:196',
      ' #5: ffffffff8e132020 (',
      'rcu_read_lock){....}-{1:2}, at: rcu_lock_acquire include/linux/rcupdate.h:298 [inline]',
      'rcu_read_lock){....}-{1:2}, at: bpf_trace_run4+0x16e/0x490 kernel/trace/bpf_trace.c:2422',
    ].join('\n');
    const held = parseText(text).records.heldLocks.map((h) => [h.index, h.addr, h.name, h.at]);
    expect(held).toEqual([
      [0, 'ffffffff8e21f720', 'fs_reclaim', 'kswapd+0xb3f/0x36e0'],
      [1, 'ffff88802f9d80e0', '&type->s_umount_key#52', 'super_cache_scan+0x94/0x4b0'],
      [5, 'ffffffff8e132020', 'rcu_read_lock', 'bpf_trace_run4+0x16e/0x490'],
    ]);
  });

  it('reads a held-lock entry wrapped after its class, `at:` starting the next line (format=flowed)', () => {
    const text = [
      '3 locks held by repro_20250402_/13250:',
      '  #0: ffff8880177f3d08 (vm_lock){++++}-{0:0}, at:',
      'do_user_addr_fault+0x41b/0x1490',
      '  #1: ffff888000fec848 (&hugetlb_fault_mutex_table[i]){+.+.}-{4:4},',
      'at: hugetlb_fault+0x3b8/0x2c30 mm/hugetlb.c:6220',
      '  #2: ffff8880129500e8 (&resv_map->rw_sema){++++}-{4:4}, at:',
      'hugetlb_fault+0x494/0x2c30',
    ].join('\n');
    const held = parseText(text).records.heldLocks.map((h) => [h.index, h.addr, h.at]);
    expect(held).toEqual([
      [0, 'ffff8880177f3d08', 'do_user_addr_fault+0x41b/0x1490'],
      [1, 'ffff888000fec848', 'hugetlb_fault+0x3b8/0x2c30'],
      [2, 'ffff8880129500e8', 'hugetlb_fault+0x494/0x2c30'],
    ]);
  });

  it('marks an entry exclusive when its usage bits show no read use (5.9+ format only)', () => {
    const text = [
      '4 locks held by t/1:',
      ' #0: ffff888073930860 (&ni->ni_lock/4){+.+.}-{3:3}, at: ntfs3_setattr+0x596/0xca0',
      ' #1: ffff88802c7bc758 (&mm->mmap_lock){++++}-{3:3}, at: vm_mmap_pgoff+0x18f/0x2f0',
      ' #2: ffffffff879a7440 (rcu_read_lock){....}-{1:3}, at: debug_show_all_locks+0x30/0x180',
      ' #3: ffff888073930b00 (&sb->s_type->i_mutex_key#14){+.+.}, at: do_truncate+0x205/0x300',
    ].join('\n');
    expect(parseText(text).records.heldLocks.map((h) => h.exclusive)).toEqual([true, false, false, false]);
  });

  it('reads a chain link whose name was cut from its usage (`-> #0 (console_owner` / `){-...}-{0:0}:`)', () => {
    const text = [
      'WARNING: possible circular locking dependency detected',
      'kswapd0/88 is trying to acquire lock:',
      'ffffffff8e126300 (console_owner){-...}-{0:0}, at: vprintk_emit+0x3d6/0x770',
      '',
      'but task is already holding lock:',
      'ffff8880b952c8d8 (hrtimer_bases.lock){-.-.}-{2:2}, at: __hrtimer_run_queues+0x65a/0xd00',
      '',
      'the existing dependency chain (in reverse order) is:',
      '',
      '-> #1 (hrtimer_bases.lock){-.-.}-{2:2}:',
      '       lock_acquire+0x1e4/0x530',
      '',
      '-> #0 (console_owner',
      '){-...}-{0:0}:',
      '       lock_acquire+0x1e4/0x530',
    ].join('\n');
    const chain = parseText(text).records.lockdepChains[0];
    expect(chain.entries.map((e) => e.name)).toEqual(['hrtimer_bases.lock', 'console_owner']);
  });

  it('gives a lock line wrapped after its address the address reflow joined onto the sentence before', () => {
    const text = [
      '=====================================================',
      'WARNING: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected',
      '6.4.0-rc5 #1 Not tainted',
      '-----------------------------------------------------',
      // (as reflow gives a text wrapped at 72 columns back)
      'kworker/3:1/49 [HC0[0]:SC0[4]:HE1:SE0] is trying to acquire: ffff8881066fa368',
      '(&mvm_sta->deflink.lq_sta.rs_drv.pers.lock){+.+.}-{2:2}, at: rs_drv_get_rate+0x46/0xe7',
      '',
      'and this task is already holding:',
      'ffff8881066f80a8 (&sta->rate_ctrl_lock){+.-.}-{2:2}, at: rate_control_get_rate+0xbd/0x126',
    ].join('\n');
    const doc = analyze(text);
    expect(doc.graph.edges.map((e) => `${e.from} ${e.kind} ${e.to}`)).toContain(
      'task:49 waits_lock lock:ffff8881066fa368',
    );
  });
});

describe('a circular report whose dependency chain was cut', () => {
  const HEADER = [
    '======================================================',
    'WARNING: possible circular locking dependency detected',
    '6.1.0-rc4 #1 Not tainted',
    '------------------------------------------------------',
    'thermald/1049 is trying to acquire lock:',
    'ffffffffaf26d980 (cpu_hotplug_lock){++++}-{0:0}, at: powerclamp_set_cur_state+0x35/0xa8',
    '',
    'but task is already holding lock:',
    'ffff941dc9a1cd58 (&cdev->lock){+.+.}-{3:3}, at: cur_state_store+0x50/0xc0',
    '',
    'which lock already depends on the new lock.',
    '',
  ];
  const order = (doc: ReturnType<typeof analyze>) =>
    doc.graph.edges.filter((e) => e.kind === 'lock_order').map((e) => `${e.from} -> ${e.to}`);

  it('draws the order its header states: the held lock already depends on the new one', () => {
    const doc = analyze([...HEADER, 'the existing dependency chain (in reverse order) is:', ''].join('\n'));
    expect(order(doc).sort()).toEqual([
      'lock:ffff941dc9a1cd58 -> lock:ffffffffaf26d980',
      'lock:ffffffffaf26d980 -> lock:ffff941dc9a1cd58',
    ]);
    expect(doc.findings.map((f) => f.kind)).toContain('deadlock_cycle');
    const implied = doc.graph.edges.find((e) => e.from === 'lock:ffffffffaf26d980' && e.kind === 'lock_order');
    expect(implied?.why).toMatch(/already depends on .* cut from the text/);
  });

  it('adds the new lock as #0 to a chain cut before it', () => {
    const doc = analyze(
      [
        ...HEADER,
        'the existing dependency chain (in reverse order) is:',
        '',
        '-> #1 (&cdev->lock){+.+.}-{3:3}:',
        '       __mutex_lock+0x92/0x8c0',
        '       thermal_zone_device_update+0x2a/0x110',
      ].join('\n'),
    );
    expect(order(doc).sort()).toEqual([
      'lock:ffff941dc9a1cd58 -> lock:ffffffffaf26d980',
      'lock:ffffffffaf26d980 -> lock:ffff941dc9a1cd58',
    ]);
  });

  it('draws nothing for a report that is not a circular one', () => {
    const doc = analyze(
      [
        'WARNING: possible recursive locking detected',
        'thermald/1049 is trying to acquire lock:',
        'ffffffffaf26d980 (cpu_hotplug_lock){++++}-{0:0}, at: powerclamp_set_cur_state+0x35/0xa8',
        '',
        'but task is already holding lock:',
        'ffff941dc9a1cd58 (&cdev->lock){+.+.}-{3:3}, at: cur_state_store+0x50/0xc0',
      ].join('\n'),
    );
    expect(order(doc)).toEqual([]);
  });

  it('lets the chain printed after the sender’s comment replace the ends read from the header', () => {
    const { records } = parseText(
      [
        ...HEADER,
        'I cut the report here; the chain follows:',
        '',
        '-> #1 (&cdev->lock){+.+.}-{3:3}:',
        '       __mutex_lock+0x92/0x8c0',
        '       thermal_zone_device_update+0x2a/0x110',
        '-> #0 (cpu_hotplug_lock){++++}-{0:0}:',
        '       lock_acquire+0x68/0x8c',
        '       powerclamp_set_cur_state+0x35/0xa8',
      ].join('\n'),
    );
    expect(records.lockdepChains.map((c) => c.entries.map((e) => [e.index, e.name, !!e.implied]))).toEqual([
      [
        [1, '&cdev->lock', false],
        [0, 'cpu_hotplug_lock', false],
      ],
    ]);
  });
});
