// Known-issue table: every entry must match a realistic dump of its bug and must not
// match a near miss from the same area. Fixtures: fixtures/known-issues/<id>.{match,nomatch}.txt
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyze } from '../analyze.js';
import { KNOWN_ISSUES, type KnownIssue } from '../knowledge/known-issues.js';
import type { ModelTask } from '../model/build.js';
import { assignStacks, matchKnownIssues, plainFn } from './known-issues.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/known-issues');
const load = (name: string) => readFileSync(join(dir, name), 'utf8');

function knownIds(text: string): string[] {
  return analyze(text)
    .findings.filter((f) => f.kind === 'known_issue')
    .map((f) => (f as { knownIssue: { id: string } }).knownIssue.id);
}

describe('known-issues table', () => {
  it('has at least 22 entries with unique ids', () => {
    expect(KNOWN_ISSUES.length).toBeGreaterThanOrEqual(22);
    expect(new Set(KNOWN_ISSUES.map((i) => i.id)).size).toBe(KNOWN_ISSUES.length);
  });

  for (const issue of KNOWN_ISSUES) {
    it(`${issue.id}: cites fixes, a mitigation, links and signatures`, () => {
      expect(issue.fixes.length).toBeGreaterThanOrEqual(1);
      for (const f of issue.fixes) expect(f).toMatch(/^[0-9a-f]{12,40}$/);
      expect(issue.title.length).toBeGreaterThan(10);
      expect(issue.explanation.length).toBeGreaterThan(80);
      expect(issue.mitigation.trim().length).toBeGreaterThan(10);
      expect(issue.links?.length ?? 0).toBeGreaterThanOrEqual(1);
      for (const l of issue.links ?? []) expect(l).toMatch(/^https?:\/\//);
      expect(issue.links!.some((l) => issue.fixes.some((f) => l.includes(f)))).toBe(true);
      expect(issue.signatures.length).toBeGreaterThanOrEqual(1);
      for (const s of issue.signatures) expect(s.frames.length).toBeGreaterThanOrEqual(2);
    });
  }
});

describe('known-issues fixtures', () => {
  for (const issue of KNOWN_ISSUES) {
    const match = `${issue.id}.match.txt`;
    const nomatch = `${issue.id}.nomatch.txt`;

    it(`${issue.id}: has both fixtures`, () => {
      expect(existsSync(join(dir, match))).toBe(true);
      expect(existsSync(join(dir, nomatch))).toBe(true);
    });

    it(`${issue.id}: matches its bug`, () => {
      const doc = analyze(load(match));
      const hit = doc.findings.find((f) => f.kind === 'known_issue' && f.knownIssue?.id === issue.id);
      expect(hit, `kind=${doc.kind}, known=${knownIds(load(match)).join(',')}`).toBeDefined();
      expect(hit!.knownIssue!.fixes).toEqual(issue.fixes);
      expect(hit!.knownIssue!.mitigation).toBe(issue.mitigation);
      expect(hit!.nodes.length).toBe(issue.signatures.length);
    });

    it(`${issue.id}: does not match a near miss`, () => {
      expect(knownIds(load(nomatch))).not.toContain(issue.id);
    });
  }

  it('near misses and matches of other entries do not cross-match', () => {
    for (const issue of KNOWN_ISSUES) {
      const ids = knownIds(load(`${issue.id}.match.txt`));
      expect(
        ids.filter((id) => id !== issue.id),
        issue.id,
      ).toEqual([]);
    }
  });
});

describe('known-issues matching engine', () => {
  const task = (pid: number, fns: string[], onCpu = false): ModelTask =>
    ({
      id: `task:${pid}`,
      pid,
      comm: `t${pid}`,
      state: 'D',
      cpu: null,
      taskAddr: null,
      frames: fns.map((fn, i) => ({
        fn,
        offset: '0x10',
        size: '0x40',
        module: null,
        addr: null,
        reliable: true,
        line: i + 1,
      })),
      registers: null,
      stackWords: [],
      workqueue: null,
      blockedSeconds: null,
      onCpu,
      idle: false,
      evidence: [{ line: pid, endLine: pid }],
      formats: new Set(),
      framesSpan: null,
    }) as unknown as ModelTask;
  const issue = (signatures: KnownIssue['signatures']): KnownIssue => ({
    id: 'test-issue',
    title: 'test: an issue for the engine',
    explanation: 'x'.repeat(90),
    fixes: ['0123456789ab'],
    mitigation: 'upgrade the kernel',
    signatures,
  });
  const ids = (tasks: ModelTask[], i: KnownIssue) => matchKnownIssues(tasks, 'hung_task', [i]).map((f) => f.nodes);

  it('strips compiler suffixes, chained ones too', () => {
    expect(plainFn('__flush_work.isra.0')).toBe('__flush_work');
    expect(plainFn('mutex_lock.constprop.12')).toBe('mutex_lock');
    expect(plainFn('foo.part.3.cold')).toBe('foo');
    expect(plainFn('bar.cold')).toBe('bar');
    expect(plainFn('baz.llvm.1234567890123')).toBe('baz');
    expect(plainFn('qux.constprop.0.isra.0')).toBe('qux');
    expect(plainFn('cold')).toBe('cold');
    expect(plainFn('d_lookup')).toBe('d_lookup');
  });

  it('plain signature names match suffixed frames (index and matcher)', () => {
    const i = issue([{ frames: ['__flush_work', 'cpuset_write_resmask'] }]);
    expect(ids([task(1, ['schedule', '__flush_work.isra.0', 'cpuset_write_resmask.cold'])], i)).toEqual([['task:1']]);
    expect(
      ids([task(1, ['schedule', '__flush_work.constprop.0.isra.0', 'cpuset_write_resmask.llvm.4711'])], i),
    ).toEqual([['task:1']]);
    expect(ids([task(1, ['schedule', '__flush_workx', 'cpuset_write_resmask'])], i)).toEqual([]);
    const re = issue([{ frames: [/^(?:__)?flush_work$/, 'cpuset_write_resmask'] }]);
    expect(ids([task(2, ['__flush_work.isra.3', 'cpuset_write_resmask.part.0'])], re)).toEqual([['task:2']]);
  });

  it("finds a signature without literal names where its first pattern matches, given the run's names or not", () => {
    const i = issue([{ frames: [/^blk_(?:mq_)?freeze_queue_wait$/, /^blk_(?:mq_)?freeze_queue$/] }]);
    const tasks = [
      task(1, ['schedule', 'blk_mq_freeze_queue_wait.isra.0', 'blk_freeze_queue', 'elevator_switch']),
      task(2, ['schedule', 'blk_mq_freeze_queue_wait', 'elevator_switch']),
      task(3, ['schedule', 'io_schedule']),
    ];
    const names = new Set(tasks.flatMap((t) => t.frames.map((f) => f.fn)));
    expect(ids(tasks, i)).toEqual([['task:1']]);
    expect(matchKnownIssues(tasks, 'hung_task', [i], names).map((f) => f.nodes)).toEqual([['task:1']]);
    // The run's names are what the tasks hold: without the first pattern's name, no stack is tried.
    names.delete('blk_mq_freeze_queue_wait.isra.0');
    expect(matchKnownIssues(tasks, 'hung_task', [i], names)).toEqual([]);
  });

  it('backtracks: a stack fitting two signatures does not hide a real match', () => {
    // Task 1 satisfies both signatures; task 2 only the first. Greedy (sig A → task 1)
    // would leave B without a stack.
    const i = issue([{ frames: ['mutex_lock', 'a_path'] }, { frames: ['mutex_lock', 'b_path'] }]);
    const both = task(1, ['mutex_lock', 'a_path', 'b_path']);
    const onlyA = task(2, ['mutex_lock', 'a_path']);
    expect(ids([both, onlyA], i)).toEqual([['task:2', 'task:1']]);
    expect(ids([onlyA, both], i)).toEqual([['task:2', 'task:1']]);
    // One stack cannot satisfy two signatures on its own.
    expect(ids([both], i)).toEqual([]);
  });

  it('three signatures needing a chain of reassignments', () => {
    const i = issue([{ frames: ['x', 'p'] }, { frames: ['x', 'q'] }, { frames: ['x', 'r'] }]);
    const pq = task(1, ['x', 'p', 'q']);
    const qr = task(2, ['x', 'q', 'r']);
    const r = task(3, ['x', 'r']);
    expect(ids([pq, qr, r], i)[0].sort()).toEqual(['task:1', 'task:2', 'task:3']);
    expect(ids([pq, qr], i)).toEqual([]);
  });

  it('finds the match among 50,000 tasks sharing the common frames (speed is measured by bench/, not here)', () => {
    const tasks: ModelTask[] = [];
    for (let p = 1; p <= 50_000; p++)
      tasks.push(task(p, ['__schedule', 'schedule', 'mutex_lock', 'a_path', 'b_path', 'do_syscall_64']));
    tasks.push(task(60_000, ['mutex_lock', 'c_path']));
    const i = issue([
      { frames: ['mutex_lock', 'a_path'] },
      { frames: ['mutex_lock', 'b_path'] },
      { frames: [/^mutex_lock$/, /^c_path$/] },
    ]);
    const found = ids(tasks, i);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('task:60000');
  });

  it('onCpu signatures only take stacks running on a CPU', () => {
    const i = issue([{ frames: ['sched_cfs_period_timer', '__hrtimer_run_queues'], onCpu: true }]);
    expect(ids([task(1, ['sched_cfs_period_timer', '__hrtimer_run_queues'])], i)).toEqual([]);
    expect(ids([task(1, ['sched_cfs_period_timer.cold', '__hrtimer_run_queues'], true)], i)).toEqual([['task:1']]);
  });

  it('assignStacks returns null when signatures outnumber distinct stacks', () => {
    expect(assignStacks([[1], [1]])).toBeNull();
    expect(assignStacks([[1, 2], [1]])).toEqual([2, 1]);
    expect(assignStacks([])).toEqual([]);
  });
});
