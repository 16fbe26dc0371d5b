// Well-known workqueues and whether their workers are per-CPU (`kworker/N:M`) or
// unbound (`kworker/uN:M`). Sources: kernel/workqueue.c workqueue_init_early,
// mm/vmstat.c (mm_percpu_wq), block/blk-core.c (kblockd), mm/backing-dev.c (writeback).

export interface WorkqueueInfo {
  name: string;
  bound: boolean;
  /** The C symbol people know it by. */
  symbol: string;
}

export const WORKQUEUES: WorkqueueInfo[] = [
  { name: 'events', bound: true, symbol: 'system_wq' },
  { name: 'events_highpri', bound: true, symbol: 'system_highpri_wq' },
  { name: 'events_long', bound: true, symbol: 'system_long_wq' },
  { name: 'events_unbound', bound: false, symbol: 'system_unbound_wq' },
  { name: 'events_freezable', bound: true, symbol: 'system_freezable_wq' },
  { name: 'events_power_efficient', bound: true, symbol: 'system_power_efficient_wq' },
  { name: 'events_freezable_power_efficient', bound: true, symbol: 'system_freezable_power_efficient_wq' },
  { name: 'mm_percpu_wq', bound: true, symbol: 'mm_percpu_wq' },
  { name: 'kblockd', bound: true, symbol: 'kblockd_workqueue' },
  { name: 'writeback', bound: false, symbol: 'bdi_wq' },
  { name: 'rcu_gp', bound: true, symbol: 'rcu_gp_wq' },
];

export function workqueueInfo(name: string): WorkqueueInfo | undefined {
  return WORKQUEUES.find((w) => w.name === name);
}

/** `kworker/1:2` / `kworker/1:2H` are bound to CPU 1; `kworker/u8:0` is unbound. */
export function kworkerKind(comm: string | null): { bound: boolean; cpu: number | null } | null {
  if (!comm) return null;
  const m = /^kworker\/(u?)(\d{1,5}):\d{1,6}H?(?:-.*)?$/.exec(comm);
  if (!m) return null;
  return { bound: m[1] === '', cpu: m[1] === '' ? Number(m[2]) : null };
}

/**
 * Seconds a worker pool may make no progress before the workqueue watchdog reports it
 * (`workqueue.watchdog_thresh`, default 30: kernel/workqueue.c wq_watchdog_thresh). A
 * `pool N: … hung=Ns` line of a busy-workqueue dump at or past it is a stuck pool.
 */
export const WQ_WATCHDOG_THRESH_S = 30;
