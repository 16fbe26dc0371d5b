// Which srcu_struct a synchronize_srcu() caller waits on, by the caller's function.
// synchronize_srcu(ssp) waits until every read-side section of that srcu_struct that
// started before it ends: a task that holds the read side (srcu_read_lock, shown by
// lockdep as a held lock of the srcu_struct's class, `(&md->io_barrier){....}-{0:0}`)
// is what the caller waits for. lockdep names the class after the expression passed to
// init_srcu_struct() (`&md->io_barrier`), or the variable of DEFINE_SRCU (`console_srcu`).

export interface SrcuSyncSite {
  /** The function that calls synchronize_srcu / synchronize_srcu_expedited. */
  caller: RegExp;
  /** lockdep's class names of the srcu_struct it passes (renamed across versions). */
  classes: readonly string[];
  /** Kernel source and versions. */
  source: string;
}

export const SRCU_SYNC_SITES: readonly SrcuSyncSite[] = [
  {
    caller: /^(?:__dm_suspend|dm_sync_table|__dm_destroy)$/,
    classes: ['&md->io_barrier'],
    source:
      'drivers/md/dm.c: __dm_suspend and dm_sync_table call synchronize_srcu(&md->io_barrier), the read side taken by dm_get_live_table (3.13+)',
  },
  {
    caller:
      /^(?:kvm_swap_active_memslots|install_new_memslots|kvm_set_memslot|__kvm_set_memory_region|kvm_io_bus_register_dev|kvm_io_bus_unregister_dev)$/,
    classes: ['&kvm->srcu'],
    source:
      'virt/kvm/kvm_main.c: memslot and io-bus updates call synchronize_srcu_expedited(&kvm->srcu), the read side held across vcpu runs (kvm_vcpu_ioctl, 3.x+)',
  },
  {
    caller:
      /^(?:irqfd_resampler_shutdown|irqfd_shutdown|kvm_irq_routing_update|kvm_set_irq_routing|kvm_irqfd_release)$/,
    classes: ['&kvm->irq_srcu'],
    source: 'virt/kvm/eventfd.c, irqchip.c: synchronize_srcu(&kvm->irq_srcu) (3.15+)',
  },
  {
    caller: /^(?:blk_mq_wait_quiesce_done|blk_mq_quiesce_queue|blk_mq_quiesce_tagset)$/,
    classes: ['set->srcu', 'q->srcu', 'hctx->srcu'],
    source:
      'block/blk-mq.c: quiescing a BLK_MQ_F_BLOCKING queue calls synchronize_srcu on the read side hctx_lock/blk_mq_run_dispatch_ops take (hctx->srcu 4.10-5.x, q->srcu 6.0-6.1, set->srcu 6.2+)',
  },
  {
    caller: /^(?:fsnotify_mark_destroy_workfn|fsnotify_connector_destroy_workfn|fsnotify_mark_destroy)$/,
    classes: ['fsnotify_mark_srcu'],
    source: 'fs/notify/mark.c: synchronize_srcu(&fsnotify_mark_srcu) before freeing marks (3.x+)',
  },
  {
    caller: /^(?:unregister_console_locked|unregister_console|console_stop)$/,
    classes: ['console_srcu'],
    source: 'kernel/printk/printk.c: synchronize_srcu(&console_srcu) (6.2+)',
  },
  {
    caller: /^(?:dquot_disable|dquot_quota_off)$/,
    classes: ['dquot_srcu'],
    source: 'fs/quota/dquot.c: dquot_disable waits with synchronize_srcu(&dquot_srcu) (3.x+)',
  },
  {
    caller: /^srcu_notifier_chain_unregister$/,
    classes: ['&nh->srcu'],
    source: 'kernel/notifier.c: srcu_notifier_chain_unregister calls synchronize_srcu(&nh->srcu)',
  },
];

/** The synchronize_srcu frames of the wait (kernel/rcu/srcutree.c, srcutiny.c). */
export const SRCU_SYNC_FN = /^(?:__synchronize_srcu|synchronize_srcu(?:_expedited)?)(?:\.part\.\d+)?$/;

export function srcuSyncSite(fn: string): SrcuSyncSite | undefined {
  return SRCU_SYNC_SITES.find((s) => s.caller.test(fn));
}
