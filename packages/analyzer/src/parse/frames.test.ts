import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CRASH_BT, frameFromCrashBt, frameFromInline, frameFromPlain, frameFromProcStack, frameFromSymbolOffset, isStackTerminator, parseFrameLine } from './frames.js';

describe('frame line styles', () => {
  it('reads /proc/PID/stack with addresses and modules', () => {
    expect(parseFrameLine('[<ffffffffa03d8399>] apxbsnIoRelease+0x29/0x160 [bsnmod]', 7)).toEqual({
      fn: 'apxbsnIoRelease', offset: '0x29', size: '0x160', module: 'bsnmod', addr: 'ffffffffa03d8399', reliable: true, line: 7,
    });
  });
  it('reads plain frames and the unreliable marker', () => {
    const f = parseFrameLine('? __queue_work+0x1ad/0x3d0', 1)!;
    expect(f.fn).toBe('__queue_work');
    expect(f.reliable).toBe(false);
    expect(parseFrameLine('ttm_tt_populate.part.4+0x74/0x78', 1)!.fn).toBe('ttm_tt_populate.part.4');
    expect(parseFrameLine('vp_reset+0x3a/0x50 [virtio_pci]', 1)!.module).toBe('virtio_pci');
    expect(parseFrameLine('__schedule+0x2c4/0x700 (T)', 1)!.fn).toBe('__schedule');
  });
  it('reads syzkaller inline frames', () => {
    expect(parseFrameLine('__dump_stack lib/dump_stack.c:17 [inline]', 1)!.fn).toBe('__dump_stack');
  });
  it('rejects prose and code', () => {
    expect(parseFrameLine('work_on_cpu(cpu, local_pci_probe, &ddi);', 1)).toBeUndefined();
    expect(parseFrameLine('The value 0x10/0x20 is wrong', 1)).toBeUndefined();
  });
  it('knows the /proc stack terminator', () => {
    expect(isStackTerminator('[<ffffffffffffffff>] 0xffffffffffffffff')).toBe(true);
    expect(parseFrameLine('[<ffffffffffffffff>] 0xffffffffffffffff', 1)).toBeUndefined();
  });
  it('reads crash bt frames', () => {
    expect(frameFromCrashBt('#13 [ffff8f1bf6bc7c58] queued_spin_lock_slowpath at ffffffff83f5bf4b', 3)).toMatchObject({ fn: 'queued_spin_lock_slowpath', sp: 'ffff8f1bf6bc7c58', addr: 'ffffffff83f5bf4b' });
  });
  it('converts crash decimal offsets to hex', () => {
    expect(frameFromSymbolOffset('smp_call_function_many+514', 1)).toMatchObject({ fn: 'smp_call_function_many', offset: '0x202' });
    expect(frameFromSymbolOffset('native_queued_spin_lock_slowpath+0x1ce/0x200', 1)).toMatchObject({ offset: '0x1ce', size: '0x200' });
  });
});

describe('frameFromCrashBt reads exactly what CRASH_BT matches', () => {
  const viaRegex = (s: string) => {
    const m = CRASH_BT.exec(s);
    return m ? { fn: m[3], module: m[5] ?? null, addr: m[4].toLowerCase(), sp: m[2].toLowerCase() } : undefined;
  };
  const viaHand = (s: string) => {
    const f = frameFromCrashBt(s, 1);
    return f ? { fn: f.fn, module: f.module, addr: f.addr, sp: f.sp } : undefined;
  };
  const pieces = ['#', '#1', '#12345', ' ', '  ', '    ', '[', ']', 'ffff8f4957fbfa30', 'FFFF8F49', 'abc', 'ffff8f4957fbfa30ff', '] ', ' at ', 'at', 'schedule', '__x.isra.0', 'ffffffff838d63d2', ' [mod]', ' [m-x_1]', ' [', 'x', '', '\t'];
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
    for (const s of ['#0 [ffff88043fd03cf8] machine_kexec at ffffffff8105c4cb', '#10 [ffffb8a1e29d0adf] entry_SYSCALL_64_after_hwframe at ffffffff817cead9 [bsnmod] extra', '#4  [FFFF8F4957FBFA30] try_to_wake_up at FFFFFFFF838D63D2']) {
      expect(viaHand(s)).toEqual(viaRegex(s));
      expect(viaHand(s)).toBeDefined();
    }
  });
});

describe('frameOfLine turns away lines without `+0x` or `[inline]`', () => {
  // Its pre-filter must never reject a line one of the frame styles reads.
  const pieces = ['fn', '+0x', '1a', '/0x', '20', ' ', '? ', '[<ffffffff81000000>] ', ' [mod]', ' (T)', 'lib/x.c:12', ' [inline]', '0x', 'ffffffffc0370000', '+', '/', 'X'];
  it('on lines built from frame pieces', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 10 }), (parts) => {
        const s = parts.join('');
        const read = frameFromPlain(s, 1) ?? frameFromInline(s, 1) ?? frameFromProcStack(s, 1);
        if (read) expect(s.includes('+0x') || s.endsWith('[inline]'), s).toBe(true);
        if (!s.includes('+0x') && !s.endsWith('[inline]')) expect(parseFrameLine(s, 1)).toBeUndefined();
      }),
      { numRuns: 5000, seed: 3 },
    );
  });
});
