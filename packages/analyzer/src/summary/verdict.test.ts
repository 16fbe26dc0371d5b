import { describe, expect, it } from 'vitest';
import { analyze } from '../analyze.js';
import { VERDICT_BUDGET, clip } from './verdict.js';
import { countWords } from './names.js';

/** A sysrq-w dump: `groups` command names, `perGroup` threads each, all blocked in a page
 *  fault on their process's mmap_lock (no tgid printed: grouped by name). */
function mmapLockDump(groups: number, perGroup: number): string {
  const out = ['sysrq: Show Blocked State'];
  let pid = 1000;
  for (let c = 0; c < groups; c++) {
    for (let k = 0; k < perGroup; k++) {
      out.push(
        `task:worker${c}        state:D stack:0     pid:${pid++}  ppid:1      flags:0x00000000`,
        'Call Trace:',
        ' <TASK>',
        ' __schedule+0x2e8/0x8a0',
        ' schedule+0x5b/0xd0',
        ' rwsem_down_read_slowpath+0x2d0/0x4a0',
        ' down_read+0x45/0x90',
        ' do_user_addr_fault+0x3cb/0x6a0',
        ' exc_page_fault+0x6c/0x150',
        ' asm_exc_page_fault+0x26/0x30',
        ' </TASK>',
      );
    }
  }
  return out.join('\n') + '\n';
}

describe('the verdict', () => {
  it('stays within its budget when a dump has a hundred locks nobody is seen holding', () => {
    const doc = analyze(mmapLockDump(120, 3));
    expect(doc.findings.length).toBeGreaterThan(100);
    expect(doc.verdict.length).toBeLessThanOrEqual(VERDICT_BUDGET);
    // The culprit, the chain and the counts are told; the rest is counted.
    expect(doc.verdict).toContain('Root blocker');
    expect(doc.verdict).toMatch(/\d+ more tasks wait the same way/);
    expect(doc.verdict).toMatch(/119 more open questions in the findings/);
  });

  it('never shows a lock by its internal key', () => {
    const doc = analyze(mmapLockDump(4, 2));
    expect(doc.verdict).not.toMatch(/mmap_lock@|@comm:|@tgid:/);
    expect(doc.verdict).toContain('the mmap_lock of the worker0 processes (grouped by name: a guess)');
    for (const f of doc.findings) expect(f.summary).not.toMatch(/mmap_lock@/);
  });

  it('names the other root blockers when there is room, and counts them when there is not', () => {
    const two = analyze(mmapLockDump(2, 1));
    expect(two.findings.filter((f) => f.kind === 'root_blocker').length).toBe(2);
    expect(two.verdict).toContain('Also a root blocker: the mmap_lock of the worker1 processes');
    const many = analyze(mmapLockDump(120, 3));
    // Three root blockers are found at most; the verdict still fits its budget.
    expect(many.verdict.length).toBeLessThanOrEqual(VERDICT_BUDGET);
    expect(many.verdict).toMatch(/Also root blockers: .*; |2 more root blockers in the findings/);
  });

  it("names the tasks of the other self-deadlocks: each is one task's own", () => {
    const relock = (pid: number) => [
      `pid: ${pid}`,
      '[<0>] cifs_mark_open_files_invalid+0x54/0xa0 [cifs]',
      '[<0>] smb2_reconnect+0x2d6/0x4b0 [cifs]',
      '[<0>] SMB2_open+0x150/0x520 [cifs]',
      '[<0>] open_shroot+0x12f/0x200 [cifs]',
      '',
    ];
    const d = analyze([...relock(22858), ...relock(20027), ...relock(301)].join('\n'));
    expect(d.verdict).toMatch(/2 more self-deadlocks in the findings: pid \d+ and pid \d+\./);
    for (const pid of ['22858', '20027', '301']) expect(d.verdict).toContain(pid);
  });

  it('groups thousands in counts', () => {
    expect(countWords(7)).toBe('7');
    expect(countWords(55680)).toBe('55,680');
    expect(countWords(1234567)).toBe('1,234,567');
  });

  it('cuts a long sentence at a word and marks the cut', () => {
    expect(clip('short', 10)).toBe('short');
    const cut = clip('one two three four five six seven', 20);
    expect(cut.length).toBeLessThanOrEqual(20);
    expect(cut.endsWith(' …')).toBe(true);
    expect(cut.startsWith('one two three')).toBe(true);
  });
});

