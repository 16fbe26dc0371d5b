import { describe, expect, it } from 'vitest';
import { remapCapture } from './remap.js';

const none = { addressDelta: 0n, pidDelta: 0, timeDeltaUs: 0, reverseCpus: false };

describe('remapCapture', () => {
  it('moves an address and its flag-bit variants together, and leaves error codes alone', () => {
    const text =
      'mutex ffff88003570de20 owner: ffff880035acf1e1 task ffff880035acf1e0 RAX: ffffffffffffffda [<ffffffff8232bf0e>]';
    expect(remapCapture(text, [], { ...none, addressDelta: 0x200000n })).toBe(
      'mutex ffff88003590de20 owner: ffff880035ccf1e1 task ffff880035ccf1e0 RAX: ffffffffffffffda [<ffffffff8252bf0e>]',
    );
  });
  it('moves an address gdb printed as a signed long, not a negative count', () => {
    const dec = (a: bigint) => '-' + ((1n << 64n) - a).toString(10);
    const text = `owner = { counter = ${dec(0xffffa0ba50b620c0n)} }, count = { counter = -4294967297 }`;
    expect(remapCapture(text, [], { ...none, addressDelta: 0x200000n })).toBe(
      `owner = { counter = ${dec(0xffffa0ba50d620c0n)} }, count = { counter = -4294967297 }`,
    );
  });
  it('moves 32-bit addresses only where the format prints an address', () => {
    const text = ' (&ps2dev->cmd_mutex/1){--..}, at: [<c05937fd>] ps2_command+0x6a/0x2bd\nEFLAGS: c0010246';
    expect(remapCapture(text, [], { ...none, addressDelta: 0x200000n })).toBe(
      ' (&ps2dev->cmd_mutex/1){--..}, at: [<c07937fd>] ps2_command+0x6a/0x2bd\nEFLAGS: c0010246',
    );
  });
  it('changes known pids wherever they stand alone, not a duration, a name or a time equal to one', () => {
    const text = '[  12.000001][ T4553] syz-executor738/4553 CPU: 1 PID: 4553 stuck for 4553s! ip6_4553 [4553.000000]';
    expect(remapCapture(text, [4553, 1], { ...none, pidDelta: 10 })).toBe(
      '[  12.000001][ T4563] syz-executor738/4563 CPU: 1 PID: 4563 stuck for 4553s! ip6_4553 [4553.000000]',
    );
  });
  it('reverses CPU numbers in every place the formats print one', () => {
    const text =
      '[    C3] watchdog: BUG: soft lockup - CPU#1 stuck\nNMI backtrace for cpu 0\n\t2-...: (1 GPs behind)\nkworker/2:1 cpus=3 node=0';
    expect(remapCapture(text, [], { ...none, reverseCpus: true })).toBe(
      '[    C0] watchdog: BUG: soft lockup - CPU#2 stuck\nNMI backtrace for cpu 3\n\t1-...: (1 GPs behind)\nkworker/1:1 cpus=0 node=0',
    );
  });
  it('moves dmesg times and clock times', () => {
    expect(
      remapCapture('[  127.525803] x\nMar 16 11:26:49 host kernel: y', [], { ...none, timeDeltaUs: 2_000_000 }),
    ).toBe('[  129.525803] x\nMar 16 11:26:51 host kernel: y');
  });
});
