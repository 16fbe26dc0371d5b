import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CRASH_BT,
  PLAIN,
  armCallOfLine,
  frameFromAnnotation,
  frameFromCrashBt,
  frameFromPpc,
  frameFromDecoded,
  frameFromInline,
  frameFromPlain,
  frameFromProcStack,
  frameFromSymbolOffset,
  isStackTerminator,
  parseFrameLine,
} from './frames.js';
import { FrameTable } from './frame-table.js';
import { analyze } from '../analyze.js';

/** One run's frame table for the whole file (the memo test below asks the same one twice). */
const table = new FrameTable();

describe('frame line styles', () => {
  it('reads /proc/PID/stack with addresses and modules', () => {
    expect(parseFrameLine(table, '[<ffffffffa03d8399>] apxbsnIoRelease+0x29/0x160 [bsnmod]', 7)).toEqual({
      fn: 'apxbsnIoRelease',
      offset: '0x29',
      size: '0x160',
      module: 'bsnmod',
      addr: 'ffffffffa03d8399',
      reliable: true,
      line: 7,
    });
  });
  it('reads frames whose <address> a web page dropped as an HTML tag', () => {
    expect(parseFrameLine(table, '[] ? acme_wait+0x1ed/0x2d0', 3)).toEqual({
      fn: 'acme_wait',
      offset: '0x1ed',
      size: '0x2d0',
      module: null,
      addr: null,
      reliable: false,
      line: 3,
    });
    expect(parseFrameLine(table, '[] ? dlmlock+0x8a/0xda0 [ocfs2_dlm]', 1)!.module).toBe('ocfs2_dlm');
    expect(parseFrameLine(table, '[] :jbd:log_wait_commit+0xa3/0xf5', 1)).toMatchObject({
      fn: 'log_wait_commit',
      module: 'jbd',
      reliable: true,
    });
    expect(parseFrameLine(table, '[] some text+0x1/0x2 here', 1)).toBeUndefined();
    const call = armCallOfLine(table, '[] (__schedule) from [] (schedule+0x40/0xa4)')!;
    expect([call.callee.fn, call.caller.fn, call.caller.offset]).toEqual(['__schedule', 'schedule', '0x40']);
  });
  it('reads plain frames and the unreliable marker', () => {
    const f = parseFrameLine(table, '? __queue_work+0x1ad/0x3d0', 1)!;
    expect(f.fn).toBe('__queue_work');
    expect(f.reliable).toBe(false);
    expect(parseFrameLine(table, 'ttm_tt_populate.part.4+0x74/0x78', 1)!.fn).toBe('ttm_tt_populate.part.4');
    expect(parseFrameLine(table, 'vp_reset+0x3a/0x50 [virtio_pci]', 1)!.module).toBe('virtio_pci');
    expect(parseFrameLine(table, '__schedule+0x2c4/0x700 (T)', 1)!.fn).toBe('__schedule');
  });
  it("reads sparc32's `[pc : sym ]` frames (two printk calls, joined by reflow)", () => {
    expect(parseFrameLine(table, '[f00d598c : copy_page_range+0x328/0x804 ]', 3)).toEqual({
      fn: 'copy_page_range',
      offset: '0x328',
      size: '0x804',
      module: null,
      addr: 'f00d598c',
      reliable: true,
      line: 3,
    });
    // A user-space return address has no symbol: no frame.
    expect(parseFrameLine(table, '[5010cd4c : 0x5010cd4c ]', 1)).toBeUndefined();
  });
  it("reads sparc64's ` [pc] sym` frames (16-digit return address, one bracket)", () => {
    expect(parseFrameLine(table, '[0000000000525990] prom_putchar+0x2c/0x34', 7)).toEqual({
      fn: 'prom_putchar',
      offset: '0x2c',
      size: '0x34',
      module: null,
      addr: '0000000000525990',
      reliable: true,
      line: 7,
    });
    // A user-space return address after the last kernel frame has no symbol: no frame.
    expect(parseFrameLine(table, '[0000000000101d74] 0x101d7c', 1)).toBeUndefined();
    // Fewer digits is not sparc64's form.
    expect(parseFrameLine(table, '[00525990] prom_putchar+0x2c/0x34', 1)).toBeUndefined();
  });
  it('reads syzkaller inline frames', () => {
    expect(parseFrameLine(table, '__dump_stack lib/dump_stack.c:17 [inline]', 1)!.fn).toBe('__dump_stack');
  });
  it('reads frames decode_stacktrace.sh printed: source locations in place of the offset', () => {
    expect(parseFrameLine(table, '__schedule (kernel/sched/core.c:5380 kernel/sched/core.c:6764) ', 4)).toMatchObject({
      fn: '__schedule',
      offset: null,
      size: null,
      module: null,
      addr: null,
      reliable: true,
      line: 4,
    });
    const inlined =
      '? schedule (./arch/x86/include/asm/preempt.h:84 (discriminator 13) kernel/sched/core.c:6672 (discriminator 13))';
    expect(parseFrameLine(table, inlined, 1)).toMatchObject({ fn: 'schedule', reliable: false });
    expect(
      parseFrameLine(table, 'drm_test_fb (drivers/gpu/drm/tests/drm_framebuffer_test.c:693) drm_framebuffer_test', 1),
    ).toMatchObject({ fn: 'drm_test_fb', module: 'drm_framebuffer_test' });
    expect(parseFrameLine(table, 'torture_offline (??:?) torture', 1)).toMatchObject({
      fn: 'torture_offline',
      module: 'torture',
    });
    expect(parseFrameLine(table, 'update_rq_clock_task (kernel/sched/core.c:?)', 1)!.fn).toBe('update_rq_clock_task');
    // arm64 (6.13+) marks the frame read from the registers.
    expect(parseFrameLine(table, 'rcu_preempt_deferred_qs_handler (kernel/rcu/tree_plugin.h:647) (P)', 1)!.fn).toBe(
      'rcu_preempt_deferred_qs_handler',
    );
    // Prose with a parenthesis is no frame; nor is a list a client cut (reflow joins it first).
    expect(
      parseFrameLine(table, 'Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.3', 1),
    ).toBeUndefined();
    expect(parseFrameLine(table, 'see the fix (commit 33cd6ea9c067) here', 1)).toBeUndefined();
    expect(
      frameFromDecoded('schedule (./arch/x86/include/asm/preempt.h:84 kernel/sched/core.c:6824', 1),
    ).toBeUndefined();
  });
  it('rejects prose and code', () => {
    expect(parseFrameLine(table, 'work_on_cpu(cpu, local_pci_probe, &ddi);', 1)).toBeUndefined();
    expect(parseFrameLine(table, 'The value 0x10/0x20 is wrong', 1)).toBeUndefined();
  });
  it('knows the /proc stack terminator', () => {
    expect(isStackTerminator('[<ffffffffffffffff>] 0xffffffffffffffff')).toBe(true);
    expect(parseFrameLine(table, '[<ffffffffffffffff>] 0xffffffffffffffff', 1)).toBeUndefined();
  });
  it('reads crash bt frames', () => {
    expect(
      frameFromCrashBt(table, '#13 [ffff8f1bf6bc7c58] queued_spin_lock_slowpath at ffffffff83f5bf4b', 3),
    ).toMatchObject({
      fn: 'queued_spin_lock_slowpath',
      sp: 'ffff8f1bf6bc7c58',
      addr: 'ffffffff83f5bf4b',
    });
  });
  it('converts crash decimal offsets to hex', () => {
    expect(frameFromSymbolOffset('smp_call_function_many+514', 1)).toMatchObject({
      fn: 'smp_call_function_many',
      offset: '0x202',
    });
    expect(frameFromSymbolOffset('native_queued_spin_lock_slowpath+0x1ce/0x200', 1)).toMatchObject({
      offset: '0x1ce',
      size: '0x200',
    });
  });
});