describe('a lone blocked task in a wait no table names', () => {
  it('the verdict names the task and where it is blocked, not certain, with its stack as evidence', () => {
    const d = analyze(
      [
        'sysrq: SysRq : Show Blocked State',
        '  task                        PC stack   pid father',
        'holetest        D    0  1651   1466 0x00000000',
        'Call Trace:',
        ' __schedule+0x2c5/0xad0',
        ' schedule+0x36/0x90',
        ' some_driver_wait_thing+0xce/0x120',
        ' some_driver_ioctl+0x19e/0x250',
      ].join('\n'),
    );
    expect(d.verdict).toContain('holetest (1651)');
    expect(d.verdict).toContain('some_driver_wait_thing');
    const f = d.findings.find((x) => x.kind === 'missing_evidence')!;
    expect(f.nodes).toEqual(['task:1651']);
    expect(f.confidence ?? null).not.toBe('certain');
    expect(f.evidence).toEqual([{ line: 3, endLine: 8 }]);
  });
});

/** Hung-task reports, as the watchdog prints them, one per [comm, pid, frames]. */
function hungTasks(tasks: [string, number, string[]][]): string {
  const out: string[] = [];
  for (const [comm, pid, frames] of tasks) {
    out.push(
      `INFO: task ${comm}:${pid} blocked for more than 120 seconds.`,
      '      Not tainted 6.1.0 #1',
      '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
      `task:${comm.padEnd(15)} state:D stack:0     pid:${pid}  ppid:2      flags:0x00004000`,
      'Call Trace:',
      ' <TASK>',
      ' __schedule+0x2e8/0x8a0',
      ' schedule+0x5b/0xd0',
      ...frames.map((f) => ` ${f}`),
      ' </TASK>',
    );
  }
  return out.join('\n') + '\n';
}

describe('the verdict names the tasks it would otherwise only count', () => {
  it('names the tasks that wait the same way as the chain it tells', () => {
    const fuse = ['request_wait_answer+0x1fe/0x2a0 [fuse]', '__fuse_simple_request+0xd3/0x2b0 [fuse]'];
    const doc = analyze(
      hungTasks([
        ['cat', 301, [...fuse, 'fuse_do_getattr+0xfc/0x1f0 [fuse]']],
        ['ls', 302, [...fuse, 'fuse_do_getattr+0xfc/0x1f0 [fuse]']],
        ['stat', 303, [...fuse, 'fuse_do_getattr+0xfc/0x1f0 [fuse]']],
      ]),
    );
    expect(doc.verdict).toContain('2 more tasks wait the same way: ls (302) and stat (303).');
  });

  it('tells a reported task whose wait it cannot draw, beside another task’s root blocker', () => {
    const text = hungTasks([
      [
        'jbd2/sda1-8',
        401,
        ['io_schedule+0x12/0x40', 'jbd2_journal_commit_transaction+0x1a0/0x1a30', 'kjournald2+0xbd/0x270'],
      ],
      ['xfs_io', 402, ['btrfs_find_free_ino+0xa9/0x120 [btrfs]', 'btrfs_create+0x72/0x1f0 [btrfs]']],
    ]);
    const doc = analyze(text);
    expect(doc.graph.edges.some((e) => e.from === 'task:401')).toBe(true);
    expect(doc.graph.edges.some((e) => e.from === 'task:402')).toBe(false);
    const f = doc.findings.find((x) => x.kind === 'missing_evidence' && x.nodes.includes('task:402'));
    expect(f?.summary).toContain('xfs_io (402) [D] in btrfs_find_free_ino');
    // Its report is the evidence, through the frame it is blocked in.
    const lines = text.split('\n');
    const { line, endLine } = f!.evidence![0];
    expect(lines.slice(line - 1, endLine).join('\n')).toMatch(/xfs_io:402[^]*btrfs_find_free_ino/);
    expect(doc.verdict).toContain('xfs_io (402)');
  });

  it('says nothing more when every reported task is explained', () => {
    const doc = analyze(
      hungTasks([['jbd2/sda1-8', 401, ['io_schedule+0x12/0x40', 'jbd2_journal_commit_transaction+0x1a0/0x1a30']]]),
    );
    expect(doc.findings.some((f) => f.summary.startsWith('Also reported hung'))).toBe(false);
  });
});

