// The five seed captures (prose removed) the product must crack first: their key facts,
// asserted directly, plus a golden projection of the whole analysis.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from './analyze.js';
import type { AnalysisDocument } from './contract.js';
import { expectGolden, projectDocument } from './testing/golden.js';
import { adjacency, reachableFrom } from './testing/reach.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'seeds');
const load = (name: string): AnalysisDocument => analyze(readFileSync(join(dir, name), 'utf8'));

const reachable = (d: AnalysisDocument, from: string) => reachableFrom(adjacency(d.graph), from);

describe('seed 000: Xorg in drain_all_pages (arm64 /proc stack, no worker in the dump)', () => {
  const d = load('seed000.txt');
  it('reads pid 1458 from the cat command and its frames', () => {
    const t = d.tasks.find((x) => x.pid === 1458)!;
    expect(t.frames[0].fn).toBe('__switch_to');
    expect(t.frames.map((f) => f.fn)).toContain('drain_all_pages');
  });
  it('knows drain_all_pages flushes drain_local_pages_wq on mm_percpu_wq', () => {
    expect(reachable(d, 'task:1458').has('work:drain_local_pages_wq')).toBe(true);
    expect(d.works.find((w) => w.id === 'work:drain_local_pages_wq')?.workqueue).toBe('mm_percpu_wq');
  });
  it('says what to capture next', () => {
    const f = d.findings.find((x) => x.kind === 'missing_evidence')!;
    expect(f.nextSteps!.join(' ')).toMatch(/sysrq-trigger/);
  });
});

describe('seed 001: rmmod → events → kworker/1:2 → its own mutex', () => {
  const d = load('seed001.txt');
  it('merges ps, /proc stack and crash ps into one task each', () => {
    expect(d.tasks.filter((t) => t.pid === 4790)).toHaveLength(1);
    const k = d.tasks.find((t) => t.pid === 4790)!;
    expect(k).toMatchObject({ comm: 'kworker/1:2', state: 'D', taskAddr: 'ffff88003570de20' });
    expect(d.tasks.find((t) => t.pid === 31969)).toMatchObject({ comm: 'rmmod', state: 'D' });
  });
  it('ignores the grep process of `ps aux | grep`', () => {
    expect(d.tasks.some((t) => t.comm === 'grep')).toBe(false);
  });
  it('takes the owner from the struct mutex owner field, certainly', () => {
    const l = d.locks.find((x) => x.id === 'lock:ffff880035acf1e0')!;
    expect(l.owner).toBe('task:4790');
    expect(l.ownerConfidence).toBe('certain');
    expect(l.waiters).toEqual(['task:4790']);
  });
  it('finds the self-deadlock and the path from rmmod', () => {
    expect(d.findings[0].kind).toBe('self_deadlock');
    expect(reachable(d, 'task:31969').has('task:4790')).toBe(true);
    expect(d.graph.edges.find((e) => e.from === 'task:31969')).toMatchObject({ to: 'wq:events', kind: 'flushes' });
  });
  it('names pid, lock and frame in the verdict', () => {
    expect(d.verdict).toContain('4790');
    expect(d.verdict).toContain('ffff880035acf1e0');
    expect(d.verdict).toContain('ttm_eu_reserve_buffers');
  });
});

describe('seed 002: soft lockup in smp_call_function_many, vCPU 3 never answers', () => {
  const d = load('seed002.txt');
  it('is a soft lockup on cpu 2 of 3.10.0-693.el7', () => {
    expect(d.kind).toBe('soft_lockup');
    expect(d.kernel).toBe('3.10.0-693.el7.x86_64');
    expect(d.cpus.find((c) => c.cpu === 2)?.stuck).toBe(true);
  });
  it('waits for cpu 3 (csd flags 1, RCX) and not for cpu 1 (answered)', () => {
    const r = reachable(d, 'task:12263');
    expect(r.has('cpu:3')).toBe(true);
    expect(r.has('cpu:1')).toBe(false);
    expect(d.findings.find((f) => f.kind === 'ipi_stall')?.summary).toMatch(/cpu 3/);
  });
  it('sees cpu 3 idle with two runnable tasks: starved by the hypervisor', () => {
    const c = d.cpus.find((x) => x.cpu === 3)!;
    expect(c.idle).toBe(true);
    expect(c.runnable).toEqual(['task:30118', 'task:30121']);
    expect(reachable(d, 'cpu:3').has('external:hypervisor')).toBe(true);
  });
});

describe('seed 004: migrate_swap vs active_balance hard lockup', () => {
  const d = load('seed004.txt');
  it('is a hard lockup on cpu 1', () => {
    expect(d.kind).toBe('hard_lockup');
    expect(d.cpus.find((c) => c.cpu === 1)?.stuck).toBe(true);
  });
  it('reads the spinlock from RDI and finds its holder by stack search (likely)', () => {
    const l = d.locks.find((x) => x.id === 'lock:ffff8f1afdf55fe8')!;
    expect(l.type).toBe('spinlock');
    expect(l.owner).toBe('task:355608');
    expect(l.ownerConfidence).toBe('likely');
  });
  it('closes the cycle through try_to_wake_up on migration/1', () => {
    expect(d.graph.edges.find((e) => e.from === 'task:355608' && e.to === 'task:14')?.kind).toBe('wakes');
    expect(d.findings[0].kind).toBe('deadlock_cycle');
  });
  it('matches the known upstream fix', () => {
    expect(d.findings.some((f) => f.kind === 'known_issue' && f.knownIssue?.fixes.includes('0b26351b910f'))).toBe(true);
  });
});

describe('golden projections of every seed', () => {
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.txt'))) {
    it(f, () => expectGolden(projectDocument(load(f)), join(dir, f.replace(/\.txt$/, '.golden.json'))));
  }
});
