import { describe, expect, it } from 'vitest';
import { splitLines } from '../../text/lines.js';
import { FrameTable } from '../frame-table.js';
import { isTraceBodyLine, readTrace } from './call-trace.js';

/** fn, with `i:`/`e:` for interrupt and exception context and `!` for the stopped instruction. */
const show = (text: string) => {
  const tr = readTrace(splitLines(text), 0, new FrameTable());
  return {
    frames: tr.frames.map((f) => `${f.context ? `${f.context[0]}:` : ''}${f.fn}${f.isIp ? '!' : ''}`),
    lines: tr.frameLines,
    end: tr.end,
  };
};

describe('readTrace on 32-bit ARM backtraces', () => {
  it('takes the first function and every caller, a frame each, with the line that names it', () => {
    const t = show(
      [
        'Backtrace:',
        '[<c0c3a7a4>] (__schedule) from [<c0c3ac8c>] (schedule+0x58/0xc4)',
        ' r10:00000002 r9:db1e2000 r8:00000000',
        '[<c0c3ac8c>] (schedule) from [<c0c3b0d8>] (io_schedule+0x20/0x40)',
        'after the trace',
      ].join('\n'),
    );
    expect(t.frames).toEqual(['__schedule', 'schedule', 'io_schedule']);
    expect(t.lines).toEqual([2, 2, 4]);
    expect(t.end).toBe(4);
  });

  it("marks the frames up to the exception entry as the interrupt, and the stopped function after it (the entry's own line names it)", () => {
    const t = show(
      [
        ' hrtimer_interrupt from arch_timer_handler_phys+0x30/0x3c',
        ' generic_handle_arch_irq from __irq_svc+0x88/0xb0',
        'Exception stack(0xf0e39c38 to 0xf0e39c80)',
        '9c20:                                                       00000001 00000000',
        '9c40: 00000000 00000000 c6e4f040 00000000 c4f22c80 00000031 00000000 bf0c4228',
        ' __irq_svc from bcm2835_i2c_xfer+0x1a4/0x3b0 [i2c_bcm2835]',
        ' bcm2835_i2c_xfer [i2c_bcm2835] from __i2c_transfer+0x10c/0x5b0',
      ].join('\n'),
    );
    expect(t.frames).toEqual([
      'i:hrtimer_interrupt',
      'i:arch_timer_handler_phys',
      'i:generic_handle_arch_irq',
      'i:__irq_svc',
      'e:bcm2835_i2c_xfer!',
      '__i2c_transfer',
    ]);
  });

  it('marks the stopped function when the unwinder goes from the entry straight to it', () => {
    const t = show(
      [
        '[<807bcea0>] (gic_handle_irq) from [<80100b30>] (__irq_svc+0x70/0x98)',
        'Exception stack(0x83711dd0 to 0x83711e18)',
        ' r4:8018c67c',
        '[<8034d5f8>] (__might_fault) from [<80cc74b4>] (do_tcp_setsockopt.constprop.0+0xa70/0x14bc)',
        '[<80cc6a44>] (do_tcp_setsockopt.constprop.0) from [<80cc7fa0>] (tcp_setsockopt+0xa0/0xb4)',
      ].join('\n'),
    );
    expect(t.frames).toEqual([
      'i:gic_handle_irq',
      'i:__irq_svc',
      'e:__might_fault!',
      'do_tcp_setsockopt.constprop.0',
      'tcp_setsockopt',
    ]);
  });

  it('reads arm64 interrupt entries the same way; a fault entry is not an interrupt (its handler may sleep in the task)', () => {
    const t = show(
      [
        'Call trace:',
        ' gic_handle_irq+0x78/0x230',
        ' el1_irq+0xc0/0x180',
        ' kthread_should_stop+0x8c/0xd0',
        ' smpboot_thread_fn+0xa8/0x928',
      ].join('\n'),
    );
    expect(t.frames).toEqual(['i:gic_handle_irq', 'i:el1_irq', 'e:kthread_should_stop!', 'smpboot_thread_fn']);
    const fault = show(
      [
        'Call trace:',
        ' __schedule+0x2c4/0x700',
        ' rwsem_down_read_slowpath+0x1d0/0x440',
        ' do_page_fault+0x2c0/0x400',
        ' do_mem_abort+0x44/0xb0',
        ' el1_abort+0x40/0x60',
        ' el1h_64_sync_handler+0x60/0xac',
        ' el1h_64_sync+0x64/0x68',
        ' __arch_copy_from_user+0x1b8/0x230',
      ].join('\n'),
    );
    expect(fault.frames.every((f) => !f.includes(':'))).toBe(true);
  });

  it('reads powerpc traces: frames by return address, an interrupt between the handler and the stopped function, its register dump', () => {
    const t = show(
      [
        'Call Trace:',
        '[c000000002a8b9e0] [c00000000002a1f4] 0xc00000000002a1f4 (unreliable)',
        '[c000000002a8bb00] [c0000000002f1c34] watchdog_timer_fn+0x2a4/0x3e0',
        '[c000000002a8bbd0] [c00000000025a7e8] __hrtimer_run_queues+0x1a8/0x450',
        '[c000000002a8bc20] [c00000000001b0f8] timer_interrupt+0x148/0x340',
        '--- interrupt: 900 at queued_spin_lock_slowpath+0x88/0x4c0',
        'NIP:  c000000000128f58 LR: c0000000011a56bc CTR: 0000000000000000',
        'REGS: c000000002a8bc90 TRAP: 0900   Not tainted  (6.1.0)',
        'MSR:  800000000280b033 <SF,VEC,VSX,EE,FP,ME,IR,DR,RI,LE>  CR: 22004222  XER: 00000000',
        'GPR00: c000000000128f40 c000000002a8bf30 c000000002a6a400 0000000000000000',
        'NIP [c000000000128f58] queued_spin_lock_slowpath+0x88/0x4c0',
        'LR [c0000000011a56bc] _raw_spin_lock+0x3c/0x70',
        '--- interrupt: 900',
        '[c000000002a8bf90] [c0000000011a5a74] _raw_spin_lock+0x3c/0x70 (unreliable)',
        '[c000000002a8bfc0] [c0000000004d2e10] foo_poll+0x80/0x120 [foo]',
      ].join('\n'),
    );
    expect(t.frames).toEqual([
      'i:watchdog_timer_fn',
      'i:__hrtimer_run_queues',
      'i:timer_interrupt',
      'e:queued_spin_lock_slowpath!',
      '_raw_spin_lock',
      'foo_poll',
    ]);
    // A fault (storage interrupt 300) is handled in the task: its frames stay the task's.
    const fault = show(
      [
        'Call Trace:',
        '[c0000000a1dbf8e0] [c0000000010b2168] schedule+0x78/0x140',
        '--- interrupt: 300 at __copy_tofrom_user_power7+0x2a0/0x7c0',
        '[c0000000a1dbfc00] [c000000000512345] filldir64+0xa8/0x200',
      ].join('\n'),
    );
    expect(fault.frames).toEqual(['schedule', 'e:__copy_tofrom_user_power7!', 'filldir64']);
  });

  it('keeps a trace without symbols going (no frames from it), and stops at prose', () => {
    expect(isTraceBodyLine(new FrameTable(), 'Function entered at [<c0012345>] from [<c0012400>]')).toBe(true);
    expect(isTraceBodyLine(new FrameTable(), 'dump_stack_lvl from nmi_cpu_backtrace+0xd4/0x104')).toBe(true);
    expect(isTraceBodyLine(new FrameTable(), 'the message came from the driver')).toBe(false);
    const t = show(
      ['Function entered at [<c0012345>] from [<c0012400>]', 'show_stack from dump_stack+0x10/0x14', 'done.'].join(
        '\n',
      ),
    );
    expect(t.frames).toEqual(['show_stack', 'dump_stack']);
    expect(t.end).toBe(2);
  });
});

