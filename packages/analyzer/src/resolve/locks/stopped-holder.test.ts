// Step 4b: an interrupt handler spinning on a lock the code it stopped on that CPU holds.
import { describe, expect, it } from 'vitest';
import { lockTableOf, ownerOf } from '../../testing/lock-table.js';
import { ownersStoppedByInterrupt } from './stopped-holder.js';
import { waitersFromFrames } from './waiters-from-frames.js';
import { ownersFromStructs } from './structs.js';
import { TALPA_FAULT_BT } from '../../testing/crash-texts.js';

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
 call_timer_fn+0xa8/0x270
 run_timer_softirq+0x1e2/0x600
 __do_softirq+0xcb/0x4a8
 irq_exit_rcu+0xe4/0x100
 sysvec_apic_timer_interrupt+0x96/0xb0
 </IRQ>
 asm_sysvec_apic_timer_interrupt+0x12/0x20
RIP: 0010:${stoppedIn}
RSP: 0018:ffffbc4940e43d88 EFLAGS: 00000246
RAX: 0000000000000000 RBX: 0000000000000246 RCX: 0000000000000000
RDX: 0000000000000000 RSI: 0000000000000000 RDI: ${stoppedRdi}
 _raw_spin_lock_irqsave+0x6a/0xa0
 cdnsp_thread_irq_handler+0x36/0x1a0 [cdnsp_udc_pci]
 irq_thread_fn+0x20/0x60
`;

describe('ownersStoppedByInterrupt', () => {
  it('the code stopped inside spin_lock with the same address holds it (likely)', () => {
    const { table, waits } = lockTableOf(trace('_raw_spin_lock_irqsave+0x6a/0xa0', 'ffff9ee8116b4658'));
    waitersFromFrames(table, waits);
    ownersStoppedByInterrupt(table, waits);
    expect(ownerOf(table, 'ffff9ee8116b4658')).toEqual({ task: 'task:3053', confidence: 'likely' });
  });

  it('another address in the stopped code holds nothing', () => {
    const { table, waits } = lockTableOf(trace('_raw_spin_lock_irqsave+0x6a/0xa0', 'ffff9ee8116b0000'));
    waitersFromFrames(table, waits);
    ownersStoppedByInterrupt(table, waits);
    expect(ownerOf(table, 'ffff9ee8116b4658')).toBeNull();
  });
});

describe('ownersStoppedByInterrupt: a page fault taken under the lock', () => {
  it('the faulting code with the lock in a register holds the lock its fault path waits for', () => {
    const { table, waits } = lockTableOf(TALPA_FAULT_BT);
    ownersFromStructs(table);
    waitersFromFrames(table, waits);
    ownersStoppedByInterrupt(table, waits);
    expect(ownerOf(table, 'ffff8800355f0c28')).toEqual({ task: 'task:53138', confidence: 'likely' });
  });

  it('a register holding another address proves nothing', () => {
    const { table, waits } = lockTableOf(TALPA_FAULT_BT.replace('R13: ffff8800355f0c28', 'R13: ffff8800355f0000'));
    ownersFromStructs(table);
    waitersFromFrames(table, waits);
    ownersStoppedByInterrupt(table, waits);
    expect(ownerOf(table, 'ffff8800355f0c28')).toBeNull();
  });
});
