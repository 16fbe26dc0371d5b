import { afterEach, describe, expect, it } from 'vitest';
import type { AnalysisDocument } from '@hangscope/analyzer';
import { HUNG_TASK_DUMP, startApp, upload, type TestApp } from '../__tests__/helpers.js';
import { graphToDot } from '../export/graph-dot.js';
import { graphToSvg } from '../export/graph-svg.js';
import { layerGraph } from '../export/layout.js';
import { framesThatMatter, mdCode, mdText } from '../export/report-md.js';
import type { Frame } from '@hangscope/analyzer';

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

describe('exports', () => {
  it('report.md, graph.dot, graph.svg and analysis.json for an incident', async () => {
    t = await startApp();
    const { id } = (await upload(t.app, HUNG_TASK_DUMP, '?title=rmmod%20hang&host=db-1')).json;
    await t.app.inject({
      method: 'PUT',
      url: `/api/incidents/${id}/mitigation`,
      payload: { body: 'do not unload bsnmod' },
    });
    const get = (what: string) =>
      t.app.inject({ method: 'GET', url: `/api/incidents/${id}/${what}`, headers: { host: 'hangscope.example:8080' } });

    const md = await get('report.md');
    expect(md.statusCode).toBe(200);
    expect(md.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(md.body).toContain('# rmmod hang');
    // The id is code: a base64url id that starts or ends with `_` is not escaped.
    expect(md.body).toContain(`[\`${id}\`](http://hangscope.example:8080/i/${id})`);
    expect(md.body).toContain('## Verdict');
    expect(md.body).toContain('## Key tasks');
    expect(md.body).toMatch(/\| 31969 \| rmmod \| D \|/);
    expect(md.body).toContain('> do not unload bsnmod');

    const dot = await get('graph.dot');
    expect(dot.statusCode).toBe(200);
    expect(dot.body).toMatch(/^digraph hangscope \{/);
    expect(dot.body).toContain('"task:31969"');

    const svg = await get('graph.svg');
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(svg.headers['content-security-policy']).toContain("default-src 'none'");
    expect(svg.body).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.body).toContain('<title>task:31969</title>');

    const json = await get('analysis.json?download=1');
    expect(json.headers['content-disposition']).toBe(`attachment; filename="hangscope-${id}.analysis.json"`);
    const detail = (await t.app.inject({ method: 'GET', url: `/api/incidents/${id}` })).json();
    expect(json.json()).toEqual(detail.analysis);

    for (const what of ['report.md', 'graph.dot', 'graph.svg', 'analysis.json']) {
      expect(
        (await t.app.inject({ method: 'GET', url: `/api/incidents/AAAAAAAAAAAAAAAAAAAAAA/${what}` })).statusCode,
      ).toBe(404);
    }
  });
});

/** A hostile analysis: labels an attacker controls through the dump's text. */
const hostile: AnalysisDocument = {
  schemaVersion: 1,
  analyzerVersion: 'test',
  kind: 'deadlock',
  title: 'x',
  fingerprint: 'f',
  kernel: null,
  arch: null,
  tasks: [],
  cpus: [],
  locks: [],
  works: [],
  graph: {
    nodes: [
      { id: 'task:1', type: 'task', label: '<script>alert(1)</script>', waitFrame: 'a"b&c' },
      { id: 'lock:x', type: 'lock', label: "]]><svg onload='x'>\u0001" },
    ],
    edges: [
      { from: 'task:1', to: 'lock:x', kind: 'waits_lock', confidence: 'certain', why: '"}\n -> evil', evidence: [] },
      { from: 'lock:x', to: 'task:1', kind: 'held_by', confidence: 'likely', why: 'cycle', evidence: [] },
    ],
  },
  findings: [],
  verdict: '',
};

describe('export escaping', () => {
  it('SVG: every label is XML-escaped, no markup from the dump survives', () => {
    const svg = graphToSvg(hostile, '<b>title</b>');
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('<svg onload');
    expect(svg).not.toContain('<b>');
    expect(svg).not.toContain('\u0001');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).toContain('a&quot;b&amp;c');
    expect(svg).toContain('stroke="#c5221f"'); // the cycle edge is drawn as such
  });

  it('DOT: quotes and line breaks cannot end a string early', () => {
    const dot = graphToDot(hostile, 'x');
    expect(dot).toContain('tooltip="\\"}\\n -> evil"');
    expect(dot.split('\n').filter((l) => l.includes('->'))).toHaveLength(2);
  });

  it('Markdown: text cannot become markup, code cannot break its fence', () => {
    expect(mdText('# [x](javascript:y) <img> | a')).toBe('\\# \\[x\\](javascript:y) \\<img> \\| a');
    expect(mdText('*bold* _em_ ~~s~~ `c` a\\b &amp;')).toBe('\\*bold\\* \\_em\\_ \\~\\~s\\~\\~ \\`c\\` a\\\\b \\&amp;');
    expect(mdText('1. first')).toBe('1\\. first');
    expect(mdText('- item')).toBe('\\- item');
    expect(mdText('> quote')).toBe('\\> quote');
    expect(mdCode('a`b')).toBe('``a`b``');
  });

  it('Markdown: kernel text reads as written, escaped only where Markdown would act', () => {
    const v =
      'kworker/1:2 (4790) waits for mutex ffff880035acf1e0 &dev->mutex in mutex_lock_nested → __mutex_lock (likely) - 1,327 more tasks wait + a #1';
    expect(mdText(v)).toBe(
      'kworker/1:2 (4790) waits for mutex ffff880035acf1e0 &dev->mutex in mutex_lock_nested → \\_\\_mutex_lock (likely) - 1,327 more tasks wait + a #1',
    );
  });

  it('Markdown: the frames of a task that matter — the waiting path, not panic or NMI plumbing', () => {
    const fr = (fn: string, extra: Partial<Frame> = {}): Frame => ({
      fn,
      offset: null,
      size: null,
      module: null,
      addr: null,
      reliable: true,
      ...extra,
    });
    const hardLockup = [
      'machine_kexec',
      '__crash_kexec',
      'panic',
      'nmi_panic',
      'watchdog_overflow_callback',
      '__perf_event_overflow',
      'perf_event_overflow',
      'intel_pmu_handle_irq',
      'perf_event_nmi_handler',
      'nmi_handle',
      'do_nmi',
      'end_repeat_nmi',
      'native_queued_spin_lock_slowpath',
      '_raw_spin_lock_irqsave',
      'cpu_stop_queue_work',
      'stop_one_cpu_nowait',
      'active_load_balance_cpu_stop',
    ].map((f) => fr(f));
    expect(framesThatMatter(hardLockup, null, 4).map((f) => f.fn)).toEqual([
      'native_queued_spin_lock_slowpath',
      '_raw_spin_lock_irqsave',
      'cpu_stop_queue_work',
      'stop_one_cpu_nowait',
    ]);
    const blocked = [
      '__schedule',
      'schedule',
      'schedule_preempt_disabled',
      '__mutex_lock_slowpath',
      'mutex_lock',
      'ttm_eu_reserve_buffers',
      'qxl_release_reserve_list',
    ].map((f) => fr(f));
    expect(framesThatMatter(blocked, 'ttm_eu_reserve_buffers', 4).map((f) => f.fn)).toEqual([
      'ttm_eu_reserve_buffers',
      'qxl_release_reserve_list',
    ]);
    expect(framesThatMatter(blocked, null, 2).map((f) => f.fn)).toEqual(['__mutex_lock_slowpath', 'mutex_lock']);
    const irqOnTop = [
      fr('handle_irq', { context: 'irq' }),
      fr('do_IRQ', { context: 'irq' }),
      fr('csd_lock_wait'),
      fr('smp_call_function_many'),
      fr('? stale', { reliable: false }),
    ];
    expect(framesThatMatter(irqOnTop, null, 4).map((f) => f.fn)).toEqual(['csd_lock_wait', 'smp_call_function_many']);
  });

  it('layout: a cycle gets one back edge, layers follow the waits', () => {
    const { layers, backEdges } = layerGraph(hostile.graph.nodes, hostile.graph.edges);
    expect(backEdges.size).toBe(1);
    expect(layers).toEqual([['task:1'], ['lock:x']]);
  });
});
