// Functions that take one well-known global (or per-object) lock: a task blocked below
// them waits for that lock, and its lockdep class name identifies it across tasks.
// Sources: net/core/rtnetlink.c rtnl_lock, kernel/cgroup/cgroup.c cgroup_lock,
// kernel/cpu.c cpus_read_lock, kernel/printk/printk.c console_lock, mm/mmap_lock.h,
// include/linux/fs.h inode_lock, kernel/module/main.c module_mutex, drivers/base/core.c device_lock.

import type { LockType } from '../contract.js';
import { RulesByFirstChar } from './first-chars.js';
import { SPIN_LOCK_SITES, sitePattern } from './spin-lock-sites.js';

export interface LockWrapper {
  fn: RegExp;
  /** The lockdep class name (how lockdep and people name it). */
  name: string;
  /** true when the lock is per object (mmap_lock of one mm, i_rwsem of one inode):
   *  different tasks may wait on different instances. */
  perObject?: boolean;
  /** The lock's type, when the function takes other kinds of locks too (a spinlock
   *  wait below it is not for this mutex). */
  type?: LockType;
  /** Further locks the same function takes (other rows that match it too): e.g.
   *  register_netdevice_notifier takes pernet_ops_rwsem, then rtnl_mutex. */
  also?: readonly LockWrapper[];
  /** The wait runs through one of these primitives when it is for this lock: a function
   *  that takes two locks of one type (freeze_super: s_umount with down_write, then the
   *  freeze protection with percpu_down_write) is told apart by the primitive. A row with
   *  `via` is preferred to the function's other rows when its primitive is on the stack. */
  via?: RegExp;
}

