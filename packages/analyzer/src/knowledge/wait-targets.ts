// Waits whose target is outside the lock/work graph: what node they point at.
// (Kinds resolved elsewhere — lock, flush, ipi, ttwu — are not listed.)

import type { Confidence } from '../contract.js';
import type { WaitKind } from './waits.js';

/**
 * XFS functions that allocate a transaction (reserving log space) and then take the
 * ILOCK of the inode(s) they change, keeping the reservation until they commit:
 * fs/xfs/xfs_trans.c xfs_trans_alloc_inode / _ichange / _dir (5.13+, 6.0+ for _dir);
 * fs/xfs/xfs_reflink.c xfs_reflink_end_cow_extent (4.9+), xfs_reflink_end_atomic_cow
 * (6.15+); fs/xfs/xfs_iomap.c xfs_iomap_write_unwritten, xfs_iomap_write_direct;
 * fs/xfs/xfs_inode.c xfs_create, xfs_link, xfs_remove, xfs_rename, xfs_inactive_ifree,
 * xfs_inactive_truncate; fs/xfs/xfs_bmap_util.c xfs_free_eofblocks; fs/xfs/xfs_iops.c
 * xfs_setattr_nonsize, xfs_setattr_size, xfs_vn_update_time (all versions to 6.x).
 */
const XFS_TRANS_THEN_ILOCK =
  /^(?:xfs_trans_alloc_inode|xfs_trans_alloc_ichange|xfs_trans_alloc_dir|xfs_reflink_end_cow_extent|xfs_reflink_end_atomic_cow|xfs_iomap_write_unwritten|xfs_iomap_write_direct|xfs_create|xfs_link|xfs_remove|xfs_rename|xfs_inactive_ifree|xfs_inactive_truncate|xfs_free_eofblocks|xfs_setattr_nonsize|xfs_setattr_size|xfs_vn_update_time)(?:\.(?:isra|constprop|part)\.\d+)*$/;

export interface WaitTarget {
  id: string;
  label: string;
  confidence: Confidence;
  /** Prefer a task in the dump whose comm matches, instead of the external node. */
  servedBy?: RegExp;
  /** Or a task in the dump blocked in one of these frames (the one holding things up). */
  servedByFrame?: RegExp;
  /** Or any task of the dump with one of these functions on its own stack, blocked or
   *  running: a thread that serves the wait by running its loop (a state-manager kthread
   *  idle in its loop, a worker executing the awaited task). */
  servedByStack?: RegExp;
  /** Only a server of the dump explains the wait: with none, the wait stays unexplained
   *  (the verdict says the dump does not show who should end it) instead of pointing at
   *  an external node that would say no more. */
  onlyServed?: boolean;
  /** Or a task of the dump blocked on a lock with one of these functions on its own
   *  stack: a function that holds what the wait needs while it takes the lock (an XFS
   *  transaction's log reservation, held while its caller takes an inode lock). */
  servedByLockWaiterUnder?: RegExp;
}

/**
 * Waits whose target depends on the API the task entered, not on the frame that names
 * their kind: checked before WAIT_TARGETS. `api` is the outermost frame of the wait
 * (TaskWait.api); `caller`, the first caller past the wait's own frames (TaskWait.culprit),
 * for a generic wait (a completion) whose caller says what it waits for.
 */
