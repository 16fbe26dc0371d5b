import { describe, expect, it } from 'vitest';
import { parseText } from '../parse/run.js';
import { HEADER_WORDS, REPORTS, computeTitle, demangledName, requiresLiteral } from './title.js';

describe('report headers', () => {
  it('each holds one of the words the header scan searches for', () => {
    // computeTitle reads only the lines that contain a HEADER_WORD: a header without one
    // would never be found.
    for (const r of REPORTS)
      expect(
        HEADER_WORDS.some((w) => r.header.source.includes(w)),
        r.header.source,
      ).toBe(true);
  });

  it('tries a rule only on lines holding the word its pattern requires', () => {
    expect(requiresLiteral(/csd: Detected non-responsive CSD lock/, 'CSD lock')).toBe(true);
    expect(requiresLiteral(/INFO: task .{0,64} blocked/, 'INFO:')).toBe(true);
    // Not required: optional, inside a group, after a group or class, or one branch of two.
    expect(requiresLiteral(/INFO:? x/, 'INFO:')).toBe(false);
    expect(requiresLiteral(/(?:INFO: )?x/, 'INFO:')).toBe(false);
    expect(requiresLiteral(/x(?:y)? INFO:/, 'INFO:')).toBe(false);
    expect(requiresLiteral(/[IJ]NFO:/, 'NFO:')).toBe(false);
    expect(requiresLiteral(/INFO: a|BUG: b/, 'INFO:')).toBe(false);
    expect(requiresLiteral(/info:/i, 'info:')).toBe(false);
    // All but the two-branch powerpc hard-LOCKUP headline are narrowed by their word.
    const unnarrowed = REPORTS.filter((r) => !HEADER_WORDS.some((w) => requiresLiteral(r.header, w)));
    expect(unnarrowed.map((r) => r.header.source)).toEqual([
      String.raw`CPU \d{1,5} self-detected hard LOCKUP @ |CPU \d{1,5} detected hard LOCKUP on other CPUs`,
    ]);
  });
});

const titleOf = (text: string) => {
  const { lines, records } = parseText(text);
  return computeTitle(lines, records);
};

describe('demangledName', () => {
  it('names a C++ function without its parameters, and leaves anything else alone', () => {
    expect(demangledName('_Z8fakeNameiii')).toBe('fakeName');
    expect(demangledName('_ZN3foo3barEv')).toBe('foo::bar');
    expect(demangledName('_Z99short')).toBe('_Z99short');
    expect(demangledName('_ZN3fooXv')).toBe('_ZN3fooXv');
    expect(demangledName('__schedule')).toBe('__schedule');
  });
});

describe('report titles', () => {
  it('lets a header the sender quotes in a sentence decide only a text that prints no other', () => {
    const wq = [
      'BUG: workqueue lockup - pool cpus=1 node=0 flags=0x0 nice=0 stuck for 37s!',
      'Showing busy workqueues and worker pools:',
      'workqueue events: flags=0x0',
      '  pwq 2: cpus=1 node=0 flags=0x0 nice=0 active=1/256',
      '    pending: cache_reap',
      '',
      'Note that the error message was not always "BUG: workqueue lockup"; it was also',
      'sometimes like "watchdog: BUG: soft lockup - CPU#5 stuck for 22s!".',
    ];
    expect(titleOf(wq.join('\n'))?.kind).toBe('workqueue_lockup');
    // Alone, the quoted header is all the text says.
    expect(titleOf(wq.slice(6).join('\n'))?.kind).toBe('soft_lockup');
    // A printed header with a log prefix is no quote.
    expect(titleOf('kernel: watchdog: BUG: soft lockup - CPU#5 stuck for 22s! [a:1]\n' + wq.join('\n'))?.kind).toBe(
      'soft_lockup',
    );
  });

  it("names an irq lock-order report after where the lock became irq-safe, not lockdep's own stack", () => {
    const text = [
      'WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected',
      '5.11.0-rc1 #0 Not tainted',
      'and this task is already holding:',
      '... which became HARDIRQ-irq-safe at:',
      '  lock_acquire+0x29d/0x740',
      '  _raw_spin_lock_irqsave+0x39/0x50',
      '  input_event+0x7b/0xb0',
      '  psmouse_report_standard_buttons+0x2c/0x80',
      '',
      'Call Trace:',
      ' dump_stack+0x107/0x163',
      ' check_irq_usage.cold+0x4f5/0x6c8',
      ' __lock_acquire+0x2af6/0x5500',
    ].join('\n');
    expect(titleOf(text)?.title).toBe('possible deadlock in input_event');
  });

  it('reads stall anchors on frames with their syscall prefix stripped (compat_SyS_ioctl is the ioctl anchor)', () => {
    const text = [
      'rcu: INFO: rcu_sched self-detected stall on CPU',
      'Call Trace:',
      ' <IRQ>',
      ' [<ffffffff846019a3>] apic_timer_interrupt+0x93/0xa0',
      ' </IRQ>',
      'RIP: 0010:qlist_free_all+0x4e/0x100',
      ' [<ffffffff810974dc>] kvm_dev_ioctl+0x8cc/0x1980',
      ' [<ffffffff81075526>] kvm_mux_dev_ioctl+0x26/0x30',
      ' [<ffffffff81cb214a>] compat_SyS_ioctl+0x13a/0x3260',
      ' [<ffffffff8101cf74>] do_fast_syscall_32+0x354/0xcfd',
    ].join('\n');
    expect(titleOf(text)?.title).toBe('INFO: rcu detected stall in kvm_mux_dev_ioctl');
  });

  it('names a syscall after its wrapper with one prefix stripped (__x64_sys_x → sys_x)', () => {
    const text = [
      'rcu: INFO: rcu_preempt self-detected stall on CPU',
      'Call Trace:',
      ' <IRQ>',
      ' apic_timer_interrupt+0x93/0xa0',
      ' </IRQ>',
      'RIP: 0010:__sys_sendmmsg+0x1bf/0x4d0',
      ' __sys_sendmmsg+0x1bf/0x4d0',
      ' __x64_sys_sendmmsg+0x9d/0x100',
      ' do_syscall_64+0x2d/0x70',
    ].join('\n');
    expect(titleOf(text)?.title).toBe('INFO: rcu detected stall in sys_sendmmsg');
  });

  it('skips a powerpc first frame marked (unreliable)', () => {
    const text = [
      'INFO: task syz-executor.3:9187 blocked for more than 143 seconds.',
      'Call Trace:',
      '[c000000001bb3530] [c000000001bb35a0] __rela_dyn_start+0x308828/0x345288 (unreliable)',
      '[c000000001bb3710] [c0000000000286fc] __switch_to+0x43c/0x6d0',
      '[c000000001bb3780] [c00000000138678c] __schedule+0x3cc/0xed0',
      '[c000000001bb39a0] [c00000000138832c] wait_for_common+0xfc/0x220',
      '[c000000001bb3a10] [c0000000005f8868] exit_aio+0x188/0x2a0',
      '[c000000001bb3ad0] [c00000000016556c] mmput+0xbc/0x260',
    ].join('\n');
    expect(titleOf(text)?.title).toBe('INFO: task hung in exit_aio');
  });
});