describe('frameFromCrashBt reads exactly what CRASH_BT matches', () => {
  const viaRegex = (s: string) => {
    const m = CRASH_BT.exec(s);
    return m ? { fn: m[3], module: m[5] ?? null, addr: m[4].toLowerCase(), sp: m[2].toLowerCase() } : undefined;
  };
  const viaHand = (s: string) => {
    const f = frameFromCrashBt(table, s, 1);
    return f ? { fn: f.fn, module: f.module, addr: f.addr, sp: f.sp } : undefined;
  };
  const pieces = [
    '#',
    '#1',
    '#12345',
    ' ',
    '  ',
    '    ',
    '[',
    ']',
    'ffff8f4957fbfa30',
    'FFFF8F49',
    'abc',
    'ffff8f4957fbfa30ff',
    '] ',
    ' at ',
    'at',
    'schedule',
    '__x.isra.0',
    'ffffffff838d63d2',
    ' [mod]',
    ' [m-x_1]',
    ' [',
    'x',
    '',
    '\t',
    '+658',
    '+0x2c3',
    '+',
    '+0x',
  ];
  it('on lines built from the pieces of real and broken frame lines', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 12 }), (parts) => {
        const s = parts.join('');
        expect(viaHand(s)).toEqual(viaRegex(s));
      }),
      { numRuns: 5000, seed: 7 },
    );
  });
  it('on real lines', () => {
    for (const s of [
      '#0 [ffff88043fd03cf8] machine_kexec at ffffffff8105c4cb',
      '#10 [ffffb8a1e29d0adf] entry_SYSCALL_64_after_hwframe at ffffffff817cead9 [bsnmod] extra',
      '#4  [FFFF8F4957FBFA30] try_to_wake_up at FFFFFFFF838D63D2',
      '#3 [ffffb36648bc7ae8] reclaim_throttle+0xd0 at ffffffffb6a69ab0',
      '#0 [ffffb198b95b7c00] __schedule+658 at ffffffffb37516a2',
    ]) {
      expect(viaHand(s)).toEqual(viaRegex(s));
      expect(viaHand(s)).toBeDefined();
    }
  });
});

