// Lock resolution rules, each on a minimal dump in the kernel's own format.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RM_BLOCKED_ON_DIR_LOCK } from '../testing/lockdep-texts.js';
import { analyze } from '../analyze.js';

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'dmesg', name), 'utf8');

describe('resolveLocks', () => {
  it('a task blocked where lockdep shows the lock was taken waits for that lock (likely)', () => {
    const d = analyze(fixture('held-lock-site-owner.txt'));
    const l = d.locks.find((x) => x.id === 'lock:ffff8881052a5e10')!;
    expect(l.owner).toBe('task:99');
    expect(l.type).toBe('mutex');
    const e = d.graph.edges.find((x) => x.from === 'task:101' && x.to === l.id)!;
    expect(e.kind).toBe('waits_lock');
    expect(e.confidence).toBe('likely');
  });

  it('the last held lock taken at the blocking site is the one being acquired, not held', () => {
    const text = RM_BLOCKED_ON_DIR_LOCK;
    const d = analyze(text);
    const l = d.locks.find((x) => x.id === 'lock:0000000036f1c2aa')!;
    expect(l.owner).toBe('task:8812');
    expect(l.waiters).toEqual(['task:8830']);
    expect(d.locks.find((x) => x.id === 'lock:00000000b3e8a1d7')?.owner ?? 'task:8830').toBe('task:8830');
  });

  it('a mutex owner field with flag bits names the owner once the bits are masked; a mutex_waiter names the waiter', () => {
    const text = [
      'crash> ps',
      '   4790      2   1  ffff88003570de20  UN   0.0       0      0  [kworker/1:2]',
      '   5001      1   0  ffff88003570e000  UN   0.0       0      0  [waiter]',
      'crash> struct mutex ffff880035acf1e0',
      'struct mutex {',
      '  owner = {',
      '    counter = 0xffff88003570de23',
      '  },',
      '  wait_list = {',
      '    next = 0xffff8800506d3b50,',
      '    prev = 0xffff8800506d3b50',
      '  }',
      '}',
      'crash> mutex_waiter 0xffff8800506d3b50',
      'struct mutex_waiter {',
      '  list = {',
      '    next = 0xffff880035acf1e8,',
      '    prev = 0xffff880035acf1e8',
      '  },',
      '  task = 0xffff88003570e000',
      '}',
    ].join('\n');
    const d = analyze(text);
    const l = d.locks.find((x) => x.id === 'lock:ffff880035acf1e0')!;
    expect(l.owner).toBe('task:4790');
    expect(l.ownerConfidence).toBe('certain');
    expect(l.waiters).toEqual(['task:5001']);
  });

  it('a global mutex dumped by name (`struct mutex.owner VAR`, prompt cut or not) names its owner for the tasks waiting in its takers', () => {
    const waiter = (pid: number, addr: string, caller: string) => [
      `crash> bt ${pid}`,
      `PID: ${pid}  TASK: ${addr}  CPU: 58  COMMAND: "kworker/58:1"`,
      ' #0 [ffffbfe30d68fd48] __schedule at ffffffffa7f02bf7',
      ' #1 [ffffbfe30d68fde8] schedule at ffffffffa7f031e8',
      ' #2 [ffffbfe30d68fdf0] schedule_preempt_disabled at ffffffffa7f0349a',
      ' #3 [ffffbfe30d68fdf8] __mutex_lock at ffffffffa7f04aed',
      ` #4 [ffffbfe30d68fe90] ${caller} at ffffffffa7e8d1aa`,
    ];
    const holder = [
      'crash> bt 8',
      'PID: 8      TASK: ffff9a1072b50000  CPU: 24  COMMAND: "kworker/u192:0"',
      ' #0 [ffffbfe2c00fbb70] __schedule at ffffffffa7f02bf7',
    ];
    for (const dump of [
      ['', ' struct -x mutex.owner.counter rtnl_mutex', '  owner.counter = 0xffff9a1072b50001'],
      ['crash> struct mutex.owner rtnl_mutex -x', '  owner = {', '    counter = 0xffff9a1072b50001', '  }'],
    ]) {
      const d = analyze(
        [...holder, ...waiter(1369493, 'ffff9a03684d9600', 'addrconf_verify_work'), ...dump].join('\n'),
      );
      const l = d.locks.find((x) => x.name === 'rtnl_mutex')!;
      expect([l.owner, l.ownerConfidence, l.waiters]).toEqual(['task:8', 'certain', ['task:1369493']]);
      const held = d.graph.edges.find((e) => e.kind === 'held_by' && e.from === l.id)!;
      expect(held.evidence[0].line).toBe(dump[0] === '' ? 13 : 12);
    }
    // A spinlock wait below a mutex taker is not a wait for that mutex.
    const spin = analyze(
      [...waiter(77, 'ffff9a03684d9600', 'proc_cgroup_show')]
        .join('\n')
        .replace('__mutex_lock', 'native_queued_spin_lock_slowpath'),
    );
    expect(spin.locks.some((x) => x.name === 'cgroup_mutex')).toBe(false);
  });

  it('disk removal against the last close: the open_mutex and the queue freeze make a guessed cycle', () => {
    const hung = (comm: string, pid: number, frames: string[]) => [
      `INFO: task ${comm}:${pid} blocked for more than 188 seconds.`,
      `task:${comm.padEnd(15)} state:D stack:0     pid:${pid}   ppid:2      flags:0x00000008`,
      'Call trace:',
      ...frames.map((f) => ` ${f}+0x10/0x20`),
    ];
    const d = analyze(
      [
        ...hung('kworker/0:0', 7, [
          '__switch_to',
          '__schedule',
          'schedule',
          'schedule_preempt_disabled',
          '__mutex_lock',
          'mutex_lock',
          'del_gendisk',
          'sd_remove',
        ]),
        ...hung('fsck.', 15415, [
          '__switch_to',
          '__schedule',
          'schedule',
          'blk_queue_enter',
          'blk_mq_alloc_request',
          'scsi_execute_cmd',
          'sd_release',
          'blkdev_put',
          'blkdev_release',
          '__fput',
        ]),
      ].join('\n'),
    );
    const f = d.findings.find((x) => x.kind === 'deadlock_cycle')!;
    expect(f.confidence).toBe('guess');
    expect(f.nodes).toEqual(expect.arrayContaining(['task:7', 'task:15415']));
  });

  it('a btrfs extent_buffer dump names its write holder by pid (lock_owner), fields cut with ...', () => {
    const text = [
      'crash> bt 5063',
      'PID: 5063   TASK: ffff8881ca254000  CPU: 0   COMMAND: "fsstress"',
      ' #0 [ffffc90007d46fd8] __schedule at ffffffff8260da25',
      ' #1 [ffffc90007d470e0] schedule at ffffffff8260f247',
      ' #2 [ffffc90007d47110] rwsem_down_read_slowpath at ffffffff82619b9d',
      ' #3 [ffffc90007d47318] down_read_nested at ffffffff81264da4',
      ' #4 [ffffc90007d47368] btrfs_read_lock_root_node at ffffffffa02b5007 [btrfs]',
      ' #5 [ffffc90007d47390] btrfs_search_slot at ffffffffa01a181b [btrfs]',
      '    ffffc90007d47320: [ffff88811a30bc20:btrfs_extent_buffer] 0000000000000000',
      'crash> struct extent_buffer ffff88811a30bc20',
      'struct extent_buffer {',
      '  start = 1803321344,',
      '...',
      '  lock_owner = 5065,',
      '...',
      'crash> bt 5065',
      'PID: 5065   TASK: ffff88812a7f0000  CPU: 1   COMMAND: "fsstress"',
      ' #0 [ffffc90007d66ab0] __schedule at ffffffff8260da25',
      ' #1 [ffffc90007d66be8] btrfs_chunk_alloc at ffffffffa03cd50a [btrfs]',
    ].join('\n');
    const d = analyze(text);
    const held = d.graph.edges.find((e) => e.kind === 'held_by' && e.from === 'lock:ffff88811a30bc20')!;
    expect([held.to, held.confidence]).toEqual(['task:5065', 'certain']);
    expect(held.evidence).toEqual([{ line: 11, endLine: 14 }]);
    expect(d.graph.edges).toContainEqual(
      expect.objectContaining({ from: 'task:5063', to: 'lock:ffff88811a30bc20', kind: 'waits_lock' }),
    );
  });

  it('a task whose stack holds the inode whose dumped i_rwsem names it as owner waits for its own lock', () => {
    const d = analyze(
      [
        'crash> bt -f 451417',
        'PID: 451417  TASK: ffffa0ba50b620c0  CPU: 60  COMMAND: "dockerd-current"',
        ' #0 [ffffbf3ecfa8bca0] __schedule at ffffffff83c6f786',
        ' #1 [ffffbf3ecfa8bd30] schedule at ffffffff83c6fba6',
        ' #2 [ffffbf3ecfa8bd48] rwsem_down_write_slowpath at ffffffff8334c5d0',
        '    ffffbf3ecfa8bd50: ffffa0b6a1fc9a0c 0000000200000000',
        ' #3 [ffffbf3ecfa8bdf8] xfs_remove at ffffffffc0a630b5 [xfs]',
        '    ffffbf3ecfa8be00: ffffa0e401865638 0000000000000002',
        ' #4 [ffffbf3ecfa8be50] xfs_vn_unlink at ffffffffc0a5dbe3 [xfs]',
        'crash> struct inode.i_rwsem.owner ffffa0e401865638 -x',
        '  i_rwsem.owner = {',
        '    counter = 0xffffa0ba50b620c0',
        '  },',
      ].join('\n'),
    );
    const l = d.locks.find((x) => x.id === 'lock:inode.i_rwsem@ffffa0e401865638')!;
    expect([l.owner, l.waiters]).toEqual(['task:451417', ['task:451417']]);
    expect(d.findings.some((f) => f.kind === 'self_deadlock')).toBe(true);
  });

  describe("locks held by a task's own frames (knowledge/frame-held-locks.ts)", () => {
    const hung = (comm: string, pid: number, frames: string[]) => [
      `INFO: task ${comm}:${pid} blocked for more than 120 seconds.`,
      `task:${comm.padEnd(15)} state:D stack:    0 pid:${String(pid).padStart(5)} ppid:     1 flags:0x00004000`,
      'Call Trace:',
      ...frames.map((f) => ` ${f}+0x10/0x20`),
    ];

    it('a task waiting for rtnl_mutex below its own rtnetlink_rcv_msg is a likely self-deadlock', () => {
      const d = analyze(
        hung('ip', 6024, [
          '__schedule',
          'schedule',
          '__mutex_lock',
          'mutex_lock',
          'rtnl_lock',
          'igb_resume',
          '__dev_open',
          'do_setlink',
          'rtnl_newlink',
          'rtnetlink_rcv_msg',
          'netlink_rcv_skb',
        ]).join('\n'),
      );
      const l = d.locks.find((x) => x.name === 'rtnl_mutex')!;
      expect(l.owner).toBe('task:6024');
      expect(l.ownerConfidence).toBe('likely');
      const f = d.findings.find((x) => x.kind === 'self_deadlock')!;
      expect(f.confidence).toBe('likely');
      expect(f.nodes).toContain('task:6024');
      const e = d.graph.edges.find((x) => x.kind === 'held_by' && x.to === 'task:6024')!;
      expect(e.why).toContain('rtnl_newlink');
      expect(e.evidence).toEqual([{ line: 12, endLine: 12 }]);
    });

    it('a task blocked in rtnl_lock called by rtnetlink_rcv_msg itself holds nothing', () => {
      const d = analyze(
        hung('ip', 700, [
          '__schedule',
          'schedule',
          'mutex_lock',
          'rtnl_lock',
          'rtnetlink_rcv_msg',
          'netlink_rcv_skb',
        ]).join('\n'),
      );
      expect(d.locks.find((x) => x.name === 'rtnl_mutex')!.owner).toBeNull();
      expect(d.findings.some((x) => x.kind === 'self_deadlock')).toBe(false);
    });

    it('another task inside a handler that holds rtnl is its likely owner', () => {
      const text = [
        ...hung('kworker/1:0', 17, [
          '__schedule',
          'schedule',
          'mutex_lock',
          'rtnl_lock',
          'addrconf_verify_work',
          'process_one_work',
          'worker_thread',
        ]),
        ...hung('tc', 8773, [
          '__schedule',
          'schedule',
          'wait_for_completion',
          'tcf_action_add',
          'tc_ctl_action',
          'rtnetlink_rcv_msg',
          'netlink_rcv_skb',
        ]),
      ].join('\n');
      const d = analyze(text);
      const l = d.locks.find((x) => x.name === 'rtnl_mutex')!;
      expect(l.owner).toBe('task:8773');
      expect(l.ownerConfidence).toBe('likely');
      expect(d.graph.edges.some((e) => e.from === 'task:17' && e.to === l.id)).toBe(true);
    });

    it('two stacks that both claim an exclusive lock are each only a guess', () => {
      const text = [
        ...hung('a', 10, [
          '__schedule',
          'schedule',
          'mutex_lock',
          'rtnl_lock',
          'addrconf_verify_work',
          'process_one_work',
        ]),
        ...hung('b', 11, [
          '__schedule',
          'schedule',
          'wait_for_completion',
          'foo_event',
          'linkwatch_event',
          'process_one_work',
        ]),
        ...hung('c', 12, [
          '__schedule',
          'schedule',
          'wait_for_completion',
          'bar_setup',
          'register_netdev',
          'bar_probe',
        ]),
      ].join('\n');
      const d = analyze(text);
      const l = d.locks.find((x) => x.name === 'rtnl_mutex')!;
      expect(l.owner).toBeNull();
      const guesses = d.graph.edges.filter((e) => e.from === l.id && e.kind === 'held_by');
      expect(guesses.map((e) => [e.to, e.confidence])).toEqual([
        ['task:11', 'guess'],
        ['task:12', 'guess'],
      ]);
    });

    it('an ABBA through two locks held by frames is a deadlock cycle; the per-device mutex link is a guess', () => {
      const text = [
        ...hung('kworker/0:1', 13, [
          '__schedule',
          'schedule',
          'schedule_preempt_disabled',
          '__mutex_lock',
          'mutex_lock',
          'report_resume',
          'pci_walk_bus',
          'pcie_do_recovery',
          'aer_recover_work_func',
          'process_one_work',
        ]),
        ...hung('flr.sh', 4534, [
          '__schedule',
          'schedule',
          'rwsem_down_write_failed',
          'down_write',
          'pci_device_add',
          'pci_iov_add_virtfn',
          'sriov_enable',
          'pci_enable_sriov',
          'sriov_numvfs_store',
          'dev_attr_store',
        ]),
      ].join('\n');
      const d = analyze(text);
      const f = d.findings.find((x) => x.kind === 'deadlock_cycle')!;
      expect(f.nodes).toEqual(expect.arrayContaining(['task:13', 'task:4534', 'lock:pci_bus_sem']));
      expect(f.confidence).toBe('guess');
      const sem = d.graph.edges.find((e) => e.from === 'lock:pci_bus_sem' && e.kind === 'held_by')!;
      expect([sem.to, sem.confidence]).toEqual(['task:13', 'likely']);
    });

    it('syncs blocked on a mutex in sync_inodes_sb wait for the s_sync_lock held by the sync waiting for writeback there', () => {
      const waiter = (pid: number) =>
        hung('sync', pid, [
          '__schedule',
          'schedule',
          'schedule_preempt_disabled',
          '__mutex_lock.isra.5',
          'sync_inodes_sb',
          'iterate_supers',
          'ksys_sync',
        ]);
      const holder = (pid: number) =>
        hung('sync', pid, [
          '__schedule',
          'schedule',
          'io_schedule',
          'wait_on_page_bit_common',
          '__filemap_fdatawait_range',
          'filemap_fdatawait_keep_errors',
          'sync_inodes_sb',
          'iterate_supers',
          'ksys_sync',
        ]);
      const one = analyze([...holder(172932), ...waiter(187416), ...waiter(191627)].join('\n'));
      const held = one.graph.edges.filter((e) => e.kind === 'held_by' && e.from === 'lock:mutex@sync_inodes_sb');
      expect(held.map((e) => e.to)).toEqual(['task:172932']);
      expect(one.graph.edges).toContainEqual(
        expect.objectContaining({ from: 'task:187416', to: 'lock:mutex@sync_inodes_sb', kind: 'waits_lock' }),
      );
      // A second sync holding one in the same function: each is a guess, neither the owner.
      const two = analyze([...holder(172932), ...holder(164581), ...waiter(187416)].join('\n'));
      const guesses = two.graph.edges.filter((e) => e.kind === 'held_by' && e.from === 'lock:mutex@sync_inodes_sb');
      expect(guesses.map((e) => [e.to, e.confidence]).sort()).toEqual([
        ['task:164581', 'guess'],
        ['task:172932', 'guess'],
      ]);
      expect(two.locks.find((l) => l.id === 'lock:mutex@sync_inodes_sb')!.owner).toBeNull();
    });

    it('/proc stacks re-locking their own tree connection mutex: each task waits for the one it holds', () => {
      const text = [
        'pid: 9505',
        '[<0>] open_shroot+0x43/0x200 [cifs]',
        '[<0>] smb2_query_path_info+0x93/0x220 [cifs]',
        '',
        'pid: 22858',
        '[<0>] cifs_mark_open_files_invalid+0x54/0xa0 [cifs]',
        '[<0>] smb2_reconnect+0x2d6/0x4b0 [cifs]',
        '[<0>] SMB2_open+0x150/0x520 [cifs]',
        '[<0>] open_shroot+0x12f/0x200 [cifs]',
        '',
        'pid: 20027',
        '[<0>] cifs_mark_open_files_invalid+0x54/0xa0 [cifs]',
        '[<0>] smb2_reconnect+0x2d6/0x4b0 [cifs]',
        '[<0>] SMB2_open+0x150/0x520 [cifs]',
        '[<0>] open_shroot+0x12f/0x200 [cifs]',
      ].join('\n');
      const d = analyze(text);
      const selves = d.findings
        .filter((f) => f.kind === 'self_deadlock')
        .map((f) => f.nodes.find((n) => n.startsWith('task:')));
      expect(selves.sort()).toEqual(['task:20027', 'task:22858']);
      // The task asleep at open_shroot+0x43 is taking the mutex, not holding it.
      expect(d.graph.edges).toContainEqual(
        expect.objectContaining({ from: 'task:9505', to: 'lock:mutex@open_shroot', kind: 'waits_lock' }),
      );
      expect(d.graph.edges.some((e) => e.kind === 'held_by' && e.to === 'task:9505')).toBe(false);
      // From 5.3 open_shroot drops the mutex around the open (96d9f7ed00b8).
      const newer = analyze(`Linux version 5.4.0 (builder@host)\n${text}`);
      expect(newer.findings.some((f) => f.kind === 'self_deadlock')).toBe(false);
    });

    it('a per-device mutex with two candidate holders names neither', () => {
      const text = [
        ...hung('kworker/0:1', 13, [
          '__schedule',
          'schedule',
          '__mutex_lock',
          'mutex_lock',
          'report_resume',
          'pci_walk_bus',
          'pcie_do_recovery',
        ]),
        ...hung('a', 20, [
          '__schedule',
          'schedule',
          'wait_for_completion',
          'foo_probe',
          'really_probe',
          '__driver_attach',
          'bus_for_each_dev',
        ]),
        ...hung('b', 21, [
          '__schedule',
          'schedule',
          'wait_for_completion',
          'bar_probe',
          'really_probe',
          '__device_attach',
          'bus_probe_device',
        ]),
      ].join('\n');
      const d = analyze(text);
      expect(d.graph.edges.filter((e) => e.kind === 'held_by' && e.from === 'lock:mutex@report_resume')).toEqual([]);
    });

    it('rtnetlink_rcv holds rtnl only on kernels before 4.14, and only when the dump says which', () => {
      const frames = [
        '__schedule',
        'schedule',
        'wait_for_completion',
        'foo_cmd',
        'netlink_rcv_skb',
        'rtnetlink_rcv',
        'netlink_unicast',
      ];
      const waiter = hung('kworker/1:0', 17, [
        '__schedule',
        'schedule',
        'mutex_lock',
        'rtnl_lock',
        'linkwatch_event',
        'process_one_work',
      ]);
      const withKernel = (k: string | null) =>
        [...waiter, ...(k ? [`CPU: 0 PID: 900 Comm: ip Not tainted ${k} #1`] : []), ...hung('ip', 900, frames)].join(
          '\n',
        );
      const owner = (k: string | null) => analyze(withKernel(k)).locks.find((x) => x.name === 'rtnl_mutex')!.owner;
      expect(owner('4.9.0-8-amd64')).toBe('task:900');
      expect(owner('5.4.0')).toBeNull();
      expect(owner(null)).toBeNull();
    });

    it("a handle waiting for the journal's checkpoint mutex waits for the task checkpointing under it", () => {
      const d = analyze(
        [
          ...hung('mc', 189529, [
            '__schedule',
            'io_schedule',
            'bit_wait_io',
            '__wait_on_buffer',
            'jbd2_log_do_checkpoint',
            '__jbd2_log_wait_for_space',
            'add_transaction_credits',
            'start_this_handle',
          ]),
          ...hung('task_server', 21125, [
            '__schedule',
            'schedule_preempt_disabled',
            '__mutex_lock',
            'mutex_lock_io',
            '__jbd2_log_wait_for_space',
            'add_transaction_credits',
            'start_this_handle',
          ]),
        ].join('\n'),
      );
      // One mutex per journal: the waiter's lock is keyed by its call site, and the one
      // task whose frames hold a checkpoint mutex is its guessed owner.
      const l = d.locks.find((x) => x.waiters.includes('task:21125'))!;
      expect([l.name, l.owner, l.ownerConfidence]).toEqual(['mutex@__jbd2_log_wait_for_space', 'task:189529', 'guess']);
    });

    it("a dm-bufio shrinker waiting for buffer I/O holds its client's lock (kernels before 5.9)", () => {
      const d = analyze(
        [
          ...hung('kswapd0', 474, [
            '__schedule',
            'io_schedule_timeout',
            'out_of_line_wait_on_bit',
            '__make_buffer_clean',
            '__try_evict_buffer',
            'dm_bufio_shrink_scan',
            'shrink_slab',
          ]),
          ...hung('loop1', 14127, ['__schedule', 'schedule', 'mutex_lock', 'dm_bufio_shrink_count', 'shrink_slab']),
        ].join('\n'),
      );
      const l = d.locks.find((x) => x.waiters.includes('task:14127'))!;
      expect([l.owner, l.ownerConfidence]).toEqual(['task:474', 'guess']);
    });
  });
});
