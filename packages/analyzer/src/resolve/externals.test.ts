// The external resolver on its own: waits served by a thread of the dump or by a party
// outside it, and only for tasks no other resolver explained.
import { describe, expect, it } from 'vitest';
import { findWaits } from '../waits/find.js';
import { buildModel } from '../model/build.js';
import { parseText } from '../parse/run.js';
import { taskDump } from '../testing/task-dump.js';
import { resolveExternals } from './externals.js';

function externals(text: string, explained: string[] = []) {
  const { records } = parseText(text);
  const model = buildModel(records, text);
  const links = resolveExternals(model, findWaits(model, 'x86_64'), new Set(explained));
  return links.map((l) => ({
    nodes: l.nodes.map((n) => ('task' in n ? n.task.id : `${n.id} (${n.label})`)),
    link: `${l.from} -> ${l.to}`,
    confidence: l.confidence,
  }));
}

const IO = ['__schedule+0x3f6/0xa40', 'schedule+0x5b/0xd0', 'io_schedule+0x16/0x40', 'folio_wait_bit+0x1c2/0x2b0'];
const NFS = [
  '__schedule+0x3f6/0xa40',
  'schedule+0x5b/0xd0',
  'rpc_wait_bit_killable+0x1e/0xa0',
  '__rpc_execute+0x10e/0x420',
];
const LOG = [
  '__schedule+0x3f6/0xa40',
  'schedule+0x5b/0xd0',
  'xlog_grant_head_wait+0xbd/0x2a0',
  'xfs_log_reserve+0xc9/0x1c0',
];

