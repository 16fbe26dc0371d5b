import { describe, expect, it } from 'vitest';
import { analyze } from '../../analyze.js';

// From a linuxppc-dev report (an RCU stall in a pseries guest, 5.9), cut to one silent CPU.
const SILENT_CPU0 = [
  '[    0.095306] rcu: INFO: rcu_sched self-detected stall on CPU',
  '[    0.095492] rcu: \t4-...!: (1 GPs behind) idle=0d6/0/0x1 softirq=6/7 fqs=0 ',
  '[    0.098211] Sending NMI from CPU 4 to CPUs 0:',
  "[    6.719253] CPU 0 didn't respond to backtrace IPI, inspecting paca.",
  '[    6.722181] irq_soft_mask: 0x01 in_mce: 0 in_nmi: 0 current: 1 (swapper/0)',
  '[    6.722297] Back trace of paca->saved_r1 (0xc000000007a8f140) (possibly stale):',
  '[    6.722412] Call Trace:',
  '[    6.723317] [c000000007a8f790] [c0000000008dec00] lzma_main+0x1f0/0x2a0 (unreliable)',
  '[    6.723714] [c000000007a8f9f0] [c00000000160333c] unxz+0x1e8/0x408',
  '[    6.723786] [c000000007a8faa0] [c0000000015b6f58] unpack_to_rootfs+0x1e4/0x378',
  '[    6.724315] Sending NMI from CPU 4 to CPUs 1:',
];

describe('powerpc paca inspection', () => {
  it('names the task a silent CPU runs (`current: PID (comm)`) and gives it the trace after', () => {
    const doc = analyze(SILENT_CPU0.join('\n'));
    const t = doc.tasks.find((x) => x.pid === 1)!;
    expect(t).toMatchObject({ comm: 'swapper/0', cpu: 0 });
    expect(t.frames.map((f) => f.fn)).toEqual(['lzma_main', 'unxz', 'unpack_to_rootfs']);
    expect(doc.cpus.find((c) => c.cpu === 0)?.current).toBe(t.id);
    expect(t.evidence[0].line).toBe(5);
    // A CPU that runs a busy task is deaf to the IPI (interrupts masked), not stopped.
    expect(doc.graph.edges.some((e) => e.from === 'cpu:0' && e.kind === 'starved_by')).toBe(false);
  });

  it('ties an idle task to its CPU by name when the silent CPU interleaved its own dump', () => {
    const lines = ["CPU 2 didn't respond to backtrace IPI, inspecting paca.", 'NMI backtrace for cpu 2'];
    for (let k = 0; k < 80; k++) lines.push(`GPR${String(k % 32).padStart(2, '0')}: 0000000000000000 0000000000000000`);
    lines.push('irq_soft_mask: 0x01 in_mce: 0 in_nmi: 0 current: 0 (swapper/2)');
    lines.push('irq_soft_mask: 0x01 in_mce: 0 in_nmi: 0 current: 4242 (kworker/9:1)');
    const doc = analyze(lines.join('\n'));
    expect(doc.tasks.find((x) => x.pid === 0)?.cpu).toBe(2);
    // Nothing ties the second line to a CPU (no `didn't respond` line before it).
    expect(doc.tasks.find((x) => x.pid === 4242)?.cpu).toBeNull();
  });
});
