// Same-CPU spinlock self-deadlock: an interrupt handler spins on a lock that the code it
// interrupted on that CPU holds (x86 prints the stopped code's RIP and registers below
// the handler's frames).
import { describe, expect, it } from 'vitest';
import { analyze } from '../analyze.js';

// NMI backtrace of a CPU whose timer softirq spins on a lock the threaded IRQ handler it
// interrupted had just taken (lore, linux-usb, cdnsp, 2021-05-25), trimmed.
const trace = (stoppedIn: string, stoppedRdi: string) => `NMI backtrace for cpu 2
CPU: 2 PID: 3053 Comm: irq/16-0000:01 Tainted: G           OE     5.11.0-rc1+ #5
RIP: 0010:native_queued_spin_lock_slowpath+0x61/0x1d0
RSP: 0018:ffffbc494011cde0 EFLAGS: 00000002
RAX: 0000000000000101 RBX: ffff9ee8116b4a68 RCX: 0000000000000000
RDX: 0000000000000000 RSI: 0000000000000000 RDI: ffff9ee8116b4658
Call Trace:
 <IRQ>
 do_raw_spin_lock+0xc0/0xd0
 _raw_spin_lock_irqsave+0x95/0xa0
 cdnsp_gadget_ep_queue.cold+0x88/0x107 [cdnsp_udc_pci]
 usb_ep_queue+0x35/0x110
 eth_start_xmit+0x220/0x3d0 [u_ether]
 __hrtimer_run_queues+0xac/0x440
 __do_softirq+0xcf/0x428
 </IRQ>
 irq_exit_rcu+0xc1/0xd0
 sysvec_apic_timer_interrupt+0x52/0xb0
 asm_sysvec_apic_timer_interrupt+0x12/0x20
RIP: 0010:${stoppedIn}
RSP: 0018:ffffbc494138bda8 EFLAGS: 00000246
RAX: 0000000000000000 RBX: 0000000000000001 RCX: 0000000000000000
RDX: 0000000000000001 RSI: 0000000000000000 RDI: ${stoppedRdi}
 _raw_spin_lock+0x3d/0x70
 cdnsp_thread_irq_handler.cold+0x32/0x112c [cdnsp_udc_pci]
 irq_thread_fn+0x28/0x60
 irq_thread+0x105/0x1c0
 kthread+0x12a/0x160
 ret_from_fork+0x22/0x30
`;

describe('same-CPU spinlock self-deadlock', () => {
  it("is a self_deadlock of the CPU's task when the stopped code was taking the same lock", () => {
    const d = analyze(trace('do_raw_spin_trylock+0x18/0x40', 'ffff9ee8116b4658'));
    const held = d.graph.edges.find((e) => e.kind === 'held_by' && e.from === 'lock:ffff9ee8116b4658')!;
    expect([held.to, held.confidence]).toEqual(['task:3053', 'likely']);
    expect(held.evidence).toContainEqual({ line: 20, endLine: 23 });
    const f = d.findings.find((x) => x.kind === 'self_deadlock')!;
    expect(f.nodes).toEqual(['task:3053', 'lock:ffff9ee8116b4658']);
    expect(f.confidence).toBe('likely');
    expect(f.summary).toMatch(
      /interrupt handler \(cdnsp_gadget_ep_queue\.cold\) spins on .*stopped in do_raw_spin_trylock, taken in cdnsp_thread_irq_handler\.cold/,
    );
  });

  it('is not when the stopped code holds another lock', () => {
    const d = analyze(trace('do_raw_spin_trylock+0x18/0x40', 'ffff9ee8116b9999'));
    expect(d.findings.some((x) => x.kind === 'self_deadlock')).toBe(false);
    expect(d.graph.edges.some((e) => e.kind === 'held_by' && e.to === 'task:3053')).toBe(false);
  });

  it('is not when the stopped code was still waiting for the lock (in the slow path)', () => {
    const d = analyze(
      trace('native_queued_spin_lock_slowpath+0x61/0x1d0', 'ffff9ee8116b4658').replace(
        ' _raw_spin_lock+0x3d/0x70\n',
        ' do_raw_spin_lock+0xc0/0xd0\n _raw_spin_lock+0x3d/0x70\n',
      ),
    );
    expect(d.findings.some((x) => x.kind === 'self_deadlock')).toBe(false);
  });
});
