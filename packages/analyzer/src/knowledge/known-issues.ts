// Published hang bugs, matched by frame signatures. Each entry cites its upstream fix.
// A signature matches one stack (a task's frames, or a CPU's current task) when its
// frames appear in it in order, innermost first (not necessarily adjacent). An issue
// matches when each of its signatures matches a different stack.
//
// Adding an entry: give the exact upstream commit(s) (12+ hex digits), the stable or
// distribution release that carries the fix where known, and a test in
// known-issues.test.ts with a dump that matches and one that must not.

import type { Kind } from '../contract.js';

export interface StackSignature {
  /** Frame names (exact) or patterns, innermost first; a subsequence of the stack. */
  frames: (string | RegExp)[];
  /** Only the frames of a task that is on a CPU / spinning count (hard lockups). */
  onCpu?: boolean;
}

export interface KnownIssue {
  id: string;
  title: string;
  explanation: string;
  /** Upstream fix commits, abbreviated to 12 hex digits. */
  fixes: string[];
  /** Kernel versions known affected, in words ("3.16 – 4.17"). */
  affected?: string;
  /** Releases that carry the fix (upstream tags, stable, distribution kernels). */
  fixedIn?: string[];
  mitigation: string;
  /** The upstream release that carries the fix: a dump that states this release or a
   *  later one is not this issue (an unknown or earlier release may be). */
  fixedBy?: readonly [number, number];
  links?: string[];
  signatures: StackSignature[];
  /** Report kinds this issue shows up as; absent = any. */
  kinds?: Kind[];
}