describe('frameFromProcStack', () => {
  it('reads 2.6 x86_64 module symbols written `:mod:fn`', () => {
    const f = frameFromProcStack('[<ffffffff88582f6d>] :jbd2:jbd2_journal_commit_transaction+0x191/0x1068', 3)!;
    expect([f.fn, f.module, f.offset, f.size, f.addr, f.reliable]).toEqual([
      'jbd2_journal_commit_transaction',
      'jbd2',
      '0x191',
      '0x1068',
      'ffffffff88582f6d',
      true,
    ]);
    expect(frameFromProcStack('[<ffffffff8008cf5f>] find_busiest_group+0x20d/0x621', 3)!.module).toBeNull();
  });
});

describe('frameFromPlain reads exactly what PLAIN matches', () => {
  const viaRegex = (s: string) => {
    const m = PLAIN.exec(s);
    return m
      ? {
          fn: m[2],
          offset: '0x' + m[3].toLowerCase(),
          size: '0x' + m[4].toLowerCase(),
          module: m[5] ?? null,
          reliable: !m[1],
        }
      : undefined;
  };
  const viaHand = (s: string) => {
    const f = frameFromPlain(s, 1);
    return f ? { fn: f.fn, offset: f.offset, size: f.size, module: f.module, reliable: f.reliable } : undefined;
  };
  const pieces = [
    '? ',
    'fn',
    '__x.isra.0',
    '+0x',
    '1a',
    'FF',
    '/0x',
    '20',
    ' ',
    '[',
    ']',
    ' [',
    'mod',
    'm-x_1',
    ' 3f1c2a9d0e',
    ' zz',
    ' (T)',
    ' (P)',
    '(T)',
    'lib/x.c:12',
    '\t',
    '',
  ];
  it('on lines built from the pieces of real and broken frame lines', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 12 }), (parts) => {
        const s = parts.join('');
        expect(viaHand(s), s).toEqual(viaRegex(s));
      }),
      { numRuns: 8000, seed: 11 },
    );
  });
  it('on real lines, with a build id after the module', () => {
    for (const s of [
      'vp_reset+0x3a/0x50 [virtio_pci]',
      'xfs_buf_lock+0x3b/0x110 [xfs 3f1c2a9d0e5b7a6c8d9e0f1a2b3c4d5e6f708192]',
      '? __queue_work+0x1ad/0x3d0',
      '__schedule+0x2c4/0x700 (T)',
    ]) {
      expect(viaHand(s)).toEqual(viaRegex(s));
      expect(viaHand(s)).toBeDefined();
    }
    expect(viaHand('xfs_buf_lock+0x3b/0x110 [xfs 3f1c2a9d0e5b]')!.module).toBe('xfs');
  });
});