describe('resolveExternals', () => {
  it('a wait on IO is served by a blocked usb-storage thread of the dump: a guess', () => {
    const usb = [
      '__schedule+0x3f6/0xa40',
      'schedule+0x5b/0xd0',
      'wait_for_completion+0x12/0x14',
      'usb_sg_wait+0x123/0x132 [usbcore]',
      'usb_stor_bulk_transfer_sglist+0x5f/0x9a [usb_storage]',
      'usb_stor_control_thread+0x116/0x196 [usb_storage]',
      'kthread+0x5e/0x63',
    ];
    const links = externals(taskDump('dd', 10, 'D', IO) + taskDump('usb-storage', 611, 'D', usb));
    expect(links.find((l) => l.link.startsWith('task:10 '))).toEqual({
      nodes: ['task:611'],
      link: 'task:10 -> task:611',
      confidence: 'guess',
    });
  });

  it('a wait on IO points at the storage device: a guess', () => {
    expect(externals(taskDump('dd', 10, 'D', IO))).toEqual([
      {
        nodes: ['external:storage (storage device (IO completion))'],
        link: 'task:10 -> external:storage',
        confidence: 'guess',
      },
    ]);
  });

  it('a completion whose caller names the worker that completes it waits for that worker', () => {
    const text =
      taskDump('kworker/u16:4', 295, 'D', [
        '__schedule+0x2e5/0xbb0',
        'schedule+0x58/0xd0',
        'btrfs_commit_transaction+0x2dc/0xb40 [btrfs]',
        'btrfs_qgroup_rescan_worker+0x3cb/0x600 [btrfs]',
        'btrfs_work_helper+0xc8/0x330 [btrfs]',
      ]) +
      taskDump('btrfs', 81204, 'D', [
        '__schedule+0x2e5/0xbb0',
        'schedule+0x58/0xd0',
        'schedule_timeout+0x1f3/0x290',
        'wait_for_completion+0x8b/0xf0',
        'btrfs_qgroup_wait_for_completion+0x62/0x70 [btrfs]',
        'btrfs_quota_disable+0x51/0x320 [btrfs]',
      ]);
    expect(externals(text).find((l) => l.link.startsWith('task:81204'))).toEqual({
      nodes: ['task:295'],
      link: 'task:81204 -> task:295',
      confidence: 'guess',
    });
  });

  it('leaves a task another resolver explained', () => {
    expect(externals(taskDump('dd', 10, 'D', IO), ['task:10'])).toEqual([]);
  });

  it('names the NFS server the dump says stopped answering', () => {
    const text = 'nfs: server nfs01.example not responding, still trying\n' + taskDump('ls', 11, 'D', NFS);
    expect(externals(text)[0].nodes).toEqual(['external:nfs-server (NFS server nfs01.example (not responding))']);
  });

  it('a thread of the dump that serves the wait is its likely server, named as a guess', () => {
    const text =
      taskDump('xfsaild/sda1', 12, 'S', ['__schedule+0x3f6/0xa40', 'schedule+0x5b/0xd0', 'xfsaild+0x16e/0x7d0']) +
      taskDump('touch', 13, 'D', LOG);
    expect(externals(text)).toEqual([{ nodes: ['task:12'], link: 'task:13 -> task:12', confidence: 'guess' }]);
  });

  it('an NFSv4 opener waiting for lease recovery waits for the state manager thread of the dump', () => {
    const recover = [
      '__schedule+0x3f6/0xa40',
      'schedule+0x5b/0xd0',
      'nfs_wait_bit_killable+0x1c/0x88 [nfs]',
      'nfs4_wait_clnt_recover+0xb4/0xf0 [nfsv4]',
      'nfs4_client_recover_expired_lease+0x34/0x88 [nfsv4]',
    ];
    const manager = taskDump('10.0.0.1-manag', 20, 'S', [
      '__schedule+0x3f6/0xa40',
      'nfs4_run_state_manager+0x1c0/0x1f8 [nfsv4]',
      'kthread+0x100/0x110',
    ]);
    expect(externals(manager + taskDump('cat', 21, 'D', recover))).toEqual([
      { nodes: ['task:20'], link: 'task:21 -> task:20', confidence: 'guess' },
    ]);
    // Without it, the recovery's far end: the server.
    expect(externals(taskDump('cat', 21, 'D', recover))[0].link).toBe('task:21 -> external:nfs-server');
    // Another NFS wait keeps the server, state manager or not.
    expect(externals(manager + taskDump('ls', 22, 'D', NFS))[0].link).toBe('task:22 -> external:nfs-server');
  });

  it('shutting an RPC client down waits for a worker running an RPC task, a guess', () => {
    const shutdown = [
      '__schedule+0x3f6/0xa40',
      'schedule+0x5b/0xd0',
      'schedule_timeout+0x88/0x160',
      'rpc_shutdown_client+0xb3/0x150 [sunrpc]',
      'nfsd4_process_cb_update+0x4c/0x270 [nfsd]',
    ];
    // The worker spinning in the client's task (as in a soft lockup), no wait of its own.
    const worker = taskDump('kworker/u4:1', 30, 'R', [
      'try_to_grab_pending+0x12/0x160',
      'mod_delayed_work_on+0x3c/0x90',
      '__rpc_sleep_on_priority_timeout+0x107/0x110 [sunrpc]',
      'rpc_delay+0x56/0x90 [sunrpc]',
      '__rpc_execute+0x5e/0x250 [sunrpc]',
      'rpc_async_schedule+0x29/0x40 [sunrpc]',
      'process_one_work+0x1e6/0x380',
    ]);
    expect(externals(worker + taskDump('kworker/u4:4', 31, 'D', shutdown))).toEqual([
      { nodes: ['task:30'], link: 'task:31 -> task:30', confidence: 'guess' },
    ]);
  });

  it('sync waiting for writeback work waits for a busy flusher of the dump, a guess; none: the storage', () => {
    const umount = [
      '__schedule+0x3f6/0xa40',
      'schedule+0x5b/0xd0',
      'wb_wait_for_completion+0x5c/0x90',
      'writeback_inodes_sb+0x4a/0x60',
      'sync_filesystem+0x3c/0xa0',
      'generic_shutdown_super+0x2c/0x130',
    ];
    // The flusher not blocked but busy in ->writepages (a huge extent cache to free).
    const flusher = taskDump('kworker/u16:0', 40, 'R', [
      '__detach_extent_node+0x28/0x90',
      'f2fs_shrink_extent_tree+0x1fc/0x3c0',
      'f2fs_write_node_pages+0x98/0x230',
      'do_writepages+0x7c/0x1a0',
      'writeback_sb_inodes+0x1f0/0x4e0',
      'wb_writeback+0xd4/0x3a0',
      'wb_do_writeback+0x100/0x2c0',
      'wb_workfn+0x6c/0x2a0',
      'process_one_work+0x1e6/0x380',
    ]);
    expect(externals(flusher + taskDump('umount', 41, 'D', umount))).toEqual([
      { nodes: ['task:40'], link: 'task:41 -> task:40', confidence: 'guess' },
    ]);
    expect(externals(taskDump('umount', 41, 'D', umount))).toEqual([
      {
        nodes: ['external:storage (storage device (IO completion))'],
        link: 'task:41 -> external:storage',
        confidence: 'guess',
      },
    ]);
  });

  it('a CPU going down waits for a cpuhp thread of the dump; kthread_stop for an exiting kthread, else nothing', () => {
    const down = taskDump('sprdhotplug', 150, 'D', [
      '__schedule+0x3f6/0xa40',
      'schedule+0x5b/0xd0',
      'schedule_timeout+0x88/0x160',
      'wait_for_common+0xa4/0x160',
      '__cpuhp_kick_ap+0x60/0x90',
      'cpuhp_kick_ap_work+0x44/0x130',
      '_cpu_down+0xd4/0x2a0',
    ]);
    const stop = [
      '__schedule+0x3f6/0xa40',
      'schedule+0x5b/0xd0',
      'schedule_timeout+0x88/0x160',
      'wait_for_common+0xa4/0x160',
      'kthread_stop+0x64/0x130',
      'sugov_exit+0x44/0x90',
    ];
    const cpuhp = taskDump('cpuhp/3', 26, 'D', stop);
    // The stopped kthread, on its way out: blocked in exit_signals under do_exit.
    const exiting = taskDump('sugov:3', 13819, 'D', [
      '__schedule+0x3f6/0xa40',
      'schedule+0x5b/0xd0',
      'percpu_rwsem_wait+0xb4/0x140',
      '__percpu_down_read+0x4c/0x90',
      'exit_signals+0x1f4/0x220',
      'do_exit+0xb0/0xa40',
      'kthread+0x120/0x130',
    ]);
    expect(externals(down + cpuhp + exiting, ['task:13819'])).toEqual([
      { nodes: ['task:26'], link: 'task:150 -> task:26', confidence: 'guess' },
      { nodes: ['task:13819'], link: 'task:26 -> task:13819', confidence: 'guess' },
    ]);
    expect(externals(taskDump('rmmod', 878, 'D', stop))).toEqual([]);
  });

  it('a runtime resume that finds the device resuming waits for the task running its callback, a guess', () => {
    const waiter = taskDump('swapper/0', 1, 'D', [
      '__switch_to+0xf4/0x1f4',
      '__schedule+0x418/0xb80',
      'schedule+0x5c/0x10c',
      'rpm_resume+0xe0/0x52c',
      '__pm_runtime_resume+0x58/0x98',
      'foo_probe+0x30/0xb0',
    ]);
    const resumer = taskDump('kworker/u16:0', 9, 'D', [
      '__schedule+0x418/0xb80',
      'schedule+0x5c/0x10c',
      'msleep+0x2c/0x48',
      'foo_runtime_resume+0x54/0x1c8',
      '__rpm_callback+0x84/0x144',
      'rpm_callback+0x30/0x88',
      'rpm_resume+0x1f4/0x52c',
      '__pm_runtime_resume+0x58/0x98',
    ]);
    expect(externals(waiter + resumer, ['task:9'])).toEqual([
      { nodes: ['task:9'], link: 'task:1 -> task:9', confidence: 'guess' },
    ]);
    // Nobody in a runtime PM callback: the device.
    expect(externals(waiter)).toEqual([
      {
        nodes: ['external:device (device / polled condition)'],
        link: 'task:1 -> external:device',
        confidence: 'guess',
      },
    ]);
  });
  it('a task waiting for the BMC to answer waits for the device', () => {
    const bmc = [
      '__schedule+0x4fa/0xbf0',
      'schedule+0x27/0xf0',
      '__get_guid+0xf4/0x130 [ipmi_msghandler]',
      '__bmc_get_device_id+0xd6/0xa30 [ipmi_msghandler]',
    ];
    expect(externals(taskDump('cat', 40, 'D', bmc))[0].link).toBe('task:40 -> external:device');
  });

  it('an RCU grace period waits for the reader the stall report lists and the CPUs it names', () => {
    const text =
      [
        'rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:',
        'rcu: \t3-...0: (1 GPs behind) idle=7de/1/0x4000000000000000 softirq=10284/10285 fqs=5249',
        'rcu: \tTasks blocked on level-0 rcu_node (CPUs 0-3): P14',
        '\t(detected by 1, t=21002 jiffies, g=20729, q=1390)',
      ].join('\n') +
      '\n\n' +
      taskDump('reader', 14, 'R', ['__schedule+0x3f6/0xa40', 'preempt_schedule_irq+0x3c/0x80']);
    expect(externals(text)).toEqual([
      {
        nodes: ['external:rcu-grace-period (RCU grace period)', 'task:14'],
        link: 'external:rcu-grace-period -> task:14',
        confidence: 'certain',
      },
      { nodes: ['cpu:3 (cpu 3)'], link: 'external:rcu-grace-period -> cpu:3', confidence: 'certain' },
    ]);
  });
  it('a namespace reaper or an exec waiting for tasks to exit waits for a task of the dump stuck in do_exit', () => {
    const reaper = [
      '__schedule+0x3f6/0xa40',
      'schedule+0x5b/0xd0',
      'do_wait+0x156/0x2f0',
      'kernel_wait4+0x8d/0x140',
      'zap_pid_ns_processes+0x104/0x180',
      'do_exit+0xa41/0xb80',
      'do_group_exit+0x3a/0xa0',
    ];
    const exiting = [
      '__schedule+0x3f6/0xa40',
      'schedule+0x5b/0xd0',
      'request_wait_answer+0x12f/0x210',
      'fuse_simple_request+0x109/0x2c0',
      'fuse_flush+0x16f/0x1b0',
      'filp_close+0x27/0x70',
      'put_files_struct+0x6b/0xc0',
      'do_exit+0x360/0xb80',
    ];
    const both = taskDump('init', 20, 'S', reaper) + taskDump('worker', 21, 'D', exiting);
    expect(externals(both).map((l) => [l.link, l.confidence])).toEqual([
      ['task:20 -> task:21', 'guess'],
      ['task:21 -> external:fuse-daemon', 'likely'],
    ]);
    // Alone, the reaper waits for tasks the dump does not show.
    expect(externals(taskDump('init', 20, 'S', reaper))).toEqual([
      {
        nodes: ['external:exiting-tasks (tasks that have to exit first)'],
        link: 'task:20 -> external:exiting-tasks',
        confidence: 'guess',
      },
    ]);
  });
  it('an async_synchronize waiter waits for another async entry of the dump, never for itself', () => {
    const sync = ['__schedule+0x3f6/0xa40', 'schedule+0x5b/0xd0', 'async_synchronize_cookie_domain+0xad/0x140'];
    const entry = (...fns: string[]) => [
      '__schedule+0x3f6/0xa40',
      'schedule+0x5b/0xd0',
      ...fns,
      'async_run_entry_fn+0x39/0x160',
      'process_one_work+0x1d4/0x3a0',
    ];
    const text =
      taskDump(
        'kworker/u321:2',
        1278,
        'D',
        entry('wait_for_completion+0x86/0xe0', 'scsi_complete_async_scans+0x10d/0x160'),
      ) + taskDump('kworker/u321:3', 1279, 'D', entry(...sync.slice(2), 'async_port_probe+0x45/0x60'));
    expect(externals(text).map((l) => [l.link, l.confidence])).toEqual([['task:1279 -> task:1278', 'guess']]);
    // Module unload with no async entry in the dump waits for calls it does not show.
    expect(externals(taskDump('rmmod', 3120, 'D', [...sync, '__x64_sys_delete_module+0x1d6/0x290']))).toEqual([
      {
        nodes: ['external:async-calls (asynchronous function calls (async probe / scan))'],
        link: 'task:3120 -> external:async-calls',
        confidence: 'likely',
      },
    ]);
  });

  it('a folio-lock waiter waits for the one task holding a folio locked while it waits for writeback', () => {
    const holder = [
      '__schedule+0x27c/0x908',
      'schedule+0x50/0x108',
      'io_schedule+0x44/0x68',
      'folio_wait_bit_common+0x174/0x370',
      'folio_wait_bit+0x20/0x38',
      'folio_wait_writeback+0x54/0xc8',
      'truncate_inode_partial_folio+0x70/0x1e0',
      'truncate_inode_pages_range+0x1b0/0x4b0',
    ];
    const waiter = [
      '__schedule+0x27c/0x908',
      'schedule+0x50/0x108',
      'io_schedule+0x44/0x68',
      'folio_wait_bit_common+0x174/0x370',
      '__filemap_get_folio+0x214/0x348',
      'f2fs_get_read_data_page+0x150/0x3e8',
    ];
    const one = taskDump('A', 30, 'D', holder) + taskDump('kworker/u8:11', 31, 'D', waiter);
    expect(externals(one).map((l) => [l.link, l.confidence])).toEqual([
      ['task:30 -> external:storage', 'guess'],
      ['task:31 -> task:30', 'guess'],
    ]);
    // A task blocked on a mutex in hugetlb_wp holds the pagecache folio hugetlb_fault locked
    // (its mutex wait is the lock resolver's).
    const wp = [
      '__schedule+0x1755/0x4f50',
      'schedule+0x158/0x330',
      'schedule_preempt_disabled+0x15/0x30',
      '__mutex_lock+0x75f/0xeb0',
      'hugetlb_wp+0xf88/0x3440',
      'hugetlb_fault+0x14c8/0x2c30',
    ];
    expect(externals(taskDump('A', 30, 'D', wp) + taskDump('B', 31, 'D', waiter)).map((l) => l.link)).toEqual([
      'task:31 -> task:30',
    ]);
    // A page locked right after ->page_mkwrite with no holder in the dump: maybe itself.
    const mkwrite = [
      '__schedule+0x87c/0x1df0',
      'schedule+0xfb/0x450',
      'io_schedule+0x1c/0x70',
      '__lock_page+0x5b7/0x7a0',
      'do_page_mkwrite+0x429/0x520',
      'do_wp_page+0x8aa/0x1460',
    ];
    expect(externals(taskDump('syz-fuzzer', 40, 'D', mkwrite)).map((l) => [l.link, l.confidence])).toEqual([
      ['task:40 -> task:40', 'guess'],
    ]);
    // With a task of the dump holding a folio locked, that task.
    expect(
      externals(taskDump('A', 30, 'D', holder) + taskDump('syz-fuzzer', 40, 'D', mkwrite)).find((l) =>
        l.link.startsWith('task:40'),
      )?.link,
    ).toBe('task:40 -> task:30');
    // Two holders: which folio is whose is not in the dump; the waiter waits for the IO.
    const two = one + taskDump('B', 32, 'D', holder);
    expect(externals(two).find((l) => l.link.startsWith('task:31'))?.link).toBe('task:31 -> external:storage');
    // A page read in flight is unlocked by its IO: no holder, the storage.
    expect(externals(taskDump('kworker/u8:11', 31, 'D', waiter))[0].link).toBe('task:31 -> external:storage');
  });

  it('a log-space waiter waits for a task blocked on an inode lock inside a transaction, a guess', () => {
    const ilock = [
      '__schedule+0x4cb/0x1a70',
      'schedule+0x2a/0xe0',
      'rwsem_down_write_slowpath+0x2c5/0x780',
      'down_write+0x6e/0x70',
      'xfs_reflink_end_atomic_cow+0x133/0x200',
      'xfs_dio_write_end_io+0x117/0x320',
    ];
    const text = taskDump('kworker/3:1', 21, 'D', ilock) + taskDump('kworker/3:13', 22, 'D', LOG);
    expect(externals(text, ['task:21'])).toEqual([
      { nodes: ['task:21'], link: 'task:22 -> task:21', confidence: 'guess' },
    ]);
    // A lock waiter outside any transaction holds no log space.
    const plain = ilock.slice(0, 4).concat(['xfs_ilock+0x8e/0x110', 'xfs_file_buffered_read+0x4f/0xe0']);
    expect(externals(taskDump('cat', 21, 'D', plain) + taskDump('touch', 22, 'D', LOG), ['task:21'])[0].link).toBe(
      'task:22 -> external:journal',
    );
  });

  it('an XFS log force waits for the task running the log IO completion work, else the storage', () => {
    const force = [
      '__schedule+0x17ae/0x4a10',
      'schedule+0x14b/0x320',
      'xlog_wait_on_iclog+0x501/0x770',
      'xlog_force_lsn+0x523/0x9e0',
      'xfs_log_force_seq+0x1da/0x450',
    ];
    const ioend = [
      '__schedule+0x17ae/0x4a10',
      'schedule+0x14b/0x320',
      'schedule_timeout+0xb0/0x310',
      'down+0x84/0xc0',
      'xfs_buf_lock+0x164/0x510',
      'xfs_buf_item_unpin+0x1dd/0x710',
      'xlog_ioend_work+0xad/0x100',
      'process_one_work+0x9bf/0x16b0',
    ];
    const text =
      taskDump('kworker/1:1H', 43, 'D', ioend, 'xfs-log/loop4 xlog_ioend_work') + taskDump('syz', 54, 'D', force);
    expect(externals(text, ['task:43'])).toEqual([
      { nodes: ['task:43'], link: 'task:54 -> task:43', confidence: 'guess' },
    ]);
    expect(externals(taskDump('syz', 54, 'D', force))[0].link).toBe('task:54 -> external:storage');
  });
});
