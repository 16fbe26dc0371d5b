// Locks that a function holds while it calls inward: a task with that function on its
// stack (and not still acquiring the lock there) owns the lock, though the dump never
// says so. A human reads these off a stack the same way ("rtnetlink_rcv_msg runs the
// handler under rtnl"). One row per fact, each with the kernel source that shows it.
//
// `lock` is the lockdep class name, as LOCK_WRAPPERS and LOCK_TAKERS name it, so the
// holder and the tasks waiting for the lock meet on one lock node.

import type { LockType } from '../contract.js';
import { RulesByFirstChar } from './first-chars.js';
import { SPIN_LOCK_SITES, sitePattern } from './spin-lock-sites.js';

export interface FrameHeldLock {
  /** The function (GCC clone suffixes like `.isra.0` are allowed by `fnPattern`). */
  fn: RegExp;
  /** The lockdep class name of the lock it holds. */
  lock: string;
  type: LockType;
  /** `read` for a shared hold of an rwsem; `write` for an exclusive one (and mutexes). */
  mode: 'read' | 'write';
  /** One lock per object (each device's mutex, each mm's mmap_lock): a holder found by
   *  frames holds *a* lock of this class, not necessarily the one a waiter wants. */
  perObject?: boolean;
  /** The function does not hold the lock while it calls one of these (the next reliable
   *  frame inward): paths of it that run without the lock. */
  notWhenCalling?: RegExp;
  /** The fact holds only for kernels before this release (and for none when the dump
   *  does not say its release). */
  before?: readonly [number, number];
  /** The fact holds only from this release on (and also when the dump does not say its
   *  release: a guess then, as every per-object hold is). */
  since?: readonly [number, number];
  /** With `before`: a dump that does not say its release may still be one of them — the
   *  hold is then a guess instead of no hold. */
  beforeOrUnknown?: boolean;
  /** The kernel never holds two locks of this class at once (no lockdep subclass is used
   *  for it): a task whose frames hold one and that waits for one of the class waits for
   *  the one it holds, a self-deadlock. */
  unnested?: boolean;
  /** A task whose frames hold one and that waits for one of the class may wait for the
   *  one it holds — the kernel nests the class, so it is a guess (SPIN_LOCK_SITES
   *  `sameInstance: 'guess'`). */
  selfGuess?: boolean;
  /** From this release on, another lock usually serves instead: only a guess then. */
  weakFrom?: { version: readonly [number, number]; note: string };
  /** What the function is, in a few words, for the edge's `why` (optional). */
  what?: string;
  source: string;
}

/** A function name with optional GCC clone suffixes (`.isra.0`, `.constprop.3`). */
function fnPattern(alternatives: string): RegExp {
  return new RegExp(`^(?:${alternatives})(?:\\.(?:isra|constprop|part|cold|llvm)\\.\\d+)*$`);
}

