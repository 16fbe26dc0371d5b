import { describe, expect, it } from 'vitest';
import type { GraphEdge } from '../contract.js';
import { idleHeldLock, waitedOn } from './waited-on.js';

const edge = (from: string, kind: GraphEdge['kind'], to: string): GraphEdge => ({
  from,
  to,
  kind,
  confidence: 'certain',
  why: '',
  evidence: [],
});

describe('waitedOn', () => {
  it('does not count the holder of a lock nobody waits for as waited on', () => {
    const edges = [edge('lock:a', 'held_by', 'task:1'), edge('task:1', 'waits_lock', 'lock:b')];
    const w = waitedOn(edges);
    expect(w.has('task:1')).toBe(false);
    expect(w.has('lock:b')).toBe(true);
    expect(idleHeldLock(edges[0], w)).toBe(true);
  });

  it('counts the holder of a lock somebody waits for', () => {
    const edges = [edge('task:2', 'waits_lock', 'lock:a'), edge('lock:a', 'held_by', 'task:1')];
    const w = waitedOn(edges);
    expect(w.has('task:1')).toBe(true);
    expect(idleHeldLock(edges[1], w)).toBe(false);
  });
});
