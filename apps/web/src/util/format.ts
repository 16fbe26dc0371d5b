export function formatBytes(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export const KIND_LABELS: Record<string, string> = {
  hung_task: 'hung task',
  soft_lockup: 'soft lockup',
  hard_lockup: 'hard lockup',
  rcu_stall: 'RCU stall',
  deadlock: 'lockdep deadlock',
  workqueue_lockup: 'workqueue lockup',
  blocked_tasks: 'blocked tasks',
  unknown: 'unknown',
};

export function kindLabel(kind: string | null | undefined): string {
  return (kind && KIND_LABELS[kind]) || kind || 'unknown';
}