export const FRAME_HELD_LOCKS: FrameHeldLock[] = [
  // net/wireless/core.c (5.12+, a05829a7222e "cfg80211: avoid holding the RTNL when calling
  // the driver"): cfg80211_unregister_wdev() and cfg80211_unregister_netdevice() are called
  // with the wiphy mutex held (lockdep_assert_held(&rdev->wiphy.mtx) in
  // _cfg80211_unregister_wdev); cfg80211 takes one wiphy's mutex at a time.
  {
    fn: fnPattern('_cfg80211_unregister_wdev|cfg80211_unregister_wdev|cfg80211_unregister_netdevice'),
    lock: '&rdev->wiphy.mtx',
    type: 'mutex',
    mode: 'write',
    perObject: true,
    unnested: true,
    since: [5, 12],
    what: 'unregistering a wireless interface, called under the wiphy mutex',
    source: 'net/wireless/core.c _cfg80211_unregister_wdev (v5.12+)',
  },
  // mm/cma.c cma_alloc (v3.16+; __cma_alloc / cma_range_alloc after the 6.x splits):
  // mutex_lock(&cma_mutex); alloc_contig_range(...); mutex_unlock(&cma_mutex) — held while
  // the range's pages are migrated, which may wait for their writeback. Between tries
  // (msleep after -EBUSY) it holds nothing.
  {
    fn: fnPattern('cma_alloc|__cma_alloc|cma_range_alloc'),
    lock: 'cma_mutex',
    type: 'mutex',
    mode: 'write',
    notWhenCalling: /^(?:msleep|msleep_interruptible|schedule_timeout\w{0,20}|cma_debug_show_areas)$/,
    since: [3, 16],
    what: 'a contiguous (CMA) allocation migrating the pages out of its range',
    source: 'mm/cma.c cma_alloc (v3.16+)',
  },
  // Before 3.16 drivers/base/dma-contiguous.c dma_alloc_from_contiguous did the same.
  {
    fn: fnPattern('dma_alloc_from_contiguous'),
    lock: 'cma_mutex',
    type: 'mutex',
    mode: 'write',
    before: [3, 16],
    what: 'a contiguous (CMA) allocation migrating the pages out of its range',
    source: 'drivers/base/dma-contiguous.c dma_alloc_from_contiguous (v3.5-v3.15)',
  },
  // drivers/i2c/i2c-core-base.c (i2c-core.c before 4.13): i2c_transfer and i2c_smbus_xfer
  // lock the adapter's bus (i2c_lock_bus -> i2c_adapter_lock_bus, rt_mutex adap->bus_lock,
  // lockdep class `i2c_register_adapter`) and hold it across __i2c_transfer /
  // __i2c_smbus_xfer, i.e. while the controller driver waits for the transfer to end.
  {
    fn: fnPattern('i2c_transfer|i2c_smbus_xfer'),
    lock: 'i2c_register_adapter',
    type: 'mutex',
    mode: 'write',
    perObject: true,
    what: "an i2c transfer, which holds its adapter's bus lock until it ends",
    source: 'drivers/i2c/i2c-core-base.c i2c_transfer, i2c_smbus_xfer (v3.x-v6.x)',
  },
  // fs/fat/namei_vfat.c, namei_msdos.c (v3.7+): the directory operations take the
  // filesystem's s_lock (mutex_lock(&MSDOS_SB(sb)->s_lock)) first and hold it until they
  // return, across cluster allocation and the buffer writes it waits for.
  {
    fn: fnPattern('(?:vfat|msdos)_(?:create|mkdir|rmdir|unlink|rename2?)'),
    lock: '&sbi->s_lock',
    type: 'mutex',
    mode: 'write',
    perObject: true,
    since: [3, 7],
    what: "a FAT directory operation, which holds the filesystem's s_lock",
    source: 'fs/fat/namei_vfat.c vfat_mkdir etc., fs/fat/namei_msdos.c (v3.7+)',
  },
  // rtnetlink_rcv_msg(): rtnl_lock(); err = link->doit(skb, nlh, extack); rtnl_unlock();
  // — except dumps (netlink_dump_start) and handlers flagged RTNL_FLAG_DOIT_UNLOCKED
  // (the GET handlers: rtnl_getlink, inet_rtm_getroute, …), which run without it.
  {
    fn: fnPattern('rtnetlink_rcv_msg'),
    lock: 'rtnl_mutex',
    type: 'mutex',
    mode: 'write',
    notWhenCalling: /^(?:__?netlink_dump(?:_start)?|\w{0,40}get\w{0,40})$/,
    what: 'the rtnetlink request handler',
    source: 'net/core/rtnetlink.c rtnetlink_rcv_msg (v4.14+)',
  },
  // Before 4.14 rtnetlink_rcv() took rtnl around netlink_rcv_skb() for every message.
  {
    fn: fnPattern('rtnetlink_rcv'),
    lock: 'rtnl_mutex',
    type: 'mutex',
    mode: 'write',
    before: [4, 14],
    what: 'the rtnetlink receive path',
    source: 'net/core/rtnetlink.c rtnetlink_rcv (before 4.14)',
  },
  // The link handlers are registered without RTNL_FLAG_DOIT_UNLOCKED: always under rtnl.
  {
    fn: fnPattern('rtnl_newlink|__rtnl_newlink|rtnl_dellink|rtnl_setlink'),
    lock: 'rtnl_mutex',
    type: 'mutex',
    mode: 'write',
    what: 'an rtnetlink link handler',
    source: 'net/core/rtnetlink.c rtnetlink_init (RTM_NEWLINK/DELLINK/SETLINK doit)',
  },
  // linkwatch_event(): rtnl_lock(); __linkwatch_run_queue(); rtnl_unlock();
  {
    fn: fnPattern('linkwatch_event'),
    lock: 'rtnl_mutex',
    type: 'mutex',
    mode: 'write',
    source: 'net/core/link_watch.c linkwatch_event',
  },
  // default_device_exit_batch() (a netns's cleanup_net): rtnl_lock_unregistering(net_list)
  // (rtnl_lock() since 6.x) … unregister_netdevice_many(&dev_kill_list); rtnl_unlock();
  // rtnl_lock_unregistering first waits for pending unregistrations without the lock, and
  // rtnl_unlock's netdev_run_todo waits for refcounts after __rtnl_unlock().
  {
    fn: fnPattern('default_device_exit_batch'),
    lock: 'rtnl_mutex',
    type: 'mutex',
    mode: 'write',
    notWhenCalling: /^(?:rtnl_lock_unregistering|__rtnl_lock|rtnl_lock|rtnl_unlock|__rtnl_unlock|netdev_run_todo)$/,
    what: "a network namespace's device cleanup",
    source: 'net/core/dev.c default_device_exit_batch (v3.10+)',
  },
  // addrconf_dad_work() and addrconf_verify_work() run under rtnl_lock().
  {
    fn: fnPattern('addrconf_dad_work|addrconf_verify_work'),
    lock: 'rtnl_mutex',
    type: 'mutex',
    mode: 'write',
    source: 'net/ipv6/addrconf.c addrconf_dad_work, addrconf_verify_work',
  },
  // register_netdev()/unregister_netdev(): rtnl_lock(); (un)register_netdevice(); rtnl_unlock();
  {
    fn: fnPattern('register_netdev|unregister_netdev'),
    lock: 'rtnl_mutex',
    type: 'mutex',
    mode: 'write',
    source: 'net/core/dev.c register_netdev, unregister_netdev',
  },
  // dev_ioctl() calls dev_ifsioc() only between rtnl_lock() and rtnl_unlock() (the bridge
  // ioctls drop it around br_ioctl_call()); dev_ifsioc is static and often inlined, so
  // dev_ioctl itself holds rtnl unless it is calling what it runs outside the lock.
  {
    fn: fnPattern('dev_ifsioc'),
    lock: 'rtnl_mutex',
    type: 'mutex',
    mode: 'write',
    notWhenCalling: /^(?:br_ioctl_call|brioctl_\w+)$/,
    what: 'a network device ioctl',
    source: 'net/core/dev_ioctl.c dev_ioctl, dev_ifsioc (v3.10-v6.x)',
  },
  {
    fn: fnPattern('dev_ioctl'),
    lock: 'rtnl_mutex',
    type: 'mutex',
    mode: 'write',
    notWhenCalling:
      /^(?:dev_ethtool|dev_load|__?request_module|dev_ifsioc_locked|dev_get_mac_address|dev_ifname|dev_ifconf|_?copy_(?:from|to)_user|br_ioctl_call|wext_handle_ioctl)$/,
    what: 'a network device ioctl',
    source: 'net/core/dev_ioctl.c dev_ioctl (v3.10-v6.x: rtnl_lock() around dev_ifsioc())',
  },
  // SIOCETHTOOL: before 5.16 dev_ioctl() took rtnl around dev_ethtool(); since, dev_ethtool()
  // takes it around __dev_ethtool() (and, from 6.x, after a runtime resume of the parent):
  // the ethtool handler and the driver's ethtool_ops run under rtnl either way.
  {
    fn: fnPattern('__dev_ethtool|__dev_ethtool_do'),
    lock: 'rtnl_mutex',
    type: 'mutex',
    mode: 'write',
    what: 'an ethtool request',
    source: 'net/ethtool/ioctl.c dev_ethtool (v5.16+)',
  },
  {
    fn: fnPattern('dev_ethtool'),
    lock: 'rtnl_mutex',
    type: 'mutex',
    mode: 'write',
    notWhenCalling:
      /^(?:_?copy_(?:from|to)_user|kzalloc|__kmalloc|kmalloc_trace|pm_runtime_get_sync|__pm_runtime_resume|pm_runtime_put|__pm_runtime_idle|devlink_compat_\w+|devlink_put|(?:netdev|dev)_get_by_name|__dev_ethtool_check)$/,
    what: 'an ethtool request',
    source: 'net/core/dev_ioctl.c dev_ioctl (before 5.16), net/ethtool/ioctl.c dev_ethtool (5.16+)',
  },
  // (un)register_netdevice_notifier(): rtnl_lock(); register the notifier and replay the
  // events of the existing devices to it; rtnl_unlock().
  {
    fn: fnPattern('register_netdevice_notifier|unregister_netdevice_notifier'),
    lock: 'rtnl_mutex',
    type: 'mutex',
    mode: 'write',
    what: 'registering a netdevice notifier',
    source: 'net/core/dev.c register_netdevice_notifier, unregister_netdevice_notifier',
  },
  // cgroup core: these run with cgroup_mutex held (lockdep_assert_held(&cgroup_mutex) in
  // their bodies since 3.15, or their own mutex_lock(&cgroup_mutex): cgroup_create and
  // cgroup_rmdir before 3.15). A write to cgroup.procs holds it while it waits for
  // cgroup_threadgroup_rwsem (cgroup_procs_write_start, __cgroup_procs_write before 5.x).
  {
    fn: fnPattern(
      'cgroup_procs_write_start|__cgroup_procs_write|cgroup_attach_task|rebind_subsystems|cgroup_apply_control|cgroup_destroy_locked|kill_css|cgroup_create|cgroup_mkdir|cgroup_rmdir|cgroup_update_dfl_csses|cgroup_transfer_tasks',
    ),
    lock: 'cgroup_mutex',
    type: 'mutex',
    mode: 'write',
    what: 'a cgroup operation',
    source:
      'kernel/cgroup/cgroup.c (kernel/cgroup.c before 4.14): cgroup_procs_write_start, cgroup_attach_task, rebind_subsystems, cgroup_apply_control, cgroup_destroy_locked, kill_css, cgroup_mkdir, cgroup_rmdir, cgroup_update_dfl_csses; kernel/cgroup/cgroup-v1.c cgroup_transfer_tasks',
  },
  // kernel/cgroup/cpuset.c rebuild_sched_domains_locked(): lockdep_assert_held(&cpuset_mutex)
  // (the mutex before 5.4 and from 6.4; cpuset_rwsem held for write 5.4-6.3, asserted by
  // percpu_rwsem_assert_held); its callers (rebuild_sched_domains, the cpuset writes,
  // the hotplug work) take it.
  {
    fn: fnPattern('rebuild_sched_domains_locked'),
    lock: 'cpuset_mutex',
    type: 'mutex',
    mode: 'write',
    before: [5, 4],
    beforeOrUnknown: true,
    what: 'rebuilding the scheduler domains of the cpusets',
    source: 'kernel/cgroup/cpuset.c rebuild_sched_domains_locked (before 5.4)',
  },
  {
    fn: fnPattern('rebuild_sched_domains_locked'),
    lock: 'cpuset_mutex',
    type: 'mutex',
    mode: 'write',
    since: [6, 4],
    what: 'rebuilding the scheduler domains of the cpusets',
    source: 'kernel/cgroup/cpuset.c rebuild_sched_domains_locked (6.4+, cpuset_mutex again: 111cd11bbc54)',
  },
  {
    fn: fnPattern('rebuild_sched_domains_locked'),
    lock: 'cpuset_rwsem',
    type: 'rwsem',
    mode: 'write',
    since: [5, 4],
    before: [6, 4],
    what: 'rebuilding the scheduler domains of the cpusets',
    source: 'kernel/cgroup/cpuset.c rebuild_sched_domains_locked (5.4-6.3: cpuset_rwsem)',
  },
  // kernel/cpu.c: _cpu_down() and _cpu_up() run the hotplug state machine under
  // cpus_write_lock() (cpu_hotplug_lock, a percpu rwsem since 4.13; cpu_hotplug_begin()
  // before), waiting there for the CPU's cpuhp thread to run the teardown/bringup
  // callbacks; a cpus_read_lock() caller waits for them.
  {
    fn: fnPattern('_cpu_down|_cpu_up'),
    lock: 'cpu_hotplug_lock',
    type: 'rwsem',
    mode: 'write',
    notWhenCalling: /^(?:cpus_write_lock|cpu_hotplug_begin|percpu_down_write)$/,
    what: 'taking a CPU down or up (CPU hotplug)',
    source: 'kernel/cpu.c _cpu_down, _cpu_up (cpus_write_lock 4.13+, cpu_hotplug_begin before)',
  },
  // kernel/cgroup/cgroup.c: a migration (cgroup_migrate -> cgroup_migrate_execute, which
  // calls the controllers' ->can_attach/->attach) runs with cgroup_threadgroup_rwsem held
  // for write by its callers (__cgroup_procs_write / cgroup_procs_write_start,
  // cgroup_update_dfl_csses, cgroup_attach_task_all), 4.6+.
  {
    fn: fnPattern('cgroup_migrate_execute|cgroup_migrate'),
    lock: 'cgroup_threadgroup_rwsem',
    type: 'rwsem',
    mode: 'write',
    since: [4, 6],
    what: 'migrating tasks between cgroups',
    source:
      'kernel/cgroup/cgroup.c cgroup_migrate, cgroup_migrate_execute (callers hold cgroup_threadgroup_rwsem, 4.6+)',
  },
  // Opening a block device rescans its partitions with the disk's open mutex held (the
  // whole device's bd_mutex before 5.15, whose role disk->open_mutex took over):
  // __blkdev_get() (up to 5.14) and blkdev_get_whole()/blkdev_get_part() (5.15+, called
  // under it by blkdev_get_by_dev / bdev_open); rescan_partitions() and
  // bdev_disk_changed() assert it; blkdev_reread_part() (BLKRRPART) takes it itself.
  {
    fn: fnPattern(
      '__blkdev_get|blkdev_get_whole|blkdev_get_part|rescan_partitions|bdev_disk_changed|blkdev_reread_part',
    ),
    lock: 'disk->open_mutex',
    type: 'mutex',
    mode: 'write',
    perObject: true,
    what: 'opening a block device',
    source:
      'fs/block_dev.c __blkdev_get, blkdev_reread_part (up to 5.14); block/bdev.c blkdev_get_by_dev (5.15-6.6), bdev_open (6.7+); block/partitions/core.c bdev_disk_changed',
  },
  // f2fs garbage collection runs with the filesystem's gc_lock held: every caller takes it
  // (f2fs_balance_fs, the GC thread, the GC ioctls, checkpoint disabling) and f2fs_gc
  // releases it at its end; f2fs_gc_range's callers hold it around it.
  {
    fn: fnPattern('f2fs_gc|f2fs_gc_range'),
    lock: 'sbi->gc_lock',
    type: 'rwsem',
    mode: 'write',
    perObject: true,
    what: 'f2fs garbage collection',
    source: 'fs/f2fs/gc.c f2fs_gc, gc_thread_func; fs/f2fs/segment.c f2fs_balance_fs (gc_mutex before 5.x)',
  },
  // A superblock's s_umount: writeback of a whole filesystem requires it held
  // (sync_inodes_sb / writeback_inodes_sb_nr: WARN_ON(!rwsem_is_locked(&sb->s_umount));
  // sync_filesystem likewise), taken for read by iterate_supers() around each callback
  // (sync(2), drop_caches). Unmount tears the superblock down with it held for write
  // (deactivate_locked_super: "called with s_umount held", and the ->kill_sb it calls).
  {
    fn: fnPattern('sync_inodes_sb|writeback_inodes_sb(?:_nr)?|sync_filesystem|iterate_supers(?:_type)?'),
    lock: 'sb->s_umount',
    type: 'rwsem',
    mode: 'read',
    perObject: true,
    what: 'writing back a whole filesystem',
    source:
      'fs/fs-writeback.c sync_inodes_sb, writeback_inodes_sb_nr; fs/sync.c sync_filesystem; fs/super.c iterate_supers',
  },
  // fs/fs-writeback.c wait_sb_inodes (inlined into sync_inodes_sb): takes the
  // superblock's s_sync_lock and holds it while it waits for every inode under writeback
  // (filemap_fdatawait_keep_errors), releasing it at its end. Before it, sync_inodes_sb
  // queues the writeback work and waits for it (bdi_split_work_to_wbs,
  // wb_wait_for_completion) and takes the bdi's wb_switch_rwsem, all without the mutex.
  {
    fn: fnPattern('wait_sb_inodes|sync_inodes_sb'),
    lock: 'sb->s_sync_lock',
    type: 'mutex',
    mode: 'write',
    perObject: true,
    notWhenCalling:
      /^(?:wb_wait_for_completion|bdi_split_work_to_wbs|bdi_down_write_wb_switch_rwsem|bdi_up_write_wb_switch_rwsem|down_write|wb_queue_work|wait_sb_inodes)$/,
    what: 'waiting for the writeback of a whole filesystem',
    source: 'fs/fs-writeback.c wait_sb_inodes, sync_inodes_sb (v4.x-v6.x)',
  },
  // fs/cifs/smb2ops.c open_shroot (v4.19-v5.2): `mutex_lock(&tcon->crfid.fid_mutex)`,
  // then SMB2_open (compound_send_recv from 5.0) with the mutex held. When that open has
  // to reconnect, smb2_reconnect -> cifs_mark_open_files_invalid takes the same mutex
  // again: 96d9f7ed00b8 "CIFS: fix deadlock in cached root handling" (v5.3) drops it
  // around the open. One tree connection's mutex at a time.
  {
    fn: fnPattern('open_shroot'),
    lock: 'tcon->crfid.fid_mutex',
    type: 'mutex',
    mode: 'write',
    perObject: true,
    unnested: true,
    before: [5, 3],
    beforeOrUnknown: true,
    what: 'opening the cached root handle of an SMB share',
    source: 'fs/cifs/smb2ops.c open_shroot (v4.19-v5.2; 96d9f7ed00b8 in v5.3)',
  },
  // fs/cifs/file.c cifs_strict_readv (v3.5-v6.x, fs/smb/client from 6.6): with mandatory
  // byte-range locks cached it reads under `down_read(&cinode->lock_sem)`, across
  // generic_file_read_iter (->readpage, which may reopen the file after a reconnect and
  // take the same lock_sem for read again: cifs_reopen_file -> cifs_relock_file).
  {
    fn: fnPattern('cifs_strict_readv'),
    lock: '&cifsi->lock_sem',
    type: 'rwsem',
    mode: 'read',
    perObject: true,
    notWhenCalling: /^(?:cifs_user_readv|__cifs_readv|down_read|cifs_find_lock_conflict)$/,
    what: 'reading a file with cached mandatory byte-range locks',
    source: 'fs/cifs/file.c cifs_strict_readv (v3.5-v6.x)',
  },
  {
    fn: fnPattern('deactivate_locked_super|generic_shutdown_super|kill_block_super|kill_anon_super|kill_litter_super'),
    lock: 'sb->s_umount',
    type: 'rwsem',
    mode: 'write',
    perObject: true,
    what: 'unmounting a filesystem',
    source: 'fs/super.c deactivate_super, deactivate_locked_super, generic_shutdown_super, kill_block_super',
  },
  // mm/rmap.c rmap_walk_anon (3.8+, 4fc3f1d66b1e made the anon_vma lock an rwsem taken
  // for read there): rmap_walk_anon_lock() read-locks the folio's root anon_vma and every
  // rwc->rmap_one (try_to_unmap_one, try_to_migrate_one, page_referenced_one …) runs
  // under it; rmap_walk_locked() callers already hold it. A task below such a walk that
  // takes an anon_vma root for write takes that one: tearing down the mm the walked page
  // belongs to (a notifier's mmput -> exit_mmap -> unlink_anon_vmas) locks the roots of
  // its vmas' anon_vmas, the walked one among them. Only mm_take_all_locks holds several
  // roots, and never below an rmap walk.
  {
    fn: fnPattern('rmap_walk_anon'),
    lock: '&anon_vma->rwsem',
    type: 'rwsem',
    mode: 'read',
    perObject: true,
    unnested: true,
    since: [3, 8],
    notWhenCalling:
      /^(?:rmap_walk_anon_lock|folio_lock_anon_vma_read|page_lock_anon_vma_read|down_read(?:_trylock)?|rwsem_down_read_slowpath|rwsem_down_read_failed|call_rwsem_down_read_failed)(?:\.(?:isra|constprop|part)\.\d+)*$/,
    what: 'an rmap walk of an anonymous page',
    source: 'mm/rmap.c rmap_walk_anon, rmap_walk_anon_lock, unlink_anon_vmas, lock_anon_vma_root (v3.8-v6.x)',
  },
  // drivers/clk/clk.c clk_disable_unused (late initcall): clk_prepare_lock(), then walks
  // every clk tree (clk_disable_unused_subtree, clk_unprepare_unused_subtree, both
  // lockdep_assert_held(&prepare_lock)) and unlocks at its end. A walk that runtime-resumes
  // a clk provider (clk_pm_runtime_get) sleeps with the global prepare_lock held.
  {
    fn: fnPattern('clk_disable_unused|clk_disable_unused_subtree|clk_unprepare_unused_subtree'),
    lock: 'prepare_lock',
    type: 'mutex',
    mode: 'write',
    notWhenCalling: /^clk_prepare_lock$/,
    what: 'the boot-time walk that turns unused clocks off',
    source: 'drivers/clk/clk.c clk_disable_unused, clk_disable_unused_subtree (v3.x-v6.x)',
  },
  // An inode's i_rwsem (i_mutex before 4.7). The VFS calls a directory's ->lookup with
  // the directory locked (shared since 4.7: lookup_slow, or exclusive to create: the
  // open path's lookup_open), and ->create, ->mkdir, ->unlink, ->rename … with the parent
  // locked (Documentation/filesystems/locking.rst); notify_change, a buffered write and
  // a directory read run with the inode itself locked.
  {
    fn: fnPattern('lookup_slow|__lookup_slow|iterate_dir'),
    lock: 'i_rwsem',
    type: 'rwsem',
    mode: 'read',
    perObject: true,
    what: 'a directory lookup or read',
    source: 'fs/namei.c lookup_slow (inode_lock_shared since 4.7); fs/readdir.c iterate_dir',
  },
  {
    fn: fnPattern(
      'lookup_open|open_last_lookups|do_last|vfs_create|vfs_mkdir|vfs_mknod|vfs_symlink|vfs_link|vfs_rmdir|vfs_unlink|vfs_rename|notify_change|generic_file_write_iter|__generic_file_write_iter|ext4_buffered_write_iter|ext4_dio_write_iter|vfs_setxattr|__vfs_setxattr_locked',
    ),
    lock: 'i_rwsem',
    type: 'rwsem',
    mode: 'write',
    perObject: true,
    what: 'a change to an inode or its directory',
    source:
      'Documentation/filesystems/locking.rst (directory operations); fs/namei.c lookup_open, open_last_lookups (do_last before 5.7); fs/attr.c notify_change; mm/filemap.c generic_file_write_iter; fs/ext4/file.c; fs/xattr.c vfs_setxattr',
  },
  // pci_walk_bus(): down_read(&pci_bus_sem); walk, calling cb(dev) on each device; up_read().
  {
    fn: fnPattern('pci_walk_bus'),
    lock: 'pci_bus_sem',
    type: 'rwsem',
    mode: 'read',
    what: 'walking a PCI bus',
    source: 'drivers/pci/bus.c pci_walk_bus',
  },
  // The page-fault path takes the mm's mmap_lock for read and holds it across
  // handle_mm_fault() — until 6.4, where most faults take a per-VMA lock instead
  // (lock_vma_under_rcu) and fall back to the mmap_lock only when that fails.
  {
    fn: fnPattern('do_user_addr_fault|__do_page_fault|do_page_fault|do_translation_fault|do_mem_abort'),
    lock: 'mmap_lock',
    type: 'rwsem',
    mode: 'read',
    perObject: true,
    weakFrom: { version: [6, 4], note: 'on 6.4+ most faults use per-VMA locks instead' },
    what: 'a page fault',
    source: 'arch/x86/mm/fault.c do_user_addr_fault (__do_page_fault before 5.8), arch/arm64/mm/fault.c do_page_fault',
  },
  // The mm's own writers: mmap(2), munmap(2), mprotect(2), brk(2) and mremap(2) take the
  // mmap_lock for write (mmap_write_lock_killable; down_write_killable(&mm->mmap_sem)
  // before 5.8) and hold it over the whole operation — a file's ->mmap(), an unmap's
  // TLB flush, a split — so every fault of that mm waits behind them. __vm_munmap may
  // downgrade to read once the VMAs are detached (the hold is still one on the lock).
  // fork's dup_mmap() holds the parent's for write while it copies every VMA.
  {
    fn: fnPattern('vm_mmap_pgoff|__vm_munmap|vm_munmap|do_mprotect_pkey|__do_sys_brk|__do_sys_mremap|dup_mmap'),
    lock: 'mmap_lock',
    type: 'rwsem',
    mode: 'write',
    perObject: true,
    what: 'changing the address space (mmap, munmap, mprotect, brk, mremap, fork)',
    source:
      'mm/util.c vm_mmap_pgoff, mm/mmap.c __vm_munmap and brk (mm/vma.c 6.10+), mm/mprotect.c do_mprotect_pkey, mm/mremap.c mremap, kernel/fork.c dup_mmap (v4.x+)',
  },
  // Reading another process's memory (/proc/PID/cmdline, environ, mem; ptrace PEEK)
  // holds that mm's mmap_lock for read across get_user_pages_remote() and the copy.
  {
    fn: fnPattern('__access_remote_vm'),
    lock: 'mmap_lock',
    type: 'rwsem',
    mode: 'read',
    perObject: true,
    what: "reading another process's memory",
    source: 'mm/memory.c __access_remote_vm (v4.x+)',
  },
  // rcu_barrier() takes rcu_state.barrier_mutex (one per flavour, rsp->barrier_mutex in
  // _rcu_barrier, before 5.0) and waits under it for every CPU's callbacks to run: a
  // CPU whose callbacks do not run keeps every later rcu_barrier() (module unload,
  // netns teardown, filesystem unmount) waiting for the mutex.
  {
    fn: fnPattern('rcu_barrier|_rcu_barrier'),
    lock: 'rcu_state.barrier_mutex',
    type: 'mutex',
    mode: 'write',
    what: "waiting for every CPU's RCU callbacks",
    source: 'kernel/rcu/tree.c rcu_barrier (v5.0+; _rcu_barrier before)',
  },
  // synchronize_rcu_expedited() takes rcu_state.exp_mutex in exp_funnel_lock() (unless
  // another caller's expedited grace period already covers it) and holds it until the
  // grace period it started has ended.
  {
    fn: fnPattern('synchronize_rcu_expedited|synchronize_sched_expedited'),
    lock: 'rcu_state.exp_mutex',
    type: 'mutex',
    mode: 'write',
    notWhenCalling: /^exp_funnel_lock$/,
    what: 'an expedited RCU grace period',
    source: 'kernel/rcu/tree_exp.h synchronize_rcu_expedited, exp_funnel_lock (v5.0+; rsp->exp_mutex before)',
  },
  // sriov_numvfs_store(): device_lock(&pdev->dev) around sriov_configure().
  {
    fn: fnPattern('sriov_numvfs_store'),
    lock: 'dev->mutex',
    type: 'mutex',
    mode: 'write',
    perObject: true,
    what: 'writing sriov_numvfs',
    source: 'drivers/pci/iov.c sriov_numvfs_store',
  },
  // Driver core: binding, unbinding and shutdown run with the device locked.
  {
    fn: fnPattern('__driver_attach|__device_attach|device_release_driver_internal|device_shutdown'),
    lock: 'dev->mutex',
    type: 'mutex',
    mode: 'write',
    perObject: true,
    source:
      'drivers/base/dd.c __driver_attach, __device_attach, device_release_driver_internal; drivers/base/core.c device_shutdown',
  },
  // The last close of a block device runs the driver's release (sd_release, …) with the
  // disk's open_mutex held: blkdev_put() 5.15-6.6 (via blkdev_put_whole), bdev_release()
  // since 6.7; blkdev_release() is the file's release that calls it.
  {
    fn: fnPattern('blkdev_put|bdev_release|blkdev_put_whole'),
    lock: 'disk->open_mutex',
    type: 'mutex',
    mode: 'write',
    perObject: true,
    what: 'closing a block device',
    source: 'block/bdev.c blkdev_put (5.15-6.6), bdev_release (6.7+)',
  },
  // console_unlock() is called with console_sem held and prints the log buffer to the
  // consoles before it releases it (up_console_sem at its end).
  {
    fn: fnPattern('console_unlock'),
    lock: 'console_sem',
    type: 'semaphore',
    mode: 'write',
    what: 'printing to the consoles',
    source: 'kernel/printk/printk.c console_unlock',
  },
  // Network namespaces (net/core/net_namespace.c, 4.16+; net_mutex before): cleanup_net()
  // holds pernet_ops_rwsem for read over synchronize_rcu() and every pernet exit method,
  // copy_net_ns() for read over setup_net(), and (un)register_pernet_{subsys,device} for
  // write while they run the new ops' init or exit in every namespace.
  {
    fn: fnPattern('cleanup_net|copy_net_ns'),
    lock: 'pernet_ops_rwsem',
    type: 'rwsem',
    mode: 'read',
    what: 'network namespace setup or teardown',
    source: 'net/core/net_namespace.c cleanup_net, copy_net_ns (v4.16+)',
  },
  {
    fn: fnPattern('register_pernet_subsys|unregister_pernet_subsys|register_pernet_device|unregister_pernet_device'),
    lock: 'pernet_ops_rwsem',
    type: 'rwsem',
    mode: 'write',
    what: 'registering network namespace operations',
    source: 'net/core/net_namespace.c register_pernet_subsys, register_pernet_device and their unregister (v4.16+)',
  },
  // fs/jbd2/checkpoint.c __jbd2_log_wait_for_space (2.6.28+): a handle that finds the
  // journal short of space takes the journal's j_checkpoint_mutex (mutex_lock_io) and
  // checkpoints under it (jbd2_log_do_checkpoint, jbd2_cleanup_journal_tail): every buffer
  // it writes out and waits for (__wait_on_buffer, __flush_batch) is waited for with the
  // mutex held, so each later handle that runs short waits for the mutex. It drops the
  // mutex before its own jbd2_log_wait_commit; jbd2_log_do_checkpoint does the same since
  // 53cf97845732 (v5.0) and waited for the commit with it held before (the next row).
  {
    fn: fnPattern('__jbd2_log_wait_for_space|jbd2_log_do_checkpoint|jbd2_cleanup_journal_tail'),
    lock: '&journal->j_checkpoint_mutex',
    type: 'mutex',
    mode: 'write',
    perObject: true,
    notWhenCalling: /^(?:mutex_lock_io|mutex_lock|jbd2_log_wait_commit)$/,
    what: 'checkpointing the journal to free log space',
    source: 'fs/jbd2/checkpoint.c __jbd2_log_wait_for_space, jbd2_log_do_checkpoint (v2.6.28+)',
  },
  {
    fn: fnPattern('jbd2_log_do_checkpoint'),
    lock: '&journal->j_checkpoint_mutex',
    type: 'mutex',
    mode: 'write',
    perObject: true,
    before: [5, 0],
    beforeOrUnknown: true,
    what: 'checkpointing the journal to free log space',
    source: 'fs/jbd2/checkpoint.c jbd2_log_do_checkpoint (before 53cf97845732, v5.0)',
  },
  // drivers/md/dm-bufio.c dm_bufio_shrink_scan (v3.12-v5.8): dm_bufio_lock(c) (the
  // client's mutex c->lock) around __scan(), which evicts buffers and, with __GFP_FS,
  // writes dirty ones out and waits for them (__try_evict_buffer -> __make_buffer_clean ->
  // out_of_line_wait_on_bit): the lock is held across that I/O. dm_bufio_shrink_count
  // took the same lock before it counted (v3.12-v4.x). From v5.9 ("dm bufio: do buffer
  // cleanup from a workqueue") the scan runs in a work item instead.
  {
    fn: fnPattern('dm_bufio_shrink_scan'),
    lock: '&c->lock',
    type: 'mutex',
    mode: 'write',
    perObject: true,
    notWhenCalling: /^(?:dm_bufio_lock|mutex_lock|mutex_lock_nested)$/,
    before: [5, 9],
    beforeOrUnknown: true,
    what: "a dm-bufio client's shrinker",
    source: 'drivers/md/dm-bufio.c dm_bufio_shrink_scan (v3.12-v5.8)',
  },
  // __try_evict_buffer and __make_buffer_clean run with the client's lock held (every
  // caller holds it; dm_bufio_shrink_scan, __scan, the buffer allocation paths).
  {
    fn: fnPattern('__try_evict_buffer|__make_buffer_clean'),
    lock: '&c->lock',
    type: 'mutex',
    mode: 'write',
    perObject: true,
    what: 'a dm-bufio client evicting buffers',
    source: 'drivers/md/dm-bufio.c __try_evict_buffer, __make_buffer_clean (v3.12-v6.3)',
  },
  // XFS writes the superblock synchronously (label ioctl, growfs, quota changes) with its
  // buffer locked: xfs_trans_getsb locks it, xfs_trans_bhold keeps it locked across the
  // synchronous commit (a log force), and xfs_buf_relse drops it after.
  {
    fn: fnPattern('xfs_sync_sb_buf'),
    lock: 'xfs_buf.b_sema',
    type: 'semaphore',
    mode: 'write',
    perObject: true,
    since: [4, 18],
    what: 'a synchronous superblock write',
    source: 'fs/xfs/libxfs/xfs_sb.c xfs_sync_sb_buf (v4.18+)',
  },
  // Before 4.16 the same paths held the mutex net_mutex.
  {
    fn: fnPattern(
      'cleanup_net|copy_net_ns|register_pernet_subsys|unregister_pernet_subsys|register_pernet_device|unregister_pernet_device',
    ),
    lock: 'net_mutex',
    type: 'mutex',
    mode: 'write',
    before: [4, 16],
    what: 'network namespace setup, teardown or registration',
    source: 'net/core/net_namespace.c cleanup_net, copy_net_ns, register_pernet_* (before v4.16)',
  },
];

// The holders of the spinlocks knowledge/spin-lock-sites.ts knows by their functions.
for (const site of SPIN_LOCK_SITES)
  FRAME_HELD_LOCKS.push({
    fn: sitePattern(site.holders),
    lock: site.lock,
    type: 'spinlock',
    mode: 'write',
    ...(site.perObject ? { perObject: true } : {}),
    ...(site.sameInstance === 'likely' ? { unnested: true } : { selfGuess: true }),
    ...(site.notWhenCalling ? { notWhenCalling: site.notWhenCalling } : {}),
    what: site.what,
    source: site.source,
  });

const NONE: readonly FrameHeldLock[] = [];
const BY_FIRST = new RulesByFirstChar(FRAME_HELD_LOCKS, (r) => r.fn);

/** Rows for this function (a run asks each name once: knowledge/by-name.ts). */
export function frameHeldLocks(fn: string): readonly FrameHeldLock[] {
  const hit = BY_FIRST.for(fn).filter((r) => r.fn.test(fn));
  return hit.length ? hit : NONE;
}

/** The lock classes any row holds (to skip the search when no waiter wants one). */
export const FRAME_HELD_CLASSES: ReadonlySet<string> = new Set(FRAME_HELD_LOCKS.map((r) => r.lock));
