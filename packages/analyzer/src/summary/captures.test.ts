import { describe, expect, it } from 'vitest';
import { analyze } from '../analyze.js';
import { captureOf, captureRanges, joinCaptures } from './captures.js';

const HUNG_KWORKER = [
  '[  242.113511] INFO: task kworker/1:2:4790 blocked for more than 120 seconds.',
  '[  242.113530] kworker/1:2     D    0  4790      2 0x80000000',
  '[  242.113536] Workqueue: events qxl_fb_work [qxl]',
  '[  242.113540] Call Trace:',
  '[  242.113549]  __schedule+0x2c4/0x880',
  '[  242.113555]  schedule+0x32/0x80',
  '[  242.113560]  schedule_preempt_disabled+0xe/0x10',
  '[  242.113564]  __mutex_lock.isra.5+0x2ab/0x4d0',
  '[  242.113570]  qxl_fb_work+0x41/0x90 [qxl]',
  '[  242.113575]  process_one_work+0x1e0/0x400',
].join('\n');

// What the collector took next: the task that flushes the workqueue (its stack ends
// where the first capture's report could not see).
const COLLECTED = [
  '=== hangscope-collect: /proc/31969/comm ===',
  'rmmod',
  '=== hangscope-collect: /proc/31969/stack ===',
  '[<0>] flush_workqueue+0x12c/0x5b0',
  '[<0>] bsn_exit+0x19/0x30 [bsnmod]',
  '[<0>] __x64_sys_delete_module+0x19e/0x310',
  '',
].join('\n');

describe('captures of one incident, analysed together', () => {
  const text = joinCaptures([
    { text: HUNG_KWORKER, createdAt: '2026-12-06T18:00:00.000Z' },
    { text: COLLECTED, createdAt: '2026-12-06T18:05:00.000Z' },
  ]);
  const doc = analyze(text);

  it('the first capture keeps its lines; each later one follows its marker', () => {
    expect(text.split('\n').slice(0, 10).join('\n')).toBe(HUNG_KWORKER);
    expect(text.split('\n')[10]).toBe('=== hangscope capture 2 at 2026-12-06T18:05:00.000Z ===');
    expect(doc.captures).toEqual([
      { seq: 1, line: 1, endLine: 10, createdAt: null },
      { seq: 2, line: 12, endLine: doc.lineCount, createdAt: '2026-12-06T18:05:00.000Z' },
    ]);
    expect(doc.coverage!.filter((c) => c.status !== 'parsed')).toEqual([]);
  });

  it('every evidence span names its capture and its line there', () => {
    const span = (id: string) => doc.tasks.find((t) => t.id === id)!.evidence[0];
    expect(span('task:4790')).toEqual({ line: 1, endLine: 10, capture: 1, captureLine: 1 });
    expect(span('task:31969')).toEqual({ line: 12, endLine: 17, capture: 2, captureLine: 1 });
    const edge = doc.graph.edges.find((e) => e.from === 'task:31969')!;
    expect(edge.evidence.every((s) => s.capture === 2 && s.captureLine === s.line - 11)).toBe(true);
  });

  it('the verdict says what the new capture added', () => {
    expect(doc.verdict).toMatch(/Capture 2 \(2026-12-06T18:05:00\.000Z\) adds: rmmod 31969 is now seen: it flushes /);
  });

  it('a capture that shows nothing new says so', () => {
    const again = analyze(
      joinCaptures([
        { text: HUNG_KWORKER, createdAt: 'a' },
        { text: 'nothing to see\n', createdAt: '2026-12-06T18:09:00Z' },
      ]),
    );
    expect(again.verdict).toMatch(
      /Capture 2 \(2026-12-06T18:09:00Z\) shows no task stack the earlier captures did not\.$/,
    );
  });

  it('one capture: no capture fields, the document as before', () => {
    const one = analyze(HUNG_KWORKER);
    expect(one.captures).toBeUndefined();
    expect(JSON.stringify(one)).not.toMatch(/"capture"/);
  });

  it('a marker ends a trace the capture before it was in: no frame of the next is read into it', () => {
    const d = analyze(
      joinCaptures([
        { text: HUNG_KWORKER, createdAt: 'a' },
        { text: '[<0>] flush_workqueue+0x12c/0x5b0\n[<0>] bsn_exit+0x19/0x30 [bsnmod]\n', createdAt: 'b' },
      ]),
    );
    expect(d.tasks.find((t) => t.pid === 4790)!.frames.map((f) => f.fn)).toEqual(
      analyze(HUNG_KWORKER)
        .tasks.find((t) => t.pid === 4790)!
        .frames.map((f) => f.fn),
    );
    expect(d.captures?.map((c) => c.seq)).toEqual([1, 2]);
  });

  it('a task re-read later: its newest stack is the one kept; the verdict says stuck or moved', () => {
    // The kworker again where it was (/proc: no scheduler frames), and later elsewhere.
    const same =
      '=== hangscope-collect: /proc/4790/stack ===\n[<0>] __mutex_lock.isra.5+0x2ab/0x4d0\n[<0>] qxl_fb_work+0x41/0x90 [qxl]\n[<0>] process_one_work+0x1e0/0x400\n';
    const other =
      '=== hangscope-collect: /proc/4790/stack ===\n[<0>] worker_thread+0x4f/0x3d0\n[<0>] kthread+0x127/0x150\n';
    const stuck = analyze(
      joinCaptures([
        { text: HUNG_KWORKER, createdAt: 'a' },
        { text: same, createdAt: 't2' },
      ]),
    );
    expect(stuck.verdict).toMatch(
      /Capture 2 \(t2\) shows no task stack the earlier captures did not\. On the same stack as before \(stuck\): kworker\/1:2 4790 in \S+\.$/,
    );
    const k = stuck.tasks.find((t) => t.pid === 4790)!;
    expect(k.frames[0].fn).toBe('__mutex_lock.isra.5');
    expect(k.evidence.map((e) => e.capture)).toEqual([1, 2]);
    expect(JSON.stringify(k)).not.toMatch(/stackBefore/);

    const movedOn = analyze(
      joinCaptures([
        { text: HUNG_KWORKER, createdAt: 'a' },
        { text: same, createdAt: 't2' },
        { text: other, createdAt: 't3' },
      ]),
    );
    expect(movedOn.tasks.find((t) => t.pid === 4790)!.frames.map((f) => f.fn)).toEqual(['worker_thread', 'kthread']);
    expect(movedOn.verdict).toMatch(
      /Moved: kworker\/1:2 4790 \(now in worker_thread, was in __mutex_lock\.isra\.5 in capture 2\)\.$/,
    );
  });

  it('captureOf: the last capture starting at or before a line', () => {
    const r = captureRanges(
      [
        { seq: 2, line: 11, createdAt: 'x' },
        { seq: 3, line: 20, createdAt: 'y' },
      ],
      30,
    )!;
    expect([1, 10, 11, 12, 19, 21, 30].map((l) => captureOf(r, l).seq)).toEqual([1, 1, 1, 2, 2, 3, 3]);
  });

  it('a marker ends the command the capture before it left open', () => {
    // The first capture ends on a stack header with no frames; the second's frames are not it.
    const d = analyze(
      joinCaptures([
        { text: '==> /proc/9/stack <==\n', createdAt: 'a' },
        { text: COLLECTED, createdAt: 'b' },
      ]),
    );
    expect(d.tasks.map((t) => t.pid)).toEqual([31969]);
  });
});