describe('readTrace stops', () => {
  it('keeps the registers of each context an interrupt stopped, apart from the first block', () => {
    const text = [
      'RIP: 0010:native_queued_spin_lock_slowpath+0x61/0x1d0',
      'RAX: 0000000000000101 RBX: ffff9ee8116b4a68 RCX: 0000000000000000',
      'RDX: 0000000000000000 RSI: 0000000000000000 RDI: ffff9ee8116b4658',
      'Call Trace:',
      ' <IRQ>',
      ' _raw_spin_lock_irqsave+0x95/0xa0',
      ' </IRQ>',
      ' asm_sysvec_apic_timer_interrupt+0x12/0x20',
      'RIP: 0010:do_raw_spin_trylock+0x18/0x40',
      'RSP: 0018:ffffbc494138bda8 EFLAGS: 00000246',
      'RDX: 0000000000000001 RSI: 0000000000000000 RDI: ffff9ee8116b1111',
      ' _raw_spin_lock+0x3d/0x70',
    ].join('\n');
    const tr = readTrace(splitLines(text), 0, new FrameTable());
    expect(tr.registers.rdi).toBe('ffff9ee8116b4658');
    expect(tr.stops).toHaveLength(1);
    const s = tr.stops[0];
    expect(tr.frames[s.frame].fn).toBe('do_raw_spin_trylock');
    expect(s.registers.rdi).toBe('ffff9ee8116b1111');
    expect(s.span).toEqual({ line: 9, endLine: 11 });
  });
});

