// A per-client quota of stored bytes per day (UTC): without it one client could add
// gigabytes a minute to the database within the write rate limit (issue 17). A client is
// clientKey (plugins/external.ts): the token it signed in with, else `request.ip`.
// Counted in memory: a restart forgets the day's counts (the quota bounds growth, it is
// not an accounting record). Several servers on one PostgreSQL database count in it
// instead (SharedDailyQuota), so a client cannot store N quotas a day through N servers.
import type { SharedCounters } from '../store/types.js';

/** What the upload route asks of a quota, in memory or shared. */
export interface Quota {
  readonly bytesPerDay: number;
  /** Seconds until the quota of `client` has room for `bytes` more (0: it has now). */
  waitFor(client: string, bytes: number, now?: Date): number | Promise<number>;
  /** Count `bytes` stored for `client`. */
  add(client: string, bytes: number, now?: Date): void | Promise<void>;
}

function untilMidnight(now: Date): number {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((midnight - now.getTime()) / 1000));
}

export class DailyQuota implements Quota {
  private day = '';
  private used = new Map<string, number>();

  constructor(readonly bytesPerDay: number) {}

  private roll(now: Date): void {
    const day = now.toISOString().slice(0, 10);
    if (day !== this.day) {
      this.day = day;
      this.used = new Map();
    }
  }

  /** Seconds until the quota of `client` has room for `bytes` more (0: it has now). */
  waitFor(client: string, bytes: number, now = new Date()): number {
    this.roll(now);
    if ((this.used.get(client) ?? 0) + bytes <= this.bytesPerDay) return 0;
    return untilMidnight(now);
  }

  /** Count `bytes` stored for `client`. */
  add(client: string, bytes: number, now = new Date()): void {
    this.roll(now);
    this.used.set(client, (this.used.get(client) ?? 0) + bytes);
  }

  usedBy(client: string, now = new Date()): number {
    this.roll(now);
    return this.used.get(client) ?? 0;
  }
}

/** The daily quota counted in the database every server shares (the store's counters). */
export class SharedDailyQuota implements Quota {
  constructor(
    readonly bytesPerDay: number,
    private readonly counters: SharedCounters,
  ) {}

  async waitFor(client: string, bytes: number, now = new Date()): Promise<number> {
    const used = await this.counters.quotaUsed(now.toISOString().slice(0, 10), client);
    return used + bytes <= this.bytesPerDay ? 0 : untilMidnight(now);
  }

  async add(client: string, bytes: number, now = new Date()): Promise<void> {
    await this.counters.quotaAdd(now.toISOString().slice(0, 10), client, bytes);
  }
}