export const LOCK_WRAPPERS: LockWrapper[] = [
  { fn: /^(?:rtnl_lock|rtnl_lock_killable|rtnl_lock_interruptible|rtnl_net_lock)$/, name: 'rtnl_mutex' },
  // cgroup_lock_live_group (2.6.26-3.x, the cgroup file writes): mutex_lock(&cgroup_mutex),
  // then a check that the cgroup is not being removed.
  {
    fn: /^(?:cgroup_lock|cgroup_kn_lock_live|cgroup_lock_and_drain_offline|cgroup_lock_live_group)$/,
    name: 'cgroup_mutex',
  },
  {
    fn: /^(?:cpus_read_lock|get_online_cpus|cpus_write_lock|cpu_hotplug_begin|cpu_maps_update_begin)$/,
    name: 'cpu_hotplug_lock',
  },
  { fn: /^(?:console_lock|console_trylock_spinning)$/, name: 'console_sem' },
  // kernel/cgroup/cpuset.c: one global lock serialises cpuset changes and attaches — the
  // mutex cpuset_mutex (before 5.4 and again from 6.4), the percpu rwsem cpuset_rwsem
  // (5.4-6.3, percpu_down_write in the same functions); the wait's type picks the row.
  // cpuset_can_attach/cpuset_attach take it inline, as do the cpuset file writes.
  {
    fn: /^(?:cpuset_can_attach|cpuset_attach|cpuset_cancel_attach|cpuset_write_resmask|cpuset_write_u64|cpuset_write_s64|cpuset_css_online|cpuset_css_offline|rebuild_sched_domains|cpuset_hotplug_update_tasks|cpuset_lock)$/,
    name: 'cpuset_mutex',
    type: 'mutex',
  },
  {
    fn: /^(?:cpuset_can_attach|cpuset_attach|cpuset_cancel_attach|cpuset_write_resmask|cpuset_write_u64|cpuset_write_s64|cpuset_css_online|cpuset_css_offline|rebuild_sched_domains|cpuset_hotplug_update_tasks|cpuset_lock)$/,
    name: 'cpuset_rwsem',
    type: 'rwsem',
  },
  // kernel/signal.c exit_signals(): cgroup_threadgroup_change_begin(tsk), a read lock of
  // the global percpu rwsem cgroup_threadgroup_rwsem (4.6+, 1ed1328792ff "sched, cgroup:
  // replace signal_struct->group_rwsem with a global percpu_rwsem"); a cgroup.procs write
  // holds it for write while it migrates.
  { fn: /^(?:exit_signals|cgroup_threadgroup_change_begin)$/, name: 'cgroup_threadgroup_rwsem', type: 'rwsem' },
  { fn: /^(?:lock_system_sleep)$/, name: 'system_transition_mutex' },
  // drivers/clk/clk.c: one global `static DEFINE_MUTEX(prepare_lock)` serialises clk
  // prepare, rate, parent and registration; clk_prepare_lock() takes it (re-entrant for
  // its owner through prepare_owner/prepare_refcnt).
  { fn: /^clk_prepare_lock$/, name: 'prepare_lock' },
  // The mmap_lock helpers are inline: the caller that shows on the stack names the lock.
  {
    fn: /^(?:mmap_read_lock(?:_killable)?|mmap_write_lock(?:_killable)?|lock_mm_and_find_vma|mmap_read_lock_maybe_expand|vm_mmap_pgoff|__vm_munmap|vm_munmap|do_mprotect_pkey|do_madvise|do_user_addr_fault|__do_page_fault|do_page_fault|get_user_pages_unlocked|__access_remote_vm|access_remote_vm|__do_sys_brk|do_brk_flags|__do_sys_mremap|do_mremap|dup_mmap|exit_mmap|__mm_populate|populate_vma_page_range)$/,
    name: 'mmap_lock',
    perObject: true,
  },
  { fn: /^(?:inode_lock(?:_shared|_nested)?|lock_rename)$/, name: 'i_rwsem', perObject: true },
  // An anon_vma's root rwsem (a mutex before 3.8): mm/rmap.c unlink_anon_vmas and
  // anon_vma_clone take it through lock_anon_vma_root (down_write), anon_vma_fork and
  // __anon_vma_prepare through anon_vma_lock_write; lockdep names the class
  // `&anon_vma->rwsem` (init_rwsem in anon_vma_ctor).
  {
    fn: /^(?:unlink_anon_vmas|anon_vma_clone|anon_vma_fork|__anon_vma_prepare|lock_anon_vma_root)(?:\.(?:isra|constprop|part)\.\d+)*$/,
    name: '&anon_vma->rwsem',
    perObject: true,
    type: 'rwsem',
  },
  { fn: /^(?:device_lock|__device_driver_lock)$/, name: 'dev->mutex', perObject: true },
  { fn: /^(?:kernfs_get_active|kernfs_drain)$/, name: 'kn->active', perObject: true },
  // net/core/net_namespace.c: pernet_ops_rwsem since 4.16, the mutex net_mutex before
  // (one name per lock type: a mutex wait below these is for net_mutex).
  { fn: /^(?:net_ns_barrier|copy_net_ns|setup_net)$/, name: 'pernet_ops_rwsem', type: 'rwsem' },
  {
    fn: /^(?:register_pernet_subsys|unregister_pernet_subsys|register_pernet_device|unregister_pernet_device)$/,
    name: 'pernet_ops_rwsem',
    type: 'rwsem',
  },
  {
    fn: /^(?:net_ns_barrier|copy_net_ns|register_pernet_subsys|unregister_pernet_subsys|register_pernet_device|unregister_pernet_device)$/,
    name: 'net_mutex',
    type: 'mutex',
  },
  { fn: /^(?:genl_lock)$/, name: 'genl_mutex' },
  { fn: /^(?:tty_lock|tty_lock_interruptible)$/, name: 'tty->legacy_mutex', perObject: true },
  // drivers/i2c/i2c-core-base.c: an adapter's bus lock, the rt_mutex adap->bus_lock, taken by
  // i2c_adapter_lock_bus (the adapter's lock_ops->lock_bus, 4.x+; i2c_lock_adapter before
  // 4.7). rt_mutex_init() names the lockdep class after the function that initialises it,
  // so lockdep prints it as `i2c_register_adapter`.
  { fn: /^(?:i2c_adapter_lock_bus|i2c_lock_adapter)$/, name: 'i2c_register_adapter', perObject: true, type: 'mutex' },
];