describe('readTrace on 32-bit x86 register dumps', () => {
  it('reads the 4.15+ `EIP: fn+off/size` line (no segment) as the stopped instruction, and a user-mode EIP as none', () => {
    const t = show(
      [
        'EIP: queued_spin_lock_slowpath+0x42/0x200',
        'EAX: 00000101 EBX: df4f1ea4 ECX: c6bf5e68 EDX: 00000000',
        'DS: 007b ES: 007b FS: 00d8 GS: 00e0 SS: 0068 EFLAGS: 00000202',
        'Call Trace:',
        ' ? _raw_spin_lock+0x2c/0x30',
        ' __change_page_attr_set_clr+0x45/0x740',
        ' entry_SYSENTER_32+0x9f/0xf2',
        'EIP: 0xb7fd0549',
        'EAX: ffffffda EBX: 00000016 ECX: 00000002 EDX: 004f4d5c',
        'after the trace',
      ].join('\n'),
    );
    expect(t.frames).toEqual([
      'e:queued_spin_lock_slowpath!',
      '_raw_spin_lock',
      '__change_page_attr_set_clr',
      'entry_SYSENTER_32',
    ]);
  });
});

describe('readTrace on the show_registers of other architectures', () => {
  it("reads OpenRISC's register dump, its `Process … (pid: …)` line and the blank line before `Stack:` as one trace", () => {
    const t = show(
      [
        'CPU #: 0',
        '   PC: c03aa6e0    SR: 00008a7f    SP: c15c9b9c',
        'GPR00: 00000000 GPR01: c15c9b9c GPR02: c15c9bc0 GPR03: 00000000',
        '  RES: fffffffe oGPR11: ffffffff',
        'Process find (pid: 58, stackpage=c156ef00)',
        '',
        'Stack:',
        'Call trace:',
        '[<8725bbff>] ktime_get+0x70/0x1bc',
        '[<ddad94d4>] rpc_count_iostats_metrics+0x44/0x2c4',
        'after the trace',
      ].join('\n'),
    );
    expect(t.frames).toEqual(['ktime_get', 'rpc_count_iostats_metrics']);
    expect(t.end).toBe(10);
  });

  it('ends a trace at a blank line followed by anything but a frame or `Stack:`', () => {
    const t = show(
      ['Call trace:', '[<8725bbff>] ktime_get+0x70/0x1bc', '', 'Process find (pid: 58, stackpage=c156ef00)'].join('\n'),
    );
    expect(t.end).toBe(2);
  });
});