export const API_TARGETS: { api?: RegExp; caller?: RegExp; target: WaitTarget; what?: string; source: string }[] = [
  // nfs4_wait_clnt_recover() sleeps (nfs_wait_bit_killable) on NFS4CLNT_MANAGER_RUNNING,
  // which the client's state manager thread ("<server>-manager", nfs4_run_state_manager)
  // clears when lease recovery ends: the opener waits for that thread, which in turn
  // talks to the server.
  {
    api: /^nfs4_wait_clnt_recover$/,
    target: {
      id: 'external:nfs-server',
      label: 'NFS / RPC server',
      confidence: 'likely',
      servedByStack: /^nfs4_run_state_manager$/,
    },
    what: "the NFSv4 client's state manager to end lease recovery",
    source: 'fs/nfs/nfs4state.c nfs4_wait_clnt_recover, nfs4_start_state_manager (v3.x-6.x)',
  },
  // An XFS log force waits for the iclog's IO: xlog_wait_on_iclog (and an iclog-space
  // wait) sleeps on ic_force_wait / l_flush_wait, woken when the IO completion work
  // xlog_ioend_work (on the xfs-log/<dev> workqueue) has run the iclog's callbacks
  // (xlog_state_do_callback, or xlog_state_shutdown_callbacks after a shutdown; xlog_iodone
  // from the log buffer's completion before 5.9). A task
  // of the dump running that work is what the force waits for; else the storage.
  {
    api: /^(?:xlog_wait_on_iclog|xlog_state_get_iclog_space)$/,
    target: {
      id: 'external:storage',
      label: 'storage device (IO completion)',
      confidence: 'guess',
      servedByStack: /^(?:xlog_ioend_work|xlog_iodone)$/,
    },
    what: "the log write's IO completion to wake the iclog waiters",
    source: 'fs/xfs/xfs_log.c xlog_wait_on_iclog; xlog_ioend_work (v5.9+), xlog_iodone (before)',
  },
  // rpc_shutdown_client() waits for the client's rpc_tasks to exit; async tasks are run by
  // rpciod workers (rpc_async_schedule -> __rpc_execute), sync ones by their caller in
  // __rpc_execute. Which client a task belongs to is not on the stack: a guess.
  {
    api: /^rpc_shutdown_client$/,
    target: {
      id: 'external:nfs-server',
      label: 'NFS / RPC server',
      confidence: 'guess',
      servedByStack: /^(?:rpc_async_schedule|__rpc_execute)$/,
    },
    source: 'net/sunrpc/clnt.c rpc_shutdown_client; net/sunrpc/sched.c rpc_async_schedule',
  },
  // btrfs_qgroup_wait_for_completion() waits on fs_info->qgroup_rescan_completion, which
  // the quota rescan worker (btrfs_qgroup_rescan_worker, run by a btrfs-qgroup-rescan
  // kworker through btrfs_work_helper) completes when it ends: the waiter waits for that
  // worker, whatever the worker itself waits for (a transaction commit, say).
  {
    caller: /^btrfs_qgroup_wait_for_completion$/,
    target: {
      id: 'external:btrfs-qgroup-rescan',
      label: 'btrfs quota rescan worker',
      confidence: 'likely',
      servedByStack: /^btrfs_qgroup_rescan_worker$/,
    },
    what: 'the btrfs quota rescan worker to end',
    source:
      'fs/btrfs/qgroup.c btrfs_qgroup_wait_for_completion, btrfs_qgroup_rescan_worker (complete_all(&fs_info->qgroup_rescan_completion)), v4.3-6.x',
  },
  // CPU hotplug (4.10+): _cpu_down/_cpu_up kick the CPU's hotplug thread cpuhp/N to run
  // the per-CPU teardown/bringup callbacks (cpuhp_kick_ap_work -> __cpuhp_kick_ap ->
  // wait_for_ap_thread) and wait for it to complete st->done_down/done_up: the waiter
  // waits for that thread, whatever a callback of it waits for. Which CPU is not on the
  // stack: a guess, a cpuhp thread of the dump.
  {
    caller: /^(?:__cpuhp_kick_ap|cpuhp_kick_ap|cpuhp_kick_ap_work|wait_for_ap_thread)$/,
    target: {
      id: 'external:cpu-hotplug',
      label: 'CPU hotplug thread (cpuhp/N)',
      confidence: 'guess',
      servedBy: /^cpuhp\/\d+$/,
    },
    what: "the CPU's hotplug thread to run its callbacks",
    source: 'kernel/cpu.c cpuhp_kick_ap_work, __cpuhp_kick_ap, wait_for_ap_thread, cpuhp_thread_fun (4.10+)',
  },
];

