// Lock resolution rules, each on a minimal dump in the kernel's own format.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../analyze.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'dmesg', name), 'utf8');

describe('resolveLocks', () => {
  it('a task blocked where lockdep shows the lock was taken waits for that lock (likely)', () => {
    const d = analyze(fixture('held-lock-site-owner.txt'));
    const l = d.locks.find((x) => x.id === 'lock:ffff8881052a5e10')!;
    expect(l.owner).toBe('task:99');
    expect(l.type).toBe('mutex');
    const e = d.graph.edges.find((x) => x.from === 'task:101' && x.to === l.id)!;
    expect(e.kind).toBe('waits_lock');
    expect(e.confidence).toBe('likely');
  });

  it('the last held lock taken at the blocking site is the one being acquired, not held', () => {
    const text = [
      'INFO: task rm:8830 blocked for more than 120 seconds.',
      'task:rm              state:D stack:0     pid:8830  ppid:1      flags:0x00000000',
      'Call Trace:',
      ' __schedule+0x24e/0x590',
      ' schedule+0x69/0x110',
      ' rwsem_down_write_slowpath+0x308/0x5c0',
      ' down_write+0x2b/0x40',
      ' do_unlinkat+0x13c/0x2f0',
      'Showing all locks held in the system:',
      '1 lock held by find/8812:',
      ' #0: 0000000036f1c2aa (&type->i_mutex_dir_key#4){++++}, at: iterate_dir+0x53/0x1c0',
      '2 locks held by rm/8830:',
      ' #0: 00000000b3e8a1d7 (sb_writers#3){.+.+}, at: mnt_want_write+0x20/0x50',
      ' #1: 0000000036f1c2aa (&type->i_mutex_dir_key#4/1){+.+.}, at: do_unlinkat+0x13c/0x2f0',
    ].join('\n');
    const d = analyze(text);
    const l = d.locks.find((x) => x.id === 'lock:0000000036f1c2aa')!;
    expect(l.owner).toBe('task:8812');
    expect(l.waiters).toEqual(['task:8830']);
    expect(d.locks.find((x) => x.id === 'lock:00000000b3e8a1d7')?.owner ?? 'task:8830').toBe('task:8830');
  });

  it('a mutex owner field with flag bits names the owner once the bits are masked; a mutex_waiter names the waiter', () => {
    const text = [
      'crash> ps',
      '   4790      2   1  ffff88003570de20  UN   0.0       0      0  [kworker/1:2]',
      '   5001      1   0  ffff88003570e000  UN   0.0       0      0  [waiter]',
      'crash> struct mutex ffff880035acf1e0',
      'struct mutex {',
      '  owner = {',
      '    counter = 0xffff88003570de23',
      '  },',
      '  wait_list = {',
      '    next = 0xffff8800506d3b50,',
      '    prev = 0xffff8800506d3b50',
      '  }',
      '}',
      'crash> mutex_waiter 0xffff8800506d3b50',
      'struct mutex_waiter {',
      '  list = {',
      '    next = 0xffff880035acf1e8,',
      '    prev = 0xffff880035acf1e8',
      '  },',
      '  task = 0xffff88003570e000',
      '}',
    ].join('\n');
    const d = analyze(text);
    const l = d.locks.find((x) => x.id === 'lock:ffff880035acf1e0')!;
    expect(l.owner).toBe('task:4790');
    expect(l.ownerConfidence).toBe('certain');
    expect(l.waiters).toEqual(['task:5001']);
  });
});
