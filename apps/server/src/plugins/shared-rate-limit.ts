// A store for @fastify/rate-limit that counts in the database every server shares
// (SharedCounters: PostgreSQL), so that N servers behind a proxy allow a client the
// configured rate, not N times it. The plugin's own store counts in this process.
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { SharedCounters } from '../store/types.js';

/** The store class the plugin's `store` option takes (it calls `new Store(options)`). */
export function sharedRateLimitStore(counters: SharedCounters): FastifyRateLimitStoreCtor {
  class SharedRateLimitStore implements FastifyRateLimitStore {
    /** Each route counts apart, as in the plugin's own stores: method and URL before the key. */
    constructor(
      _options: unknown,
      private readonly prefix = 'rl:',
    ) {}

    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ): void {
      counters.hit(this.prefix + key, timeWindow).then(
        (r) => callback(null, { current: r.count, ttl: r.ttlMs }),
        (err: Error) => callback(err),
      );
    }

    child(routeOptions: object): FastifyRateLimitStore {
      // The plugin passes the route's merged options with `routeInfo` (its own stores key on it).
      const route = (routeOptions as { routeInfo?: { method?: string; url?: string } }).routeInfo;
      return new SharedRateLimitStore(routeOptions, `${this.prefix}${route?.method ?? ''}${route?.url ?? ''}-`);
    }
  }
  return SharedRateLimitStore;
}
