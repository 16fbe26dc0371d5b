// Which locks a stack's own frames hold: holding frames, and frames still acquiring.
import { describe, expect, it } from 'vitest';
import { UNCACHED } from '../../knowledge/by-name.js';
import type { StackFrame } from '../../parse/records.js';
import { locksHeldByFrames } from './frame-held.js';

/** Frames innermost first; a leading `?` marks an unreliable frame. */
const stack = (...fns: string[]): StackFrame[] =>
  fns.map((s) => ({
    fn: s.replace(/^\? /, ''),
    offset: null,
    size: null,
    module: null,
    addr: null,
    reliable: !s.startsWith('? '),
  }));

const held = (...fns: string[]) =>
  locksHeldByFrames(stack(...fns), UNCACHED).map((h) => `${h.row.lock}@${fns[h.index]}`);

describe('locksHeldByFrames', () => {
  it('an outer rtnetlink_rcv_msg holds rtnl_mutex while a driver below takes it again', () => {
    expect(
      held(
        '__schedule',
        'schedule',
        '__mutex_lock.isra.0',
        'mutex_lock',
        'rtnl_lock',
        'igb_resume',
        '? pci_pm_default_resume',
        'igb_runtime_resume',
        '__dev_open',
        'do_setlink',
        'rtnetlink_rcv_msg',
        'netlink_rcv_skb',
      ),
    ).toEqual(['rtnl_mutex@rtnetlink_rcv_msg']);
  });

  it('rtnetlink_rcv_msg blocked in its own rtnl_lock is acquiring it, not holding it', () => {
    expect(held('__schedule', 'schedule', 'mutex_lock', 'rtnl_lock', 'rtnetlink_rcv_msg', 'netlink_rcv_skb')).toEqual(
      [],
    );
  });

  it('a dump or an unlocked GET handler under rtnetlink_rcv_msg runs without rtnl', () => {
    expect(
      held(
        'schedule',
        'mutex_lock',
        'rtnl_lock',
        'foo_dump',
        'netlink_dump',
        '__netlink_dump_start',
        'rtnetlink_rcv_msg',
      ),
    ).toEqual([]);
    expect(held('schedule', 'mutex_lock', 'rtnl_lock', 'dev_get_by_name', 'rtnl_getlink', 'rtnetlink_rcv_msg')).toEqual(
      [],
    );
  });

  it('a fault path still taking the mmap_lock holds nothing, outer fault frames included', () => {
    // x86 before 5.8: do_page_fault → __do_page_fault → down_read.
    expect(
      held(
        'schedule',
        'rwsem_down_read_failed',
        'call_rwsem_down_read_failed',
        '__do_page_fault',
        'do_page_fault',
        'page_fault',
      ),
    ).toEqual([]);
    // arm64: do_mem_abort → do_translation_fault → do_page_fault → down_read.
    expect(
      held(
        'schedule',
        'rwsem_down_read_slowpath',
        'down_read',
        'do_page_fault',
        'do_translation_fault',
        'do_mem_abort',
        'el0_da',
      ),
    ).toEqual([]);
    // 6.x: do_user_addr_fault → lock_mm_and_find_vma (inline mmap_read_lock).
    expect(
      held(
        'schedule',
        'rwsem_down_read_slowpath',
        'down_read_killable',
        'lock_mm_and_find_vma',
        'do_user_addr_fault',
        'exc_page_fault',
      ),
    ).toEqual([]);
  });

  it('a fault that got past the mmap_lock holds it for read', () => {
    expect(
      held(
        '_spin_lock_irq',
        'lru_add_drain',
        'alloc_pages_vma',
        'handle_mm_fault',
        '__do_page_fault',
        'do_page_fault',
        'page_fault',
      ),
    ).toEqual(['mmap_lock@__do_page_fault']);
  });

  it('pci_walk_bus holds pci_bus_sem while its callback waits; blocked in down_read it does not', () => {
    expect(held('schedule', 'mutex_lock', 'report_resume', 'pci_walk_bus', 'pcie_do_recovery')).toEqual([
      'pci_bus_sem@pci_walk_bus',
    ]);
    expect(held('schedule', 'rwsem_down_read_failed', 'down_read', 'pci_walk_bus', 'pcie_do_recovery')).toEqual([]);
  });

  it('an unreliable (?) frame holds nothing: it may be a stale word', () => {
    expect(held('schedule', 'mutex_lock', 'rtnl_lock', 'foo', '? rtnetlink_rcv_msg', 'netlink_rcv_skb')).toEqual([]);
  });

  it('one entry per lock class, the innermost holding frame', () => {
    expect(
      held(
        'schedule',
        'mutex_lock',
        'rtnl_lock',
        'igb_resume',
        '__dev_open',
        'do_setlink',
        '__rtnl_newlink',
        'rtnl_newlink',
        'rtnetlink_rcv_msg',
      ),
    ).toEqual(['rtnl_mutex@__rtnl_newlink']);
  });

  it('interrupt frames are not the task’s own context', () => {
    const s = stack('schedule', 'mutex_lock', 'rtnl_lock', 'linkwatch_event', 'foo');
    const irq = s.map((f, k) => (k === 3 ? { ...f, context: 'irq' as const } : f));
    expect(locksHeldByFrames(irq, UNCACHED)).toEqual([]);
  });
  it('a network device ioctl holds rtnl under dev_ioctl and dev_ethtool, not before it takes it', () => {
    // 3.10: dev_ioctl → dev_ethtool (under rtnl) → the driver's ethtool op waits for its own mutex
    expect(
      held(
        'schedule',
        '__mutex_lock_slowpath',
        'mutex_lock',
        'e1000_release_eeprom',
        'ethtool_get_eeprom',
        'dev_ethtool',
        'dev_ioctl',
      ),
    ).toEqual(['rtnl_mutex@dev_ethtool']);
    // dev_ifsioc inlined into dev_ioctl: the driver's ioctl runs under rtnl
    expect(held('schedule', 'msleep', 'foo_siocdevprivate', 'dev_ioctl', 'sock_ioctl')).toEqual([
      'rtnl_mutex@dev_ioctl',
    ]);
    // 6.x: dev_ethtool resumes the parent device before it takes rtnl
    expect(held('schedule', 'rpm_resume', '__pm_runtime_resume', 'dev_ethtool', 'dev_ioctl')).toEqual([]);
    // blocked in dev_ioctl's own rtnl_lock: acquiring
    expect(held('schedule', '__mutex_lock.constprop.0', 'rtnl_lock', 'dev_ioctl', 'sock_do_ioctl')).toEqual([]);
  });

  it('a cgroup.procs write holds cgroup_mutex while it waits for the threadgroup rwsem; mkdir waiting for it does not', () => {
    expect(
      held(
        'schedule',
        'percpu_rwsem_wait',
        '__percpu_down_write',
        'cgroup_procs_write_start',
        '__cgroup_procs_write',
        'cgroup_procs_write',
        'kernfs_fop_write_iter',
      ),
    ).toEqual(['cgroup_mutex@cgroup_procs_write_start']);
    expect(held('schedule', '__mutex_lock.isra.0', 'cgroup_kn_lock_live', 'cgroup_mkdir', 'kernfs_iop_mkdir')).toEqual(
      [],
    );
    // before 3.15 cgroup_create took the mutex itself: its caller does not hold it yet
    // (vfs_mkdir holds the parent directory's i_rwsem all along)
    expect(
      held('schedule', '__mutex_lock_slowpath', 'mutex_lock', 'cgroup_create', 'cgroup_mkdir', 'vfs_mkdir'),
    ).toEqual(['i_rwsem@vfs_mkdir']);
  });

  it('opening a block device holds its open mutex across the partition rescan', () => {
    expect(
      held(
        'schedule',
        'io_schedule',
        '__lock_page',
        'read_dev_sector',
        'rescan_partitions',
        '__blkdev_get',
        'blkdev_get',
        'blkdev_open',
      ),
    ).toEqual(['disk->open_mutex@rescan_partitions']);
    expect(held('schedule', '__mutex_lock_slowpath', 'mutex_lock', 'blkdev_put', 'blkdev_close', '__fput')).toEqual([]);
  });
  it('f2fs garbage collection holds the gc_lock its caller took', () => {
    expect(
      held(
        'schedule',
        'io_schedule',
        'folio_wait_bit_common',
        '__filemap_get_folio',
        'f2fs_get_read_data_page',
        'f2fs_gc',
        'f2fs_balance_fs',
      ),
    ).toEqual(['sbi->gc_lock@f2fs_gc']);
    expect(held('schedule', 'rwbase_write_lock', 'down_write', 'f2fs_balance_fs', 'f2fs_write_inode')).toEqual([]);
  });
  it('whole-filesystem writeback holds s_umount for read; unmount holds it for write once taken', () => {
    expect(
      held('schedule', 'wb_wait_for_completion', 'sync_inodes_sb', 'sync_inodes_one_sb', 'iterate_supers', 'ksys_sync'),
    ).toEqual(['sb->s_umount@sync_inodes_sb']);
    expect(held('schedule', 'rwsem_down_read_slowpath', 'down_read', 'iterate_supers', 'ksys_sync')).toEqual([]);
    expect(
      held(
        'schedule',
        'xlog_wait',
        'xfs_log_unmount',
        'xfs_unmountfs',
        'xfs_fs_put_super',
        'generic_shutdown_super',
        'kill_block_super',
        'deactivate_locked_super',
        'deactivate_super',
      ),
    ).toEqual(['sb->s_umount@generic_shutdown_super']);
  });

  it("the mm's writers hold its mmap_lock for write once taken; a remote reader holds it for read", () => {
    expect(
      held('schedule', 'rwsem_down_write_slowpath', 'down_write', 'unlink_file_vma', 'free_pgtables', 'vm_mmap_pgoff'),
    ).toEqual(['mmap_lock@vm_mmap_pgoff']);
    expect(
      held('schedule', 'rwsem_down_write_slowpath', 'down_write_killable', 'vm_mmap_pgoff', 'ksys_mmap_pgoff'),
    ).toEqual([]);
    expect(
      held('schedule', 'folio_wait_bit_common', '__get_user_pages', '__access_remote_vm', 'proc_pid_cmdline_read'),
    ).toEqual(['mmap_lock@__access_remote_vm']);
  });

  it('rcu_barrier holds its barrier mutex while it waits for the callbacks, not while it takes it', () => {
    expect(held('schedule', 'schedule_timeout', 'wait_for_completion', 'rcu_barrier', 'kmem_cache_destroy')).toEqual([
      'rcu_state.barrier_mutex@rcu_barrier',
    ]);
    expect(held('schedule', '__mutex_lock', 'mutex_lock', 'rcu_barrier', 'kmem_cache_destroy')).toEqual([]);
    expect(held('schedule', '__mutex_lock', 'mutex_lock', 'exp_funnel_lock', 'synchronize_rcu_expedited')).toEqual([]);
    expect(held('schedule', 'synchronize_rcu_expedited', 'synchronize_net')).toEqual([
      'rcu_state.exp_mutex@synchronize_rcu_expedited',
    ]);
  });
});