describe('frameOfLine turns away lines without `+0x` or `[inline]`', () => {
  // Its pre-filter must never reject a line one of the frame styles reads.
  const pieces = [
    'fn',
    '+0x',
    '1a',
    '/0x',
    '20',
    ' ',
    '? ',
    '[<ffffffff81000000>] ',
    ' [mod]',
    ' (T)',
    'lib/x.c:12',
    ' [inline]',
    '0x',
    'ffffffffc0370000',
    '+',
    '/',
    'X',
  ];
  it('on lines built from frame pieces', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 10 }), (parts) => {
        const s = parts.join('');
        const read = frameFromPlain(s, 1) ?? frameFromInline(s, 1) ?? frameFromProcStack(s, 1);
        if (read) expect(s.includes('+0x') || s.endsWith('[inline]'), s).toBe(true);
        if (!s.includes('+0x') && !s.endsWith('[inline]')) expect(parseFrameLine(table, s, 1)).toBeUndefined();
      }),
      { numRuns: 5000, seed: 3 },
    );
  });
});

describe('a frame the sender added by hand, in braces', () => {
  it('is a frame with no offset or address, a trailing `# note` allowed', () => {
    expect(parseFrameLine(table, '{ crypto_wait_req }             # entries in braces added by hand', 7)).toEqual({
      fn: 'crypto_wait_req',
      offset: null,
      size: null,
      module: null,
      addr: null,
      reliable: true,
      line: 7,
    });
    expect(frameFromAnnotation('{do_one_aead_op}', 1)?.fn).toBe('do_one_aead_op');
  });

  it("keeps the task's stack whole across the added lines", () => {
    const doc = analyze(
      [
        'INFO: task modprobe:10075 blocked for more than 120 seconds.',
        'modprobe        D    0 10075  10064 0x80004080',
        'Call Trace:',
        ' schedule+0x6c/0x90',
        ' schedule_timeout+0x3b/0x320',
        ' wait_for_common+0x160/0x1a0',
        ' { crypto_wait_req }             # entries in braces added by hand',
        ' { do_one_aead_op }',
        ' test_aead_speed.constprop.17+0x681/0xf30 [tcrypt]',
        ' do_test+0x4053/0x6a2b [tcrypt]',
      ].join('\n'),
    );
    expect(doc.tasks.map((t) => [t.pid, t.frames.map((f) => f.fn)])).toEqual([
      [
        10075,
        [
          'schedule',
          'schedule_timeout',
          'wait_for_common',
          'crypto_wait_req',
          'do_one_aead_op',
          'test_aead_speed.constprop.17',
          'do_test',
        ],
      ],
    ]);
  });

  it('only when the braces hold one function name and nothing else', () => {
    for (const s of ['{ return; }', '{ a, b }', '{ 0 }', '{ }', '{ fn } trailing', '{ fn', 'x { fn }'])
      expect(parseFrameLine(table, s, 1), s).toBeUndefined();
  });
});

