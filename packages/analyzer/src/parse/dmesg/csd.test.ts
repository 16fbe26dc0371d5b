import { describe, expect, it } from 'vitest';
import { analyze } from '../../analyze.js';

describe('CSD-lock timeouts', () => {
  it('alone: the waiting CPU and the CPU that does not answer are stuck, the first waits for the second', () => {
    const doc = analyze(
      [
        '[  223.051673] smp: csd: Detected non-responsive CSD lock (#1) on CPU#0, waiting 5000000015 ns for CPU#02 do_sync_core+0x0/0x30(0x0).',
        '[  223.051690] smp:     csd: CSD lock (#1) unresponsive.',
        '[  228.051673] smp: csd: Continued non-responsive CSD lock (#1) on CPU#0, waiting 10000000021 ns for CPU#02 do_sync_core+0x0/0x30(0x0).',
      ].join('\n'),
    );
    expect(doc.kind).toBe('soft_lockup');
    expect(doc.title).toBe('csd: non-responsive CSD lock in do_sync_core');
    expect(doc.cpus.filter((c) => c.stuck).map((c) => c.cpu)).toEqual([0, 2]);
    const e = doc.graph.edges.find((x) => x.from === 'cpu:0' && x.to === 'cpu:2');
    expect(e).toMatchObject({ kind: 'ipi_wait', confidence: 'certain' });
  });

  it('a soft lockup that follows names the text; the CSD timeout is listed', () => {
    const doc = analyze(
      [
        'smp: csd: Detected non-responsive CSD lock (#1) on CPU#2, waiting 5000000045 ns for CPU#06 do_flush_tlb_all+0x0/0x30(0x0).',
        'watchdog: BUG: soft lockup - CPU#2 stuck for 26s! [kworker/2:1:1533]',
        'CPU: 2 PID: 1533 Comm: kworker/2:1 Tainted: G             L     6.1.90 #1',
        'RIP: 0010:smp_call_function_many_cond+0x12e/0x3c0',
        'Call Trace:',
        ' <TASK>',
        ' on_each_cpu_cond_mask+0x24/0x40',
        ' __purge_vmap_area_lazy+0xc4/0x6f0',
      ].join('\n'),
    );
    expect(doc.kind).toBe('soft_lockup');
    expect(doc.title.startsWith('BUG: soft lockup')).toBe(true);
    expect(
      doc.findings.some(
        (f) => f.kind === 'other_report' && f.summary.includes('csd: non-responsive CSD lock in do_flush_tlb_all'),
      ),
    ).toBe(true);
  });
});