describe('a hard-locked CPU: where it runs', () => {
  it('names the interrupt the idle task is stuck in, not its idle loop', () => {
    const doc = analyze(
      [
        'Kernel panic - not syncing: Hard LOCKUP',
        'CPU: 3 PID: 0 Comm: swapper/3 Not tainted 6.6.0+ #21',
        'Call Trace:',
        ' <IRQ>',
        ' hrtimer_cancel+0x52/0x70',
        ' drm_vblank_disable_and_save+0x27f/0x3c0',
        ' vblank_disable_fn+0x15d/0x1b0',
        ' call_timer_fn+0x39/0x280',
        ' run_timer_softirq+0x315/0x8a0',
        ' </IRQ>',
        ' <TASK>',
        ' default_idle+0x13/0x20',
        ' do_idle+0x1c6/0x230',
        ' cpu_startup_entry+0x1d/0x20',
        ' </TASK>',
        '',
      ].join('\n'),
    );
    expect(doc.kind).toBe('hard_lockup');
    expect(doc.verdict).toMatch(/^Hard lockup on cpu 3 in hrtimer_cancel\b/);
  });

  it('reads the stuck CPU’s stack, not the first stack of the text, for a report naming the CPU only', () => {
    const doc = analyze(
      [
        'CPU: 29 PID: 19816 Comm: lspci Not tainted 4.15.0 #1',
        'Call Trace:',
        '[c000003fbed3fb00] [c000000000cddd5c] dump_stack+0xb0/0xf4 (unreliable)',
        '[c000003fbed3fb40] [c00000000003a824] eeh_dev_check_failure+0x234/0x5b0',
        '[c000003fbed3fbe0] [c0000000000aced8] pnv_pci_read_config+0x128/0x160',
        'watchdog: CPU 128 detected hard LOCKUP on other CPUs 68',
        'watchdog: CPU 68 Hard LOCKUP',
        'CPU: 68 PID: 45050 Comm: hxediag Not tainted 4.18.0 #1',
        'NIP:  c0000000006f5578 LR: c000000000cba9ec CTR: 0000000000000000',
        'NIP [c0000000006f5578] find_next_bit+0x38/0x90',
        'LR [c000000000cba9ec] cpumask_next+0x2c/0x50',
        'Call Trace:',
        '[c000201c01c43400] [c000201cae26ec18] 0xc000201cae26ec18 (unreliable)',
        '[c000201c01c43420] [c0000000000afc58] xive_find_target_in_mask+0x1b8/0x240',
        '[c000201c01c43470] [c0000000000b0228] xive_pick_irq_target.isra.3+0x168/0x1f0',
        '',
      ].join('\n'),
    );
    expect(doc.kind).toBe('hard_lockup');
    expect(doc.verdict).toMatch(/^Hard lockup on cpu 68 in xive_find_target_in_mask\b/);
    // The bit search the NMI caught it in is the loop's body: the loop is named with it.
    expect(doc.verdict).toContain('at find_next_bit in xive_find_target_in_mask');
  });
});

describe('verdict: where a locked-up CPU runs', () => {
  // Shapes of a soft-lockup report (text written for the test, not a capture).
  const head = (comm: string, pid: number) => [
    `watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [${comm}:${pid}]`,
    `CPU: 1 PID: ${pid} Comm: ${comm} Not tainted 6.6.0 #1`,
  ];
  it('names the timer function an interrupt-only stack runs, not the interrupted task', () => {
    const text = [
      ...head('worker', 66),
      'Call Trace:',
      ' <IRQ>',
      ' __alloc_skb+0x2e/0x3a0',
      ' foo_send_query+0x299/0x510',
      ' foo_query_expired+0x16d/0x1b0',
      ' call_timer_fn+0x3b/0x2a0',
      ' __run_timers+0x619/0x950',
      ' run_timer_softirq+0x11c/0x220',
      ' handle_softirqs+0x18e/0x560',
      ' </IRQ>',
    ].join('\n');
    expect(analyze(text).verdict).toContain('foo_query_expired');
  });
  it('names the caller of the unlock the watchdog interrupt came in at', () => {
    const text = [
      ...head('worker', 67),
      'RIP: 0010:_raw_spin_unlock_irqrestore+0x21/0x30',
      'Call Trace:',
      ' <TASK>',
      ' foo_attach_device+0x69/0x450',
      ' foo_release+0x4d/0x90',
      ' __fput+0x95/0x2a0',
      ' </TASK>',
    ].join('\n');
    expect(analyze(text).verdict).toContain('foo_attach_device');
  });
});