/**
 * Functions that take a well-known lock themselves (inline `device_lock()`,
 * `down_write(&pci_bus_sem)`) among other work: a task blocked right below one waits for
 * that lock. Unlike LOCK_WRAPPERS they are what the task was doing, so they stay in the
 * fingerprint's frames (summary/fingerprint.ts asks LOCK_WRAPPERS only).
 */
export const LOCK_TAKERS: LockWrapper[] = [
  // rtnl_lock() is `mutex_lock(&rtnl_mutex)` and compiles to a tail call, so a function
  // whose own body calls rtnl_lock() is the frame right above the mutex slow path
  // (net/core/rtnetlink.c rtnl_lock, rtnetlink_rcv_msg, rtnetlink_rcv before 4.14;
  // net/core/link_watch.c linkwatch_event; net/ipv6/addrconf.c addrconf_dad_work,
  // addrconf_verify_work; net/core/dev.c register_netdev, unregister_netdev).
  {
    fn: /^(?:rtnetlink_rcv_msg|rtnetlink_rcv|linkwatch_event|addrconf_dad_work|addrconf_verify_work|register_netdev|unregister_netdev)(?:\.(?:isra|constprop|part)\.\d+)*$/,
    name: 'rtnl_mutex',
    type: 'mutex',
  },
  // kernel/rcu/tree.c rcu_barrier (_rcu_barrier before 5.0): `mutex_lock(&rcu_state.barrier_mutex)`;
  // kernel/rcu/tree_exp.h exp_funnel_lock: `mutex_lock(&rcu_state.exp_mutex)`.
  { fn: /^(?:rcu_barrier|_rcu_barrier)$/, name: 'rcu_state.barrier_mutex', type: 'mutex' },
  { fn: /^exp_funnel_lock$/, name: 'rcu_state.exp_mutex', type: 'mutex' },
  // kernel/cgroup/cgroup.c (kernel/cgroup.c before 4.14): these take cgroup_mutex in their
  // own body (`mutex_lock(&cgroup_mutex)`, cgroup_lock() since 6.4) — proc_cgroup_show
  // (reading /proc/PID/cgroup; without cgroup_mutex since 6.12), css_release_work_fn,
  // css_killed_work_fn.
  {
    fn: /^(?:proc_cgroup_show|css_release_work_fn|css_killed_work_fn)(?:\.(?:isra|constprop|part)\.\d+)*$/,
    name: 'cgroup_mutex',
    type: 'mutex',
  },
  // Older kernel/cgroup.c: cgroup_show_options (the cgroup mount's options, read by every
  // reader of /proc/mounts) did `mutex_lock(&cgroup_mutex)` up to 3.2; from 3.3 to 3.14
  // it took cgroup_root_mutex, which nests inside cgroup_mutex (whoever changes a root
  // holds both), and from 3.15 no mutex. cgroup_lock() was `mutex_lock(&cgroup_mutex)`
  // out of line (a tail call; inline since 6.4), so its callers sit right above the mutex
  // slow path: mm/memcontrol.c mem_cgroup_get_first_node (the hierarchical reclaim of
  // 2.6.29-rc, before hierarchy_mutex replaced cgroup_lock() there).
  {
    fn: /^(?:cgroup_show_options|mem_cgroup_get_first_node)(?:\.(?:isra|constprop|part)\.\d+)*$/,
    name: 'cgroup_mutex',
    type: 'mutex',
  },
  // block/genhd.c del_gendisk: `mutex_lock(&disk->open_mutex)` to drop the partitions
  // (5.15+; the whole-disk bd_mutex before). Opening and the last close of a block device
  // take the same mutex inline: fs/block_dev.c __blkdev_get, blkdev_put, __blkdev_put,
  // blkdev_reread_part (bdev->bd_mutex, up to 5.14); block/bdev.c blkdev_get_by_dev,
  // blkdev_put (5.15-6.6), bdev_open, bdev_release (6.7+).
  {
    fn: /^(?:del_gendisk|__blkdev_get|__blkdev_put|blkdev_put|blkdev_reread_part|blkdev_get_by_dev|bdev_open|bdev_release)$/,
    name: 'disk->open_mutex',
    perObject: true,
    type: 'mutex',
  },
  // An inode's i_rwsem taken inline (inode_lock*() are inline): fs/namei.c lookup_slow,
  // open_last_lookups (do_last before 5.7), filename_create, do_rmdir, do_unlinkat;
  // fs/open.c do_truncate, chmod_common, chown_common; fs/readdir.c iterate_dir;
  // mm/filemap.c generic_file_write_iter; fs/ext4/file.c ext4_buffered_write_iter,
  // ext4_dio_write_iter; fs/xattr.c vfs_setxattr, vfs_removexattr.
  {
    fn: /^(?:lookup_slow|__lookup_slow|open_last_lookups|do_last|filename_create|do_rmdir|do_unlinkat|do_truncate|chmod_common|chown_common|iterate_dir|generic_file_write_iter|ext4_buffered_write_iter|ext4_dio_write_iter|vfs_setxattr|vfs_removexattr)$/,
    name: 'i_rwsem',
    perObject: true,
    type: 'rwsem',
  },
  // A superblock's freeze protection (fs/super.c, include/linux/fs.h): since 4.3 the
  // percpu rwsems sb->s_writers.rw_sem[], lockdep classes sb_writers#N (SB_FREEZE_WRITE),
  // sb_pagefaults#N, sb_internal#N. Writers of files and namespace changes take
  // SB_FREEZE_WRITE for read (sb_start_write, inline through file_start_write /
  // kiocb_start_write / mnt_want_write; __sb_start_write out of line 4.3-5.9); a freeze
  // (freeze_super -> sb_wait_write) takes each level for write, SB_FREEZE_WRITE first.
  // freeze_super takes s_umount too (down_write): the percpu primitive tells them apart.
  {
    fn: /^(?:__sb_start_write|mnt_want_write|mnt_want_write_file|vfs_write|io_write|aio_write|vfs_fallocate|vfs_copy_file_range|do_splice_direct|filename_create|freeze_super)$/,
    name: 'sb_writers',
    perObject: true,
    type: 'rwsem',
    via: /^(?:percpu_down_write|percpu_rwsem_wait|__percpu_down_read|percpu_down_read)$/,
  },
  // fs/super.c: a superblock's s_umount, taken inline by deactivate_super (the last
  // unmount, down_write), grab_super (down_write), iterate_supers and __get_super
  // (down_read), freeze_super and thaw_super (down_write); super_lock() since 6.6.
  {
    fn: /^(?:deactivate_super|grab_super|iterate_supers(?:_type)?|__get_super|get_super|freeze_super|thaw_super|super_lock|__super_lock)$/,
    name: 'sb->s_umount',
    perObject: true,
    type: 'rwsem',
  },
  // fs/fs-writeback.c wait_sb_inodes (static, usually inlined into sync_inodes_sb):
  // `mutex_lock(&sb->s_sync_lock)` serialises the waits of concurrent syncs of one
  // filesystem (v4.x-v6.x). A sync blocked on a mutex right below them waits for it.
  { fn: /^(?:wait_sb_inodes|sync_inodes_sb)$/, name: 'sb->s_sync_lock', perObject: true, type: 'mutex' },
  // fs/cifs/smb2ops.c open_shroot (the cached root handle, v4.19-v5.x; open_cached_dir
  // later) and fs/cifs/file.c cifs_mark_open_files_invalid (on reconnect) take the
  // tree connection's `mutex_lock(&tcon->crfid.fid_mutex)` inline.
  {
    fn: /^(?:open_shroot|cifs_mark_open_files_invalid)$/,
    name: 'tcon->crfid.fid_mutex',
    perObject: true,
    type: 'mutex',
  },
  // fs/cifs/file.c: an inode's cifsInodeInfo->lock_sem (lockdep class &cifsi->lock_sem)
  // taken inline: cifs_relock_file (down_read, inlined into cifs_reopen_file after a
  // reconnect), _cifsFileInfo_put (down_write, to drop the file's byte-range locks; a
  // trylock loop, cifs_down_write, from d46b0da7a33d in v5.4-rc6), cifs_lock_add_if,
  // cifs_posix_lock_set, cifs_push_locks (down_write) (v3.5-v6.x, fs/smb/client from 6.6).
  {
    fn: /^(?:cifs_relock_file|cifs_reopen_file|_cifsFileInfo_put|cifs_lock_add_if|cifs_posix_lock_set|cifs_push_locks)(?:\.(?:isra|constprop|part)\.\d+)*$/,
    name: '&cifsi->lock_sem',
    perObject: true,
    type: 'rwsem',
  },
  // fs/f2fs/segment.c f2fs_balance_fs: foreground GC takes the filesystem's gc_lock
  // (f2fs_down_write(&sbi->gc_lock); mutex_lock(&sbi->gc_mutex) before 5.x) and calls
  // f2fs_gc, which releases it.
  { fn: /^f2fs_balance_fs$/, name: 'sbi->gc_lock', perObject: true },
  // net/core/dev_ioctl.c dev_ioctl, net/ethtool/ioctl.c dev_ethtool (5.16+), net/core/dev.c
  // register_netdevice_notifier, unregister_netdevice_notifier: `rtnl_lock()` in their body.
  {
    fn: /^(?:dev_ioctl|dev_ethtool|register_netdevice_notifier|unregister_netdevice_notifier)(?:\.(?:isra|constprop|part)\.\d+)*$/,
    name: 'rtnl_mutex',
    type: 'mutex',
  },
  // drivers/pci/probe.c pci_device_add, drivers/pci/remove.c pci_destroy_dev (down_write),
  // drivers/pci/bus.c pci_walk_bus (down_read).
  { fn: /^(?:pci_device_add|pci_destroy_dev|pci_walk_bus)$/, name: 'pci_bus_sem' },
  // drivers/pci/pcie/err.c (drivers/pci/pcie/aer/aerdrv_core.c before 4.19): each AER
  // recovery callback runs with device_lock(&dev->dev) taken inline.
  {
    fn: /^(?:report_(?:error_detected|frozen_detected|normal_detected|mmio_enabled|slot_reset|resume))$/,
    name: 'dev->mutex',
    perObject: true,
  },
  // drivers/pci/iov.c sriov_numvfs_store; drivers/base/dd.c __driver_attach,
  // __device_attach, device_release_driver_internal; drivers/base/core.c device_shutdown.
  {
    fn: /^(?:sriov_numvfs_store|__driver_attach|__device_attach|device_release_driver_internal|device_shutdown)$/,
    name: 'dev->mutex',
    perObject: true,
  },
  // net/wireless/core.c cfg80211_netdev_notifier_call (5.12+): wiphy_lock(&rdev->wiphy), an
  // inline mutex_lock(&wiphy->mtx), around its NETDEV_GOING_DOWN / NETDEV_UNREGISTER work.
  { fn: /^cfg80211_netdev_notifier_call$/, name: '&rdev->wiphy.mtx', perObject: true, type: 'mutex' },
  // Before 3.x's vm_* helpers the syscalls took mm->mmap_sem themselves (mm/mprotect.c
  // sys_mprotect, mm/mmap.c sys_brk / sys_munmap / sys_mmap_pgoff, mm/mremap.c,
  // mm/madvise.c, mm/mincore.c); SyS_ is the 3.x syscall wrapper's name.
  { fn: /^(?:sys|SyS)_(?:mprotect|brk|munmap|mmap_pgoff|mremap|madvise|mincore)$/, name: 'mmap_lock', perObject: true },
  // fs/jbd2: the journal's j_checkpoint_mutex, taken inline (mutex_lock_io) by
  // checkpoint.c __jbd2_log_wait_for_space (a handle short of log space) and
  // jbd2_log_do_checkpoint (re-taken after waiting for a commit, v5.0+), journal.c
  // jbd2_update_log_tail (the commit thread), jbd2_journal_flush, jbd2_journal_destroy.
  {
    fn: /^(?:__jbd2_log_wait_for_space|jbd2_log_do_checkpoint|jbd2_update_log_tail|jbd2_journal_flush|jbd2_journal_destroy)$/,
    name: '&journal->j_checkpoint_mutex',
    perObject: true,
    type: 'mutex',
  },
  // drivers/md/dm-bufio.c: a client's mutex c->lock, through dm_bufio_lock() (inline in
  // the callers below or a frame of its own): the shrinker's dm_bufio_shrink_scan
  // (v3.12-v5.8) and dm_bufio_shrink_count (v3.12-v4.x) take it.
  {
    fn: /^(?:dm_bufio_lock|dm_bufio_shrink_scan|dm_bufio_shrink_count)$/,
    name: '&c->lock',
    perObject: true,
    type: 'mutex',
  },
  // mm/cma.c (v3.16+): cma_alloc takes the global `static DEFINE_MUTEX(cma_mutex)` around
  // alloc_contig_range (in __cma_alloc / cma_range_alloc after the 6.x splits); before
  // 3.16 drivers/base/dma-contiguous.c dma_alloc_from_contiguous did. cma_alloc also takes
  // the area's cma->lock (a mutex before 5.13), only around bitmap updates, never across
  // a sleep: a long mutex wait below cma_alloc is for cma_mutex.
  {
    fn: /^(?:cma_alloc|__cma_alloc|cma_range_alloc|dma_alloc_from_contiguous)$/,
    name: 'cma_mutex',
    type: 'mutex',
  },
  // fs/fat: the filesystem's msdos_sb_info s_lock (mutex_init(&sbi->s_lock), v3.7+; the
  // superblock's lock_super before), taken inline by the vfat and msdos directory
  // operations (namei_vfat.c, namei_msdos.c: create, mkdir, rmdir, unlink, rename, lookup)
  // and by fat_write_inode for the FSINFO inode (inode.c).
  {
    fn: /^(?:(?:vfat|msdos)_(?:create|mkdir|rmdir|unlink|rename2?|lookup)|fat_write_inode)$/,
    name: '&sbi->s_lock',
    perObject: true,
    type: 'mutex',
  },
  // fs/xfs/xfs_buf.c xfs_buf_lock: `down(&bp->b_sema)`, one semaphore per buffer (lockdep
  // does not track it; the name is the field's).
  { fn: /^xfs_buf_lock$/, name: 'xfs_buf.b_sema', perObject: true, type: 'semaphore' },
  // net/core/dev.c register_netdevice_notifier / unregister_netdevice_notifier (4.17+,
  // "net: Close race between {un, }register_netdevice_notifier() and setup_net()/
  // cleanup_net()"): `down_write(&pernet_ops_rwsem)` before rtnl_lock(), to keep
  // namespaces from being set up or torn down while the notifier is replayed.
  {
    fn: /^(?:register_netdevice_notifier|unregister_netdevice_notifier)$/,
    name: 'pernet_ops_rwsem',
    type: 'rwsem',
  },
];