describe('locksHeldByFrames: locks held across a slow operation', () => {
  it('cma_alloc holds cma_mutex while it migrates, not while it takes it or sleeps between tries', () => {
    expect(
      held('schedule', 'io_schedule', 'wait_on_page_bit', 'migrate_pages', 'alloc_contig_range', 'cma_alloc'),
    ).toEqual(['cma_mutex@cma_alloc']);
    expect(held('schedule', '__mutex_lock_slowpath', 'mutex_lock', 'cma_alloc', 'dma_alloc_from_contiguous')).toEqual(
      [],
    );
    expect(held('schedule', 'schedule_timeout', 'msleep', 'cma_alloc')).toEqual([]);
  });

  it("i2c_transfer holds its adapter's bus lock across __i2c_transfer, not while it takes it", () => {
    expect(held('schedule_timeout', 'i2c_imx_trx_complete', 'i2c_imx_xfer', '__i2c_transfer', 'i2c_transfer')).toEqual([
      'i2c_register_adapter@i2c_transfer',
    ]);
    expect(held('__rt_mutex_slowlock', 'rt_mutex_lock_nested', 'i2c_adapter_lock_bus', 'i2c_transfer')).toEqual([]);
  });

  it("a vfat directory operation holds the filesystem's s_lock below its own mutex_lock", () => {
    expect(held('io_schedule', '__wait_on_bit_lock', 'fat_mirror_bhs', 'fat_alloc_clusters', 'vfat_mkdir')).toEqual([
      '&sbi->s_lock@vfat_mkdir',
    ]);
    // Taking it, vfat_mkdir holds nothing yet; vfs_mkdir above holds the parent's i_rwsem.
    expect(held('schedule', 'mutex_lock', 'vfat_mkdir', 'vfs_mkdir')).toEqual(['i_rwsem@vfs_mkdir']);
  });
});