export const WAIT_TARGETS: Partial<Record<WaitKind, WaitTarget>> = {
  // A device mid-transition is finished by the task running its runtime PM callback
  // (drivers/base/power/runtime.c rpm_callback -> __rpm_callback); which device each task
  // handles is not on the stack: a guess.
  runtime_pm: {
    id: 'external:device',
    label: 'device / polled condition',
    confidence: 'guess',
    servedByStack: /^(?:rpm_callback|__rpm_callback)$/,
  },
  // A sleep-and-retry loop in a driver waits for the hardware (or a state) to change.
  poll_sleep: { id: 'external:device', label: 'device / polled condition', confidence: 'guess' },
  // net/core/dev.c: someone took a reference (dev_hold) and never dropped it.
  netdev_ref: { id: 'external:netdev-refs', label: 'leaked network device references', confidence: 'likely' },
  device: { id: 'external:device', label: 'device / polled condition', confidence: 'guess' },
  // drivers/usb/storage/usb.c: a USB mass-storage device's SCSI commands (its reads, and
  // the writeback of its pages) are all carried out by that host's usb-storage kthread
  // (usb_stor_control_thread, v2.6-v6.x): when that thread is itself blocked, the I/O
  // behind it does not complete. Which device a task's I/O is for is not on its stack.
  io: {
    id: 'external:storage',
    label: 'storage device (IO completion)',
    confidence: 'guess',
    servedByFrame: /^usb_stor_control_thread$/,
  },
  blk_freeze: { id: 'external:storage', label: 'storage device (IO completion)', confidence: 'guess' },
  // A queue is unfrozen by whoever froze it: a task freezing it (blk_mq_freeze_queue), or
  // del_gendisk, which starts the freeze (__blk_mark_disk_dead / blk_queue_start_drain)
  // before it takes disk->open_mutex and ends it only at its end (block/genhd.c, 6.0-6.10).
  queue_enter: {
    id: 'external:storage',
    label: 'storage device (IO completion)',
    confidence: 'guess',
    servedByFrame: /^(?:blk_mq_freeze_queue(?:_wait(?:_timeout)?)?|blk_freeze_queue|del_gendisk)$/,
  },
  // fs/xfs/xfs_trans_ail.c: xfsaild pushes the AIL so the log tail moves and space frees up.
  // Space is also held by every transaction still running: XFS reserves log space
  // (xfs_trans_alloc -> xfs_trans_reserve) before it takes inode locks (the ILOCK comes
  // after the reservation, fs/xfs/xfs_inode.c lock ordering), so a task blocked on an
  // inode lock inside one of these holds a reservation the log-space waiter may need
  // (the ILOCK / log grant livelock of atomic COW ioend completion, 6.18).
  log_space: {
    id: 'external:journal',
    label: 'filesystem log space',
    confidence: 'guess',
    servedBy: /^xfsaild\//,
    servedByFrame: /^xfsaild$/,
    servedByLockWaiterUnder: XFS_TRANS_THEN_ILOCK,
  },
  nfs: { id: 'external:nfs-server', label: 'NFS / RPC server', confidence: 'likely' },
  // fs/fuse: the daemon is a userspace process; its threads in the dump wait in fuse_dev_read.
  fuse: { id: 'external:fuse-daemon', label: 'FUSE daemon (userspace)', confidence: 'likely' },
  netfs: { id: 'external:netfs-server', label: 'network filesystem server (SMB / Ceph / 9p)', confidence: 'likely' },
  // fs/fs-writeback.c: the flusher is a kworker running wb_workfn ("writeback" workqueue;
  // bdi_writeback_workfn 3.10-4.1) -> wb_do_writeback -> wb_writeback. A flusher that is
  // not blocked but busy (freeing a huge extent cache from ->writepages) serves the wait
  // as well: sync and umount's wb_wait_for_completion wait for its work item to end.
  writeback: {
    id: 'external:storage',
    label: 'storage device (IO completion)',
    confidence: 'guess',
    servedByFrame: /^(?:wb_workfn|wb_writeback|writeback_sb_inodes)$/,
    servedByStack: /^(?:wb_workfn|bdi_writeback_workfn|wb_do_writeback|wb_writeback)$/,
  },
  // mm/vmscan.c: kswapd frees memory for throttled allocators.
  reclaim: {
    id: 'external:memory',
    label: 'free memory (reclaim / OOM)',
    confidence: 'guess',
    servedBy: /^kswapd\d+$/,
  },
  gpu: { id: 'external:gpu', label: 'GPU (fence / display flip)', confidence: 'guess' },
  frozen: { id: 'external:freezer', label: 'the freezer (cgroup freezer or suspend)', confidence: 'likely' },
  userfault: { id: 'external:userfaultfd', label: 'userfaultfd handler (userspace)', confidence: 'likely' },
  automount: { id: 'external:automount', label: 'automount daemon', confidence: 'likely', servedBy: /^automount$/ },
  // drivers/md: the array's own thread (mdN_raidM) does resync and superblock writes.
  md: {
    id: 'external:storage',
    label: 'storage device (IO completion)',
    confidence: 'guess',
    servedBy: /^md\d+_(?:raid\d+|resync|reshape)$/,
  },
  // fs/jbd2/journal.c: commits are written by the jbd2/<dev> kthread.
  // A capture without comms (/proc/PID/stack) still shows the committing thread by its frames.
  fs_journal: {
    id: 'external:journal',
    label: 'filesystem journal commit',
    confidence: 'guess',
    servedBy: /^(?:jbd2\/|xfsaild|xfs-cil|btrfs-transacti)/,
    servedByFrame: /^(?:kjournald2|jbd2_journal_commit_transaction)$/,
  },
  // kernel/rcu/tree.c: grace periods are driven by the rcu_gp kthread and every CPU's quiescent states.
  rcu: {
    id: 'external:rcu-grace-period',
    label: 'RCU grace period',
    confidence: 'likely',
    servedBy: /^rcu_(?:sched|preempt|bh|gp)$/,
  },
  // The tasks it waits for were sent SIGKILL: one that is itself stuck in do_exit (closing
  // its files, releasing its mm) is what holds the wait up, when the dump shows it.
  exiting_tasks: {
    id: 'external:exiting-tasks',
    label: 'tasks that have to exit first',
    confidence: 'guess',
    servedByFrame: /^do_exit$/,
  },
  // kernel/kthread.c kthread_stop(k): sets KTHREAD_SHOULD_STOP, wakes k and waits for it
  // to exit (wait_for_completion(&kthread->exited), completed from do_exit). A kernel
  // thread of the dump blocked on its way out (do_exit under kthread) is what the stop
  // waits for; which thread k is, the stack does not say: a guess.
  kthread: {
    id: 'external:kthread',
    label: 'a kernel thread to stop',
    confidence: 'guess',
    servedByFrame: /^do_exit$/,
    onlyServed: true,
  },
  // kernel/async.c: each async entry runs as async_run_entry_fn on system_unbound_wq; a
  // worker of the dump running one (not the waiter, itself an entry waiting for earlier
  // ones) is what the wait is behind.
  async: {
    id: 'external:async-calls',
    label: 'asynchronous function calls (async probe / scan)',
    confidence: 'likely',
    servedByFrame: /^async_run_entry_fn$/,
  },
  stop_machine: {
    id: 'external:cpu-stopper',
    label: 'CPU stopper threads',
    confidence: 'guess',
    servedBy: /^migration\/\d+$/,
  },
};