describe('s390 trace lines', () => {
  it('reads the parenthesized frame the unwinder is not sure of as unreliable', () => {
    expect(parseFrameLine(table, '([<0000000000b84a8a>] __schedule+0x2ba/0x7a8)', 2)).toEqual({
      fn: '__schedule',
      offset: '0x2ba',
      size: '0x7a8',
      module: null,
      addr: '0000000000b84a8a',
      reliable: false,
      generic: true,
      line: 2,
    });
    expect(parseFrameLine(table, '(see [<0000000000b84a8a>] __schedule+0x2ba/0x7a8)', 2)).toBeUndefined();
  });
});

describe('powerpc trace lines', () => {
  it("reads the return address and symbol, the unreliable mark and ftrace's real caller", () => {
    expect(parseFrameLine(table, '[c00000000f4f76d0] [c0000000010b9c54] io_schedule+0x24/0x60', 3)).toEqual({
      fn: 'io_schedule',
      offset: '0x24',
      size: '0x60',
      module: null,
      addr: 'c0000000010b9c54',
      reliable: true,
      generic: true,
      line: 3,
    });
    expect(
      parseFrameLine(
        table,
        '[c00000000f4f79f0] [c00800000a2c7e54] jbd2_journal_commit_transaction+0x8d4/0x1ed0 [jbd2]',
        1,
      )!.module,
    ).toBe('jbd2');
    expect(
      parseFrameLine(table, '[c000000002a8bf90] [c0000000011a5a74] _raw_spin_lock+0x3c/0x70 (unreliable)', 1)!.reliable,
    ).toBe(false);
    expect(
      frameFromPpc('[c0000000a1dbfd10] [c000000000067a40] return_to_handler+0x0/0x40 (vfs_fsync_range+0x58/0xe0)', 1)!
        .fn,
    ).toBe('return_to_handler');
  });
  it('turns away frames without a symbol and 32-bit ARM/x86 lines', () => {
    expect(
      parseFrameLine(table, '[c00000000f4f7380] [c00000000f4f73c0] 0xc00000000f4f73c0 (unreliable)', 1),
    ).toBeUndefined();
    expect(frameFromPpc('[<c0c3a7a4>] (__schedule) from [<c0c3ac8c>] (schedule+0x58/0xc4)', 1)).toBeUndefined();
    expect(
      frameFromPpc('[c00000000f4f76d0] [c0000000010b9c54] io_schedule+0x24/0x60 trailing words', 1),
    ).toBeUndefined();
  });
});

