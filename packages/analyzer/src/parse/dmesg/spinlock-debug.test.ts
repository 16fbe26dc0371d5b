import { describe, expect, it } from 'vitest';
import { analyze } from '../../analyze.js';

describe('CONFIG_DEBUG_SPINLOCK lockup report', () => {
  it('is a task spinning on a stuck CPU for a lock whose .owner field names its holder', () => {
    const doc = analyze(
      ' BUG: spinlock lockup suspected on CPU#0, namex/10450\n lock: 0xffff881ffe823980, .magic: dead4ead, .owner: namexx/21888, .owner_cpu: 1\n',
    );
    expect(doc.kind).toBe('soft_lockup');
    expect(doc.cpus.find((c) => c.cpu === 0)).toMatchObject({ stuck: true, current: 'task:10450' });
    expect(doc.tasks.find((t) => t.pid === 21888)).toMatchObject({ comm: 'namexx', cpu: 1 });
    const edges = doc.graph.edges.map((e) => `${e.from} -${e.kind}/${e.confidence}-> ${e.to}`);
    expect(edges).toEqual(
      expect.arrayContaining([
        'task:10450 -waits_lock/certain-> lock:ffff881ffe823980',
        'lock:ffff881ffe823980 -held_by/certain-> task:21888',
      ]),
    );
  });
});
