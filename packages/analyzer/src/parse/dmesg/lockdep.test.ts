import { describe, expect, it } from 'vitest';
import { parseText } from '../run.js';

// print_bad_irq_dependency (kernel/locking/lockdep.c), trimmed: the trying/holding lines
// carry the irq context, and the lock classes' saved traces follow the headline.
const IRQ_ORDER_REPORT = `=====================================================
WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected
5.10.0-rc1-syzkaller #0 Not tainted
-----------------------------------------------------
syz-executor.4/17509 [HC0[0]:SC0[0]:HE0:SE1] is trying to acquire:
ffff8880120b9168 (&new->fa_lock){.?.+}-{2:2}, at: kill_fasync+0x14b/0x460

and this task is already holding:
ffff88806a4a6028 (&client->buffer_lock){....}-{2:2}, at: evdev_pass_values.part.0+0xf6/0x970
which would create a new lock dependency:
 (&client->buffer_lock){....}-{2:2} -> (&new->fa_lock){.?.+}-{2:2}

but this new dependency connects a HARDIRQ-irq-safe lock:
 (&dev->event_lock){-.-.}-{2:2}

... which became HARDIRQ-irq-safe at:
...
  lock_acquire+0x29d/0x740
  _raw_spin_lock_irqsave+0x39/0x50
  input_event+0x7b/0xb0
  ret_from_fork+0x1f/0x30

to a HARDIRQ-irq-unsafe lock:
 (&new->fa_lock){.?.+}-{2:2}

... which became HARDIRQ-irq-unsafe at:

  lock_acquire+0x29d/0x740
  _raw_read_lock+0x5b/0x70
  kill_fasync+0x14b/0x460
  entry_SYSCALL_64_after_hwframe+0x44/0xa9

the dependencies between HARDIRQ-irq-safe lock and the holding lock:
-> (&dev->event_lock){-.-.}-{2:2} {
   IN-HARDIRQ-W at:
                    lock_acquire+0x29d/0x740
                    _raw_spin_lock_irqsave+0x39/0x50
                    input_event+0x7b/0xb0
   INITIAL USE at:
                   lock_acquire+0x29d/0x740
                   _raw_spin_lock_irqsave+0x39/0x50
 }
 ... key      at: [<ffffffff8fa50fa0>] __key.8+0x0/0x40
 ... acquired at:
   _raw_spin_lock+0x2a/0x40
   evdev_pass_values.part.0+0xf6/0x970

stack backtrace:
CPU: 1 PID: 17509 Comm: syz-executor.4 Not tainted 5.10.0-rc1-syzkaller #0
Call Trace:
 dump_stack+0x107/0x163
 check_irq_usage.cold+0x4f5/0x6c8
 __lock_acquire+0x2b37/0x5f60
 lock_acquire+0x29d/0x740
 _raw_read_lock+0x5b/0x70
 kill_fasync+0x14b/0x460
 evdev_pass_values.part.0+0x64e/0x970
`;

describe('lockdep irq-order reports', () => {
  it('read the trying and holding locks, and take the saved traces as history, not as stacks of tasks', () => {
    const { records, coverage } = parseText(IRQ_ORDER_REPORT);
    // The only task stack is the reporting task's own backtrace.
    expect(records.tasks.filter((t) => t.frames.length > 0).map((t) => t.pid)).toEqual([17509]);
    expect(records.lockFacts.map((f) => f.name)).toEqual(['&new->fa_lock']);
    expect(records.heldLocks.map((h) => h.name)).toEqual(['&client->buffer_lock']);
    const saved = coverage.filter((s) => s.format === 'lockdep_saved_trace').map((s) => [s.line, s.endLine]);
    expect(saved).toEqual([[16, 21], [26, 31], [35, 41], [43, 46]]);
  });
});
