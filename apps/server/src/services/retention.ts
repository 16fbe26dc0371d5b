// Retention: incidents older than N days go, unless pinned (HANGSCOPE_RETENTION_DAYS).
import type { IncidentStore } from '../store/types.js';

const DAY_MS = 86_400_000;

/** Delete every unpinned incident created more than `days` days before `now`; their ids. */
export async function applyRetention(store: IncidentStore, days: number, now = Date.now()): Promise<string[]> {
  if (!(days > 0)) return [];
  return store.deleteUnpinnedBefore(new Date(now - days * DAY_MS).toISOString());
}

/**
 * Run retention now and then every `everyMs` until stopped. Deleting is one transaction
 * per pass (a few ms per incident), so it runs on the event loop like any write.
 */
export function scheduleRetention(
  store: IncidentStore,
  days: number,
  log: { info: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void },
  onDeleted: (ids: string[]) => void,
  everyMs = 3600_000,
): () => void {
  let stopped = false;
  const pass = () => {
    if (stopped) return;
    applyRetention(store, days).then(
      (ids) => {
        if (ids.length) {
          onDeleted(ids);
          log.info({ deleted: ids.length, days }, 'retention: incidents deleted');
        }
      },
      (err: unknown) => log.error({ err }, 'retention pass failed'),
    );
  };
  pass();
  const timer = setInterval(pass, everyMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