describe('32-bit ARM call lines', () => {
  const call = (t: string) => {
    const c = armCallOfLine(table, t);
    return c && { callee: { ...c.callee }, caller: { ...c.caller } };
  };
  it('reads the verbose form (addresses, the function without offset) and the 3.x one (offsets on both)', () => {
    expect(call('[<80de0078>] (dump_backtrace) from [<80de0574>] (show_stack+0x28/0x2c)')).toEqual({
      callee: {
        fn: 'dump_backtrace',
        offset: null,
        size: null,
        module: null,
        addr: '80de0078',
        reliable: true,
        generic: true,
      },
      caller: {
        fn: 'show_stack',
        offset: '0x28',
        size: '0x2c',
        module: null,
        addr: '80de0574',
        reliable: true,
        generic: true,
      },
    });
    expect(call('[<C0012345>] (unwind_backtrace+0x0/0xF8) from [<c0011234>] (show_stack+0x10/0x14 [mod])')).toEqual({
      callee: {
        fn: 'unwind_backtrace',
        offset: '0x0',
        size: '0xf8',
        module: null,
        addr: 'c0012345',
        reliable: true,
        generic: true,
      },
      caller: {
        fn: 'show_stack',
        offset: '0x10',
        size: '0x14',
        module: 'mod',
        addr: 'c0011234',
        reliable: true,
        generic: true,
      },
    });
  });
  it("reads the 5.13+ form without addresses, with modules, build ids and syzkaller's file:line", () => {
    expect(call('bcm2835_i2c_xfer [i2c_bcm2835] from __i2c_transfer+0x10c/0x5b0')).toEqual({
      callee: { fn: 'bcm2835_i2c_xfer', offset: null, size: null, module: 'i2c_bcm2835', addr: null, reliable: true },
      caller: { fn: '__i2c_transfer', offset: '0x10c', size: '0x5b0', module: null, addr: null, reliable: true },
    });
    expect(call('__irq_svc from sht3x_read_values+0x7c/0x11c [sht3x 3f1c2a9d0e]')!.caller).toMatchObject({
      fn: 'sht3x_read_values',
      module: 'sht3x',
    });
    expect(
      call('[<8188d1a4>] (dump_backtrace) from [<8188d298>] (show_stack+0x18/0x1c arch/arm/kernel/traps.c:253)')!.caller
        .fn,
    ).toBe('show_stack');
    expect(call('dump_stack_lvl from nmi_cpu_backtrace+0xd4/0x104 lib/nmi_backtrace.c:111')!.callee.fn).toBe(
      'dump_stack_lvl',
    );
  });
  it("reads the verbose form's parentheses with the addresses left out", () => {
    expect(call('(__schedule) from (schedule+0x5b/0x90)')).toEqual({
      callee: { fn: '__schedule', offset: null, size: null, module: null, addr: null, reliable: true, generic: true },
      caller: { fn: 'schedule', offset: '0x5b', size: '0x90', module: null, addr: null, reliable: true, generic: true },
    });
    expect(call('(mmci_remove [armmmci]) from (amba_remove+0x13/0x42)')!.callee).toMatchObject({
      fn: 'mmci_remove',
      module: 'armmmci',
    });
    for (const t of ['(see above) from (the log+0x1/0x2)', '(foo) from (bar)', '(foo) from bar+0x1/0x2'])
      expect(armCallOfLine(table, t), t).toBeUndefined();
  });
  it('reads a call whose saved registers were glued onto its line, and only whole register words', () => {
    const glued = '[<c091d7e8>] (schedule) from [<c01575fc>] (io_schedule+0x20/0x48) r5:edd31a94 r4:00000000';
    expect(call(glued)).toEqual(call('[<c091d7e8>] (schedule) from [<c01575fc>] (io_schedule+0x20/0x48)'));
    expect(
      call(
        '[<bf25fa64>] (ehci_urb_enqueue [ehci_hcd]) from [<bf1c478c>] (usb_hcd_submit_urb+0xc8/0x980 [usbcore]) r10:000000ef r9:00600000 r8:ed236308',
      )!.caller,
    ).toMatchObject({ fn: 'usb_hcd_submit_urb', module: 'usbcore' });
    for (const t of [
      '[<c091d7e8>] (schedule) from [<c01575fc>] (io_schedule+0x20/0x48) r5:edd31a9',
      '[<c091d7e8>] (schedule) from [<c01575fc>] (io_schedule+0x20/0x48) and r5:edd31a94',
    ])
      expect(armCallOfLine(table, t), t).toBeUndefined();
  });
  it("is the same frame object as the frame table's for the same text", () => {
    const a = armCallOfLine(table, 'show_stack from dump_stack_lvl+0x70/0x94')!;
    expect(armCallOfLine(table, 'show_stack from dump_stack_lvl+0x70/0x94')).toBe(a);
  });
  it('turns away other lines: no symbols, prose, x86 frames', () => {
    for (const t of [
      'Function entered at [<c0012345>] from [<c0012400>]',
      'copied from the log above',
      'the frame came from foo',
      '__schedule+0x2eb/0x8d0',
      '[<ffffffff9a567c49>] schedule+0x29/0x70',
      'dump_backtrace from show_stack',
      'a b from c+0x1/0x2',
    ])
      expect(armCallOfLine(table, t), t).toBeUndefined();
  });
});