export const KNOWN_ISSUES: KnownIssue[] = [
  {
    id: 'migrate-swap-vs-active-balance',
    title: 'stop_machine, sched: Fix migrate_swap() vs. active_balance() deadlock',
    explanation:
      "migrate_swap() (NUMA balancing) calls stop_two_cpus(), which queues work on both CPUs' stoppers and wakes the stopper thread while holding the cpu_stopper locks. If the target CPU's migration thread is inside schedule() running idle_balance() → load_balance() → stop_one_cpu_nowait(), it spins on that stopper lock with interrupts off, while try_to_wake_up() on the other CPU spins waiting for the migration thread to leave its CPU (p->on_cpu). Neither can proceed: a hard lockup. The fix defers the wake-up (wake_q) until the stopper locks are dropped.",
    fixes: ['0b26351b910f'],
    affected:
      'Kernels whose stop_two_cpus() wakes the stopper under the stopper lock, up to the April 2018 fix: reported on SLE (LKML, Apr 2018), Ubuntu 4.4 (LP #1821259) and RHEL 7 3.10.0-862 – 3.10.0-957.21',
    fixedIn: ['v4.17', 'RHEL 7 3.10.0-957.27.2.el7', 'RHEL 7 3.10.0-974.el7'],
    mitigation: 'Disable automatic NUMA balancing (sysctl kernel.numa_balancing=0) until the kernel carries the fix.',
    links: [
      'https://git.kernel.org/linus/0b26351b910f',
      'http://lkml.iu.edu/hypermail/linux/kernel/1804.2/01642.html',
      'https://bugs.launchpad.net/ubuntu/+source/linux/+bug/1821259',
    ],
    signatures: [
      {
        frames: [
          /^(?:__)?cpu_stop_queue_work$|^stop_one_cpu_nowait$/,
          /^(?:load_balance|active_load_balance.*|stop_one_cpu_nowait)$/,
        ],
      },
      { frames: ['try_to_wake_up', /^(?:stop_two_cpus|cpu_stop_queue_two_works)$/, 'migrate_swap'] },
    ],
    kinds: ['hard_lockup', 'soft_lockup', 'blocked_tasks', 'deadlock', 'hung_task', 'rcu_stall'],
  },
  {
    id: 'stop-two-cpus-multi-deadlock',
    title: 'sched/stop_machine: Fix deadlock between multiple stop_two_cpus()',
    explanation:
      "Several concurrent migrate_swap() → stop_two_cpus() callers queued their two works on overlapping CPU pairs in different orders (e.g. {11,4}, {13,11}, {4,13}). Each stopper then ran multi_cpu_stop() for a different request at the head of its queue and spun waiting for a partner CPU that was busy with another request: the migration threads soft-lock in multi_cpu_stop() and the callers wait forever in stop_two_cpus(). The fix serialises stop_two_cpus() callers by locking both CPUs' stoppers.",
    fixes: ['b17718d02f54'],
    affected: 'Kernels with stop_two_cpus() (NUMA balancing task swaps) before the June 2015 fix',
    mitigation:
      'Disable automatic NUMA balancing (sysctl kernel.numa_balancing=0): migrate_swap() is the stop_two_cpus() caller.',
    links: [
      'https://git.kernel.org/linus/b17718d02f54',
      'http://lkml.kernel.org/r/20150605153023.GH19282@twins.programming.kicks-ass.net',
    ],
    signatures: [
      { frames: ['multi_cpu_stop', 'cpu_stopper_thread'] },
      { frames: [/^wait_for_(?:common|completion)$/, 'stop_two_cpus', 'migrate_swap'] },
    ],
  },
  {
    id: 'cgroup-threadgroup-rwsem-vs-cpus-read-lock',
    title: 'cgroup: Fix threadgroup_rwsem <-> cpus_read_lock() deadlock',
    explanation:
      'Moving a task between cgroups (writing cgroup.procs) write-locks cgroup_threadgroup_rwsem and then cpuset_attach() calls cpus_read_lock(). A CPU hotplug operation holds cpu_hotplug_lock for write and creates or destroys kthreads; fork (cgroup_can_fork) and exit (exit_signals) read-lock cgroup_threadgroup_rwsem. With a hotplug writer pending, cpuset_attach() blocks on cpus_read_lock() while the hotplug path waits for a kthread that is blocked on the threadgroup rwsem the attacher holds: systemd, kthreadd and cpuhp threads hang. The fix takes cpus_read_lock() before the threadgroup rwsem.',
    fixes: ['4f7e7236435c', '43626dade36f'],
    affected:
      'Kernels whose cpuset_attach() takes cpus_read_lock() under the threadgroup rwsem, until the v6.0-rc fix (Aug 2022); seen on 5.4 (Oracle) and Android 5.x',
    fixedIn: ['v6.0', '5.19.9', '5.15.68', '5.10.143', '5.4.213', '4.19.y stable (2023)'],
    mitigation:
      'Avoid CPU hotplug (echo 0/1 > /sys/devices/system/cpu/cpuN/online, or tools that offline CPUs) while cgroup membership changes (container start, systemd unit moves) are in flight.',
    links: ['https://git.kernel.org/linus/4f7e7236435c', 'https://git.kernel.org/linus/43626dade36f'],
    signatures: [
      { frames: ['cpus_read_lock', 'cpuset_attach'] },
      {
        frames: [
          /^(?:__percpu_down_read|percpu_down_read|percpu_rwsem_wait|rwsem_down_read_slowpath)$/,
          /^(?:cgroup_can_fork|cgroup_css_set_fork|exit_signals|cgroup_threadgroup_change_begin)$/,
        ],
      },
    ],
  },
  {
    id: 'cpuset-write-resmask-vs-cgroup-rmdir',
    title: 'cpuset: break kernfs active protection in cpuset_write_resmask()',
    explanation:
      "Writing cpuset.cpus or cpuset.mems flushes cpuset_hotplug_work while holding the kernfs active reference of that file. The hotplug work needs cgroup_mutex (cgroup_transfer_tasks()). Removing the cgroup holds cgroup_mutex and, in kernfs_remove(), drains the file's active references, i.e. waits for the writer. Writer → hotplug work → rmdir → writer: a three-way deadlock.",
    fixes: ['76bb5ab8f6e3'],
    affected: 'v3.16 development kernels after cgroup_tree_mutex was removed (8353da1f91f1), until the fix',
    mitigation:
      'Do not write cpuset.cpus/cpuset.mems of a cgroup that is being removed while CPUs or memory are hot-unplugged.',
    links: ['https://git.kernel.org/linus/76bb5ab8f6e3'],
    signatures: [
      { frames: [/^(?:__)?flush_work$/, 'cpuset_write_resmask'] },
      { frames: [/^kernfs_(?:drain|deactivate)$/, /^cgroup_(?:rm_file|clear_dir|destroy_locked|rmdir)$/] },
    ],
  },
  {
    id: 'sched-cfs-period-timer-hard-lockup',
    title: 'sched/fair: Limit sched_cfs_period_timer() loop to avoid hard lockup',
    explanation:
      'With a very small cpu.cfs_period_us (CFS bandwidth control) and many throttled cfs_rqs, sched_cfs_period_timer() keeps finding the period overrun and loops in hard-IRQ context, distributing runtime under cfs_b->lock, never returning from the timer interrupt: the NMI watchdog reports a hard lockup in the hrtimer interrupt. The fix bounds the loop and scales the period up.',
    fixes: ['2e8e19226398'],
    affected:
      'Kernels with CFS bandwidth control before the 2019 fix (backported to the 2019 stable series); container hosts with small CFS periods',
    mitigation:
      'Do not set tiny CFS periods: keep cpu.cfs_period_us at the default 100000 (100 ms) or at least a few milliseconds, and scale cpu.cfs_quota_us accordingly.',
    links: ['https://git.kernel.org/linus/2e8e19226398'],
    signatures: [{ frames: ['sched_cfs_period_timer', '__hrtimer_run_queues'] }],
    kinds: ['hard_lockup', 'soft_lockup', 'rcu_stall'],
  },
  {
    id: 'ext4-mbcache-reusable-livelock',
    title: 'ext4: fix deadlock due to mbcache entry corruption',
    explanation:
      "ext4_xattr_block_set() looks for a shareable xattr block in mbcache and retries when the block it found cannot be reused. Because e_reusable and e_referenced shared a bitfield updated non-atomically, an entry could stay marked reusable although the block's reference count is at the maximum, so the setxattr caller loops forever finding the same block (soft lockup / stuck setxattr, jbd2 waiting on its handle). The fix uses atomic bit operations.",
    fixes: ['a44e84a9b776'],
    affected:
      'Since mbcache reusable flags (6048c64b2609); much easier to hit after 65f8b80053a1 ("ext4: fix race when reusing xattr blocks"); reported on Flatcar 5.15',
    fixedIn: ['v6.2', '4.19.y stable (Jan 2023)'],
    mitigation:
      'Mount the ext4 file system with -o nombcache (no xattr block sharing) where SELinux/overlay xattrs trigger it, or upgrade.',
    links: [
      'https://git.kernel.org/linus/a44e84a9b776',
      'https://lore.kernel.org/r/c77bf00f-4618-7149-56f1-b8d1664b9d07@linux.microsoft.com/',
    ],
    signatures: [
      {
        frames: [
          /^(?:ext4_xattr_block_cache_find|mb_cache_entry_find_first|mb_cache_entry_find_next|__entry_find)$/,
          'ext4_xattr_block_set',
        ],
      },
    ],
  },
  {
    id: 'xfs-agf-vs-inode-cluster-buffer',
    title: 'xfs: fix AGF vs inode cluster buffer deadlock',
    explanation:
      'Inode inactivation (xfs-inodegc worker) frees an inode: it holds the inode cluster buffer and, for an inobt/finobt split, needs the AGF (xfs_alloc_read_agf). Concurrently a writeback or allocation transaction holds the AGF after allocating an extent and, in xfs_trans_log_inode(), needs the same inode cluster buffer (xfs_imap_to_bp). Both sleep in xfs_buf_lock() forever; statfs() callers then pile up behind xfs_inodegc_flush().',
    fixes: ['82842fee6e59'],
    affected:
      'Kernels where xfs_trans_log_inode() reads the inode cluster buffer, until v6.4-rc6 (e.g. 5.10-based distribution kernels)',
    fixedIn: ['v6.4'],
    mitigation:
      'No configuration avoids it; upgrade or backport the fix. Reduce exposure by avoiding mass unlink concurrently with heavy buffered writeback on the same XFS file system.',
    links: ['https://git.kernel.org/linus/82842fee6e59'],
    signatures: [
      { frames: ['xfs_buf_lock', /^xfs_(?:alloc_)?read_agf$/, 'xfs_difree'] },
      { frames: ['xfs_buf_lock', 'xfs_imap_to_bp', 'xfs_trans_log_inode'] },
    ],
  },
  {
    id: 'xfs-ioend-append-trans-log-reservation',
    title: 'xfs: drop submit side trans alloc for append ioends',
    explanation:
      'Before 5.13 an ioend that extends the file allocates its setfilesize transaction (a log reservation) when the IO is submitted and keeps it until completion. Per-inode ioend completion batching (xfs_end_io) processes several ioends in one work item: when append ioends holding preallocated reservations sit behind ioends that need a new transaction at completion (unwritten extent conversion in xfs_iomap_write_unwritten, COW remapping), the conversion worker (xfs-conv) blocks in xlog_grant_head_wait for log space that those outstanding reservations keep, and the log cannot move. The fix allocates the setfilesize transaction at completion time.',
    fixes: ['7cd3099f4925'],
    affected:
      'Kernels with per-inode ioend completion batching (v5.2) before v5.13; 5.10.y until the fix was backported (2023)',
    fixedIn: ['v5.13'],
    fixedBy: [5, 13],
    mitigation:
      'Upgrade, or backport 7cd3099f4925 ("xfs: drop submit side trans alloc for append ioends"); no tunable avoids it.',
    links: ['https://git.kernel.org/linus/7cd3099f4925'],
    signatures: [
      {
        frames: [
          'xlog_grant_head_wait',
          'xfs_trans_alloc',
          /^(?:xfs_iomap_write_unwritten|xfs_reflink_end_cow)$/,
          'xfs_end_ioend',
        ],
      },
    ],
  },
  {
    id: 'xfs-inodegc-worker-reclaim-flush',
    title: 'xfs: Fix deadlock on xfs_inodegc_worker',
    explanation:
      'The xfs-inodegc worker allocates memory (xfs_trans_alloc) while inactivating an inode. Under memory pressure the allocation enters direct reclaim, the inode shrinker destroys an XFS inode and xfs_inode_mark_reclaimable() flushes the inodegc work, i.e. the worker waits in flush_work() for itself. Every later statfs() blocks in xfs_inodegc_flush(). The fix runs the worker in a NOFS allocation context.',
    fixes: ['4da112513c01'],
    affected: 'Kernels with deferred inode inactivation (the xfs-inodegc workqueue) before the fix',
    fixedIn: ['v6.2', '6.1.y stable (Sept 2024)'],
    mitigation:
      'Keep free memory headroom (raise vm.min_free_kbytes) and avoid deleting large numbers of XFS files under memory pressure.',
    links: ['https://git.kernel.org/linus/4da112513c01'],
    signatures: [{ frames: [/^(?:__)?flush_work$/, 'xfs_inode_mark_reclaimable', 'xfs_inodegc_worker'] }],
  },
  {
    id: 'fuse-atomic-otrunc-vs-invalidate',
    title: 'fuse: fix deadlock between atomic O_TRUNC and page invalidation',
    explanation:
      "open(O_TRUNC) on a FUSE/virtiofs file with writeback cache sets FUSE_NOWRITE (fuse_set_nowrite) and then truncate_pagecache() locks pages. A concurrent open() without O_TRUNC invalidates the page cache: it holds a page lock and fuse_launder_page() waits for that page's writeback, which cannot run while FUSE_NOWRITE is set. ABBA between the page lock and the nowrite state.",
    fixes: ['2fdbb8dd0155'],
    affected:
      'Since e4648309b85a ("fuse: truncate pending writes on O_TRUNC"), with atomic_o_trunc and writeback_cache; until the 2022 fix',
    fixedIn: ['5.15.y stable (Apr 2023)', '5.10.y stable (Apr 2023)'],
    mitigation:
      'Run the FUSE/virtiofs daemon without writeback caching (no -o writeback_cache / virtiofsd without writeback) or avoid concurrent O_TRUNC opens of the same file.',
    links: ['https://git.kernel.org/linus/2fdbb8dd0155'],
    signatures: [
      {
        frames: [
          /^(?:__lock_page|__folio_lock|folio_lock|lock_page|truncate_inode_pages_range)$/,
          'truncate_pagecache',
          'fuse_finish_open',
        ],
      },
      { frames: [/^fuse_launder_(?:page|folio)$/, /^invalidate_inode_pages2(?:_range)?$/, 'fuse_finish_open'] },
    ],
  },
  {
    id: 'scsi-freeze-vs-device-state-running',
    title: 'scsi: core: Fix hang of freezing queue between blocking and running device',
    explanation:
      'While a SCSI device is blocked, I/O already holds q_usage_counter. Switching the I/O scheduler (elevator_switch → blk_mq_freeze_queue) then waits for that I/O in blk_mq_freeze_queue_wait(). Setting the device back to "running" via sysfs called scsi_rescan_device() before re-running the hardware queues; the rescan issues commands that block in blk_queue_enter() because the queue is being frozen, so the pending I/O is never dispatched and both writers hang.',
    fixes: ['02c6dcd543f8'],
    affected:
      'Kernels with f0f82e2476f6 ("scsi: core: Fix capacity set to zero after offlinining device") until the Aug 2021 fix',
    fixedIn: ['5.13.14', '5.10.y stable (Sept 2021)'],
    mitigation:
      'Do not change /sys/block/<dev>/queue/scheduler while the SCSI device is blocked (path failover, transport recovery); restore the device state to running first.',
    links: [
      'https://git.kernel.org/linus/02c6dcd543f8',
      'https://lore.kernel.org/r/20210824025921.3277629-1-lijinlin3@huawei.com',
    ],
    signatures: [
      { frames: [/^blk_(?:mq_)?freeze_queue_wait$/, /^blk_(?:mq_)?freeze_queue$/] },
      { frames: ['blk_queue_enter', 'scsi_rescan_device', 'store_state_field'] },
    ],
  },
  {
    id: 'md-flush-vs-mddev-suspend',
    title: 'md: fix deadlock between mddev_suspend and flush bio',
    explanation:
      "A flush's final stage (md_submit_flush_data work) clears mddev->flush_bio and resubmits data through md_handle_request(), which blocks because the array is being suspended. A second flush sets flush_bio and queues the same work, which cannot run again; a third flush has taken an active_io reference and waits in md_flush_request() for flush_bio to clear; mddev_suspend() waits for active_io to drop to zero. The fix stops routing the flush data through md_handle_request().",
    fixes: ['611d5cbc0b35'],
    affected:
      'Kernels with fa2bbff7b0b4 ("md: synchronize flush io with array reconfiguration") until the 2024 fix (CVE-2024-43855)',
    fixedIn: ['6.10.y, 6.6.y and 6.1.y stable (Aug 2024)'],
    mitigation:
      'Avoid suspending/reconfiguring md arrays (suspend_lo/suspend_hi, reshape, level or bitmap changes) under heavy fsync/flush load.',
    links: [
      'https://git.kernel.org/linus/611d5cbc0b35',
      'https://lore.kernel.org/r/20240525185257.3896201-3-linan666@huaweicloud.com',
    ],
    signatures: [
      { frames: ['md_handle_request', 'md_submit_flush_data'] },
      { frames: ['md_flush_request', 'md_handle_request'] },
    ],
  },
  {
    id: 'pci-sriov-rescan-remove-recursive-lock',
    title: 'Revert "PCI/IOV: Add PCI rescan-remove locking when enabling/disabling SR-IOV"',
    explanation:
      'Commit 05703271c3cd made sriov_add_vfs()/sriov_del_vfs() take pci_rescan_remove_lock. Removing a PF with VFs enabled through its sysfs "remove" file already holds that mutex (pci_stop_and_remove_bus_device_locked()); the driver\'s .remove disables SR-IOV and sriov_del_vfs() tries to take the same non-recursive mutex again: the writer blocks on itself.',
    fixes: ['2fa119c0e5e5'],
    affected: 'Kernels carrying 05703271c3cd and not its revert',
    mitigation:
      'Disable the VFs first (echo 0 > /sys/bus/pci/devices/<PF>/sriov_numvfs) before removing or unbinding the PF via sysfs.',
    links: [
      'https://git.kernel.org/linus/2fa119c0e5e5',
      'https://lexplain.net/commit-analyses/2fa119c0e5e528453ebae9e70740e8d2d8c0ed5a',
    ],
    signatures: [{ frames: ['pci_lock_rescan_remove', 'sriov_del_vfs', 'pci_stop_and_remove_bus_device_locked'] }],
  },
  {
    id: 'jbd2-checkpoint-waits-commit-under-checkpoint-mutex',
    title: 'jbd2: fix deadlock while checkpoint thread waits commit thread to finish',
    explanation:
      'A writer that runs out of journal space enters __jbd2_log_wait_for_space(), takes j_checkpoint_mutex and calls jbd2_log_do_checkpoint(). When a buffer on the checkpoint list still belongs to a transaction, the checkpointer starts a commit and waits in jbd2_log_wait_commit() for it, still holding j_checkpoint_mutex. The jbd2 commit thread, near the end of jbd2_journal_commit_transaction(), calls jbd2_update_log_tail(), which needs j_checkpoint_mutex: the commit never finishes and the writer never wakes. Every later journal start piles up behind it (load average in the tens of thousands). The fix drops j_checkpoint_mutex before waiting for the commit.',
    fixes: ['53cf97845732'],
    affected:
      'Kernels before the Jan 2019 fix (v5.0); reported on RHEL 7 3.10.0-957.27.2 and on 4.14/4.19 stable, which had not taken it as of July 2021',
    fixedIn: ['v5.0', 'RHEL 7 3.10.0-1127.el7'],
    mitigation:
      'No tunable avoids it; upgrade or backport the fix. A larger journal (mkfs/tune2fs -J size=) makes journal-space exhaustion, and so the checkpoint path, rarer.',
    links: [
      'https://github.com/torvalds/linux/commit/53cf978457325d8fb2cdecd7981b31a8229e446e',
      'http://www.wowotech.net/linux_kenrel/481.html',
    ],
    signatures: [
      { frames: ['jbd2_update_log_tail', 'jbd2_journal_commit_transaction'] },
      { frames: ['jbd2_log_wait_commit', 'jbd2_log_do_checkpoint', '__jbd2_log_wait_for_space'] },
    ],
  },
  {
    id: 'xfs-rename-whiteout-agi-vs-agf',
    title: 'xfs: Fix deadlock between AGI and AGF with RENAME_WHITEOUT',
    explanation:
      'rename(RENAME_WHITEOUT) (used by overlayfs) first modifies directory entries, which can allocate or free extents and so locks the AGF, and only then calls xfs_iunlink_remove() for the whiteout tmpfile, which locks the AGI. Inode allocation takes them in the opposite, normal order: xfs_dialloc() holds the AGI and, to allocate a new inode chunk, reads the AGF. The creator sleeps in xfs_buf_lock() on the AGF held by the renamer, the renamer sleeps in xfs_buf_lock() on the AGI held by the creator: an AGI/AGF ABBA deadlock. The fix removes the whiteout from the unlinked list before touching the directory.',
    fixes: ['bc56ad8c74b8'],
    affected:
      'Kernels with RENAME_WHITEOUT support on XFS until the fix (merged for v5.4, Sept 2019); 4.19 stable received it in 2020',
    fixedIn: ['v5.4', '4.19.y stable (2020)'],
    mitigation:
      'Upgrade or backport the fix. Overlayfs on XFS issues RENAME_WHITEOUT on every rename/unlink in the upper layer; keeping busy container upper directories off XFS file systems that also see heavy file creation reduces exposure.',
    links: [
      'https://git.kernel.org/linus/bc56ad8c74b8588685c2875de0df8ab6974828ef',
      'https://lore.kernel.org/stable/20200424230532.2852-3-surajjs@amazon.com/',
    ],
    signatures: [
      { frames: ['xfs_buf_lock', /^xfs_(?:alloc_)?read_agf$/, 'xfs_dialloc'] },
      { frames: ['xfs_buf_lock', 'xfs_read_agi', 'xfs_iunlink_remove', 'xfs_rename'] },
    ],
  },
  {
    id: 'pciehp-reset-lock-vs-device-lock',
    title: 'PCI: pciehp: Fix AB-BA deadlock between reset_lock and device_lock',
    explanation:
      'pciehp holds its slot reset_lock (read) for the whole de-enumeration of a hot-removed device: pciehp_ist() → pciehp_disable_slot() → pciehp_unconfigure_device() → pci_stop_bus_device() → device_release_driver_internal(), which takes the device_lock of the device being removed. A concurrent Secondary Bus Reset, e.g. vfio releasing the device when QEMU or SPDK closes it, holds that device_lock and calls pciehp_reset_slot(), which takes reset_lock for write. The hotplug IRQ thread waits for device_lock, the resetting task waits for reset_lock: surprise removal of a device passed through with vfio hangs both. The fix no longer holds reset_lock across driver unbinding.',
    fixes: ['f5eff5591b8f'],
    affected: 'Since 5b3f7b7d062b ("PCI: pciehp: Avoid slot access during reset", 2018) until v6.4',
    fixedIn: ['v6.4'],
    mitigation:
      'Stop the vfio user (VM, SPDK/DPDK process) and unbind the device before surprise-removing it; do not pull hot-plug devices that are in use by vfio on unfixed kernels.',
    links: ['https://git.kernel.org/linus/f5eff5591b8f9c5effd25c92c758a127765f74c1'],
    signatures: [
      {
        frames: [
          /^(?:__)?mutex_lock(?:_nested|_slowpath)?$/,
          'device_release_driver_internal',
          'pciehp_unconfigure_device',
        ],
      },
      { frames: [/^(?:down_write(?:_nested)?|rwsem_down_write_slowpath)$/, 'pciehp_reset_slot'] },
    ],
  },
  {
    id: 'btrfs-quota-disable-vs-remove-qgroup',
    title: 'btrfs: qgroup: fix deadlock between rescan worker and remove qgroup',
    explanation:
      'While a quota rescan runs, btrfs_quota_disable() locks qgroup_ioctl_lock and waits in btrfs_qgroup_wait_for_completion() for the rescan worker. A concurrent btrfs_remove_qgroup() (qgroup destroy) holds a transaction handle and blocks on qgroup_ioctl_lock. The rescan worker calls btrfs_commit_transaction(), which waits for every handle on the transaction to be released, including the one held by the qgroup remover. Quota disable → rescan worker → qgroup remover → quota disable: a three-task deadlock. The fix drops qgroup_ioctl_lock before waiting for the rescan.',
    fixes: ['d4aef1e122d8'],
    affected:
      'Kernels with e804861bd4e6 ("btrfs: fix deadlock between quota disable and qgroup rescan worker"), marked for stable 5.4+, until the 2022 fix',
    fixedIn: ['5.16.y stable (Mar 2022)'],
    mitigation:
      'Do not run "btrfs quota disable" concurrently with "btrfs qgroup create/destroy" (or tools such as snapper that manage qgroups) while a quota rescan is in progress; wait for the rescan (btrfs quota rescan -w) first.',
    links: [
      'https://git.kernel.org/linus/d4aef1e122d8bbdc15ce3bd0bc813d6b44a7d63a',
      'https://lore.kernel.org/stable/20220307091659.027279680@linuxfoundation.org/',
    ],
    signatures: [
      { frames: [/^wait_for_(?:completion\w*|common)$/, 'btrfs_qgroup_wait_for_completion', 'btrfs_quota_disable'] },
      { frames: [/^(?:__)?mutex_lock(?:_nested|_slowpath)?$/, 'btrfs_remove_qgroup'] },
      { frames: ['btrfs_commit_transaction', 'btrfs_qgroup_rescan_worker'] },
    ],
  },
  {
    id: 'ext4-writepages-rwsem-vs-fs-reclaim',
    title: 'ext4: avoid deadlock in fs reclaim with page writeback',
    explanation:
      'ext4_writepages() holds the file-system-wide s_writepages_rwsem for read and allocates memory with GFP_KERNEL (ext4_init_io_end()). Direct reclaim can then free a dentry whose inode is dirty: iput() → write_inode_now() → ext4_writepages() tries to take s_writepages_rwsem for read again. If ext4_change_inode_journal_flag() (chattr +j/-j) or an extent migration is waiting in percpu_down_write() in between, new readers block, so the nested read never succeeds, the writer waits for the outer reader forever, and all writeback on the file system stops. The fix makes writeback allocations GFP_NOFS while the rwsem is held.',
    fixes: ['00d873c17e29'],
    affected:
      'Since c8585c6fcaf2 ("ext4: fix races between changing inode journal mode and ext4_writepages") until v6.4 (CVE-2023-53149)',
    fixedIn: ['v6.4', '6.3.y stable (May 2023)'],
    mitigation:
      'Avoid toggling per-file data journaling (chattr +j/-j) or ext4 extent migration (chattr +e, e4defrag on indirect-mapped files) on busy file systems under memory pressure until the kernel carries the fix.',
    links: [
      'https://git.kernel.org/linus/00d873c17e29cc32d90ca852b82685f1673acaa5',
      'https://lore.kernel.org/r/20230504124723.20205-1-jack@suse.cz',
    ],
    signatures: [
      { frames: ['percpu_down_write', /^ext4_(?:change_inode_journal_flag|ext_migrate|ind_migrate)$/] },
      {
        frames: [
          /^(?:__percpu_down_read|percpu_down_read|percpu_rwsem_wait)$/,
          'ext4_writepages',
          /^(?:iput|iput_final|evict|write_inode_now)$/,
          /^(?:shrink_\w+|prune_dcache_sb|super_cache_scan|do_try_to_free_pages|try_to_free_pages|__alloc_pages\w*|kmem_cache_alloc\w*)$/,
          'ext4_writepages',
        ],
      },
    ],
  },
  {
    id: 'device-attach-async-fallback-self-deadlock',
    title: 'driver core: fix deadlock in __device_attach',
    explanation:
      '__device_attach() takes device_lock(dev) and, for drivers that allow asynchronous probing, calls async_schedule_dev(__device_attach_async_helper, dev). When async_schedule_node_domain() cannot queue the work (the GFP_ATOMIC entry allocation fails, or more than MAX_WORK async entries are pending, as during mass SCSI/NVMe scans), it runs the function synchronously in the caller. __device_attach_async_helper() then takes device_lock(dev) again: the probing task blocks on a mutex it already holds, and every later access to that device (sysfs, udev, shutdown) hangs behind it. The fix calls async_schedule_dev() after dropping device_lock.',
    fixes: ['b232b02bf3c2'],
    affected:
      'Since asynchronous device probing, ef0ff68351be ("driver core: Probe devices asynchronously instead of the driver"), until v5.19 (CVE-2022-49371); the same pattern in __driver_attach() was reported separately',
    fixedIn: ['v5.19'],
    mitigation:
      'Upgrade or backport the fix: drivers that prefer asynchronous probing (e.g. sd) cannot be made synchronous from the command line. On unfixed kernels do not add drivers to driver_async_probe=, and avoid mass rescans (hundreds of LUNs or namespaces at once) that exhaust the async work limit.',
    links: [
      'https://git.kernel.org/stable/c/b232b02bf3c205b13a26dcec08e53baddd8e59ed',
      'https://nvd.nist.gov/vuln/detail/CVE-2022-49371',
    ],
    signatures: [
      {
        frames: [
          /^(?:__)?mutex_lock(?:_nested|_slowpath)?$/,
          '__device_attach_async_helper',
          /^async_schedule_node(?:_domain)?$/,
          '__device_attach',
        ],
      },
    ],
  },
  {
    id: 'tipc-exit-net-flush-scheduled-work',
    title: 'tipc: fix a deadlock when flushing scheduled work',
    explanation:
      'To make sure its tipc_net_finalize_work item had finished, tipc_exit_net() called flush_scheduled_work(), i.e. flushed the whole system workqueue ("events"), from network-namespace teardown. cleanup_net() runs the pernet exit methods holding pernet_ops_rwsem, so the netns cleanup worker waits for every queued system work item while holding that rwsem. Any work item on system_wq that needs pernet_ops_rwsem, directly or through another lock whose holder is waiting for it (syzbot showed an inode mutex holder blocked on pernet_ops_rwsem), can never finish: netns cleanup stops, namespaces and their devices are never freed, and later netns creation and module loads that register pernet ops block on pernet_ops_rwsem. The fix cancels only TIPC\'s own work item (cancel_work_sync()).',
    fixes: ['d966ddcc3821'],
    affected:
      'Since fdeba99b1e58 ("tipc: fix use-after-free in tipc_bcast_get_mode", 2020), including the stable branches that took it, until the fix',
    fixedIn: ['v5.10', '5.9.14', '5.4.83'],
    mitigation:
      'Where TIPC is not used, keep the module from being auto-loaded (an AF_TIPC socket loads it): add "install tipc /bin/false" to /etc/modprobe.d/. Otherwise upgrade; a host that creates and destroys many network namespaces (containers) with TIPC loaded is exposed.',
    links: [
      'https://git.kernel.org/linus/d966ddcc38217a6110a6a0ff37ad2dee7d42e23e',
      'https://lore.kernel.org/stable/20201210142609.147246614@linuxfoundation.org/',
    ],
    signatures: [{ frames: [/^(?:__)?flush_workqueue$/, 'tipc_exit_net', /^(?:ops_exit_list|cleanup_net)$/] }],
  },
  {
    id: 'igb-runtime-resume-rtnl-self-deadlock',
    title: 'igb: fix deadlock caused by taking RTNL in RPM resume path',
    explanation:
      'With runtime power management enabled for an igb NIC (power/control = auto) and the device runtime-suspended, bringing the interface up (ip link set up: rtnetlink_rcv_msg() holds RTNL, then __dev_open() runtime-resumes the parent device) or an ethtool operation that resumes the parent under RTNL ends up in igb_runtime_resume() → igb_resume(), which calls rtnl_lock() again. The task blocks on the RTNL mutex it already holds, and every other RTNL user (ip, NetworkManager, systemd-networkd, ethtool) piles up behind it. The fix does not take RTNL in the runtime-resume path.',
    fixes: ['ac8c58f5b535'],
    affected:
      'Since bd869245a3dc ("net: core: try to runtime-resume detached device in __dev_open") and f32a21376573 ("ethtool: runtime-resume netdev parent before ethtool ioctl ops") until the Dec 2021 fix; reported on 5.12-rc3 and in kernel bugzilla 215129 (igc has the same pattern)',
    fixedIn: ['v5.16', '5.15.y stable (Dec 2021)'],
    mitigation:
      'Keep runtime PM off for the NIC: echo on > /sys/bus/pci/devices/<BDF>/power/control (and do not let powertop/TLP or a udev rule set it to "auto") until the kernel carries the fix.',
    links: [
      'https://git.kernel.org/linus/ac8c58f5b535d6272324e2b8b4a0454781c9147e',
      'https://bugzilla.kernel.org/show_bug.cgi?id=215129',
      'https://lore.kernel.org/stable/20211227151332.638054128@linuxfoundation.org/',
    ],
    signatures: [
      {
        frames: [
          /^rtnl_lock$/,
          /^(?:__)?igb_resume$/,
          'igb_runtime_resume',
          /^(?:rpm_resume|__pm_runtime_resume)$/,
          /^(?:__dev_open|dev_open|dev_ethtool|ethnl_ops_begin|ethnl_default_doit|ethnl_default_dumpit|ethnl_set_\w+)$/,
        ],
      },
    ],
  },
  {
    id: 'driver-attach-async-fallback-self-deadlock',
    title: 'driver core: fix potential deadlock in __driver_attach',
    explanation:
      'When a driver that allows asynchronous probing is registered, __driver_attach() takes device_lock(dev) for each unbound device and calls async_schedule_dev(__driver_attach_async_helper, dev). If async_schedule_node_domain() cannot queue the work (the GFP_ATOMIC entry allocation fails, or more than MAX_WORK async entries are pending), it runs the function synchronously in the caller, and __driver_attach_async_helper() takes device_lock(dev) again (__device_driver_lock()): the task registering the driver (modprobe, or init running the initcall at boot) blocks on a mutex it holds itself. The same bug as the __device_attach() one fixed by b232b02bf3c2; the fix calls async_schedule_dev() after dropping device_lock.',
    fixes: ['70fe758352ca'],
    affected:
      'Since asynchronous probing, ef0ff68351be ("driver core: Probe devices asynchronously instead of the driver"), until the 2022 fix',
    fixedIn: ['v6.0', '5.10.y stable (Aug 2022)'],
    mitigation:
      'Upgrade or backport the fix. On unfixed kernels do not add drivers to driver_async_probe=, and avoid loading an async-probing driver (e.g. sd) while thousands of devices are pending or memory is exhausted, which forces the synchronous fallback.',
    links: [
      'https://git.kernel.org/linus/70fe758352cafdee72a7b13bf9db065f9613ced8',
      'https://lore.kernel.org/r/20220622074327.497102-1-zhangwensheng5@huawei.com',
      'https://lore.kernel.org/stable/20220819153842.447940623@linuxfoundation.org/',
    ],
    signatures: [
      {
        frames: [
          /^(?:__)?mutex_lock(?:_nested|_slowpath)?$/,
          '__driver_attach_async_helper',
          /^async_schedule_node(?:_domain)?$/,
          '__driver_attach',
        ],
      },
    ],
  },
  {
    id: 'bd-link-disk-holder-vs-md-partition-scan',
    title: 'block: fix deadlock between bd_link_disk_holder and partition scan',
    explanation:
      "bd_link_disk_holder() took the holder disk's open_mutex to create the holder/slave symlinks. Adding a disk to an md array (md_ioctl → md_add_new_disk → bind_rdev_to_array) suspends the array first (mddev_suspend, since 1b0a2d950ee2) and then calls bd_link_disk_holder(), which waits for the md disk's open_mutex. A concurrent open of the md device that rescans its partitions (blkdev_get_whole → bdev_disk_changed, or BLKRRPART) holds open_mutex and reads the partition table: the read bio goes through md_submit_bio() → md_handle_request(), which waits for the array to be resumed. mdadm waits for open_mutex, the partition scanner waits for the resume mdadm would do: both hang. The fix uses a private blk_holder_mutex instead of open_mutex.",
    fixes: ['03f12122b20b'],
    affected:
      'Kernels with 1b0a2d950ee2 ("md: use new apis to suspend array for ioctls involed array reconfiguration"), e.g. 6.7, until the 2024 fix (CVE-2024-26899)',
    fixedIn: ['6.7.y stable (Mar 2024)'],
    mitigation:
      'Do not add or re-add member disks to an md array (mdadm --add/--re-add, incremental assembly) while something opens the array and rescans its partitions (udev change events, partprobe, blockdev --rereadpt); let udev settle first.',
    links: [
      'https://git.kernel.org/linus/03f12122b20b6e6028e9ed69030a49f9cffcbb75',
      'https://bugzilla.kernel.org/show_bug.cgi?id=218459',
      'https://lore.kernel.org/r/20240221090122.1281868-1-linan666@huaweicloud.com',
    ],
    signatures: [
      { frames: [/^(?:__)?mutex_lock(?:_nested|_slowpath)?$/, 'bd_link_disk_holder', 'bind_rdev_to_array'] },
      {
        frames: [
          'md_handle_request',
          'md_submit_bio',
          /^(?:read_part_sector|efi_partition|msdos_partition|blk_add_partitions|bdev_disk_changed)$/,
        ],
      },
    ],
  },
];