// The takers of the spinlocks knowledge/spin-lock-sites.ts knows by their functions.
for (const site of SPIN_LOCK_SITES)
  LOCK_TAKERS.push({
    fn: sitePattern(site.takers),
    name: site.lock,
    type: 'spinlock',
    ...(site.perObject ? { perObject: true } : {}),
  });

export function lockWrapperFor(fn: string): LockWrapper | undefined {
  return LOCK_WRAPPERS.find((w) => w.fn.test(fn));
}

const ROWS_BY_FIRST = new RulesByFirstChar([...LOCK_WRAPPERS, ...LOCK_TAKERS], (w) => w.fn);

/** Every row of LOCK_WRAPPERS, then of LOCK_TAKERS, that names this function. */
function rowsFor(fn: string): LockWrapper[] {
  const rows: LockWrapper[] = [];
  for (const w of ROWS_BY_FIRST.for(fn)) if (w.fn.test(fn)) rows.push(w);
  return rows;
}

/** The well-known lock a function takes, as a wrapper or inline; with `also` the other
 *  locks it takes, when several rows name it. */
export function lockTakenBy(fn: string): LockWrapper | undefined {
  const rows = rowsFor(fn);
  return rows.length > 1 ? { ...rows[0], also: rows.slice(1) } : rows[0];
}
