// crash bt output pasted with its `#N [sp]` columns cut, under the panic's CPU line.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../analyze.js';
import { FrameTable } from '../frame-table.js';
import { crashBtFrameWithoutColumns } from '../frames.js';
import { LPFC_HARD_LOCKUP_BT as trimmed, TALPA_FAULT_BT } from '../../testing/crash-texts.js';

describe('a crash bt trimmed to its symbols', () => {
  it('reads `fn at ADDR [mod]` as a frame only when that is the whole line', () => {
    const table = new FrameTable();
    expect(crashBtFrameWithoutColumns(table, 'lpfc_cmf_timer at ffffffffc0abbc67 [lpfc]')).toMatchObject({
      fn: 'lpfc_cmf_timer',
      module: 'lpfc',
      addr: 'ffffffffc0abbc67',
    });
    expect(crashBtFrameWithoutColumns(table, 'the oops at ffffffffc0abbc67 again')).toBeUndefined();
  });

  it("is the panic task's stack, its handler frames in the interrupt's context", () => {
    const d = analyze(trimmed);
    const t = d.tasks.find((x) => x.pid === 110402)!;
    expect([t.comm, t.cpu]).toEqual(['cat', 3]);
    expect(t.frames.map((f) => [f.fn, f.context ?? 'task'])).toEqual([
      ['native_queued_spin_lock_slowpath', 'exception'],
      ['_raw_spin_lock', 'irq'],
      ['lpfc_rx_monitor_record', 'irq'],
      ['lpfc_cmf_timer', 'irq'],
      ['__hrtimer_run_queues', 'irq'],
      ['hrtimer_interrupt', 'irq'],
      ['smp_apic_timer_interrupt', 'irq'],
      ['apic_timer_interrupt', 'irq'],
      ['apic_timer_interrupt', 'task'],
      ['lpfc_rx_monitor_report', 'task'],
      ['lpfc_rx_monitor_read', 'task'],
      ['vfs_read', 'task'],
    ]);
    expect(d.cpus.find((c) => c.cpu === 3)?.stuck).toBe(true);
  });

  it('the spin in the timer handler is the handler function\u2019s, not the interrupted code\u2019s', () => {
    const d = analyze(trimmed);
    expect(d.graph.edges.find((e) => e.from === 'task:110402' && e.kind === 'waits_lock')?.to).toBe(
      'lock:spinlock@lpfc_rx_monitor_record#110402',
    );
  });

  it('is not taken for crash output without the panic line naming a task', () => {
    const d = analyze(trimmed.split('\n').slice(2).join('\n'));
    expect(d.tasks.some((x) => x.frames.some((f) => f.fn === 'lpfc_rx_monitor_report'))).toBe(false);
  });
});

describe("a sender's note between two frames", () => {
  it("is read over: the frames after it are the same task's (an arrow note wrapped over two lines)", () => {
    // David Wysochanski's linux-cifs report (2019), as Pavel Shilovsky quoted it.
    const doc = analyze(
      [
        'crash> bt 13279',
        'PID: 13279  TASK: ffff93b8a7d90000  CPU: 1   COMMAND: "python3-openloo"',
        ' #0 [ffffaae1c0a77c20] __schedule at ffffffffa19d4239',
        ' #1 [ffffaae1c0a77cb0] schedule at ffffffffa19d46b9',
        ' #2 [ffffaae1c0a77cc8] rwsem_down_write_slowpath at ffffffffa1131ada',
        '<------------- T+1: pid 13279 down_write(... lock_sem); blocks due to',
        'pid 13275',
        ' #3 [ffffaae1c0a77d98] _cifsFileInfo_put at ffffffffc0759818 [cifs]',
        ' #4 [ffffaae1c0a77e78] cifs_close at ffffffffc0759b4f [cifs]',
      ].join('\n'),
    );
    const t = doc.tasks.find((x) => x.pid === 13279)!;
    expect(t.frames.map((f) => f.fn)).toEqual([
      '__schedule',
      'schedule',
      'rwsem_down_write_slowpath',
      '_cifsFileInfo_put',
      'cifs_close',
    ]);
    expect(doc.tasks.map((x) => x.pid)).toEqual([13279]);
  });

  it('but a line that is no frame ends the bt when the next frame does not follow it', () => {
    const doc = analyze(
      [
        'crash> bt 13279',
        'PID: 13279  TASK: ffff93b8a7d90000  CPU: 1   COMMAND: "python3-openloo"',
        ' #0 [ffffaae1c0a77c20] __schedule at ffffffffa19d4239',
        ' #1 [ffffaae1c0a77cb0] schedule at ffffffffa19d46b9',
        'and then the trace of another task, numbered from 0:',
        ' #0 [ffffaae1c0a57a00] __schedule at ffffffffa19d4239',
      ].join('\n'),
    );
    expect(doc.tasks.find((x) => x.pid === 13279)!.frames.map((f) => f.fn)).toEqual(['__schedule', 'schedule']);
  });
});

describe('a crash bt pasted without its frame numbers', () => {
  it('reads `[sp] fn at ADDR` frames and a header behind a pasted line number', () => {
    // Haifeng Xu's bonding patch (netdev, 2023-11-08), as posted.
    const text = [
      'PID: 210933  TASK: ffff92424e5ec080  CPU: 13  COMMAND: "kworker/u96:2"',
      '[ffffa7a8e96bbac0] __schedule at ffffffffb0719898',
      '[ffffa7a8e96bbb68] rwsem_down_write_slowpath at ffffffffafb3167a',
      '[ffffa7a8e96bbc00] down_write at ffffffffb071bfc1',
      '[ffffa7a8e96bbc18] kernfs_remove_by_name_ns at ffffffffafe3593e',
      '',
      '290858 PID: 278176  TASK: ffff925deb39a040  CPU: 32  COMMAND: "node-exporter"',
      '[ffffa7a8d14dbcc8] mutex_lock at ffffffffb071b1e2',
      '[ffffa7a8d14dbce0] rtnl_lock at ffffffffb047f4b5',
      '[ffffa7a8d14dbcf0] bonding_show_bonds at ffffffffc079b1a1 [bonding]',
    ].join('\n');
    const doc = analyze(text);
    const t = doc.tasks.find((x) => x.pid === 210933)!;
    expect(t.frameLines).toEqual([2, 3, 4, 5]);
    const n = doc.tasks.find((x) => x.pid === 278176)!;
    expect(n.comm).toBe('node-exporter');
    expect(n.frames.map((f) => f.fn)).toContain('bonding_show_bonds');
  });
});

describe('crash bt frames pasted under `cat /proc/PID/stack`', () => {
  it('are the stack of that pid, even after other crash commands', () => {
    const d = analyze(
      [
        'crash> struct rw_semaphore ffff941d45f98870 -x',
        'struct rw_semaphore {',
        '  count = {',
        '    counter = 0x102',
        '  },',
        '}',
        '[root@host ~]# cat /proc/4129433/stack',
        ' #0 [ffffbbd86271fd58] __schedule at ffffffff9c46f786',
        ' #1 [ffffbbd86271fde8] schedule at ffffffff9c46fba6',
        ' #2 [ffffbbd86271fe00] rwsem_down_write_slowpath at ffffffff9bb4c5d0',
        ' #3 [ffffbbd86271feb0] do_reconfigure_mnt at ffffffff9bd8ba7d',
      ].join('\n'),
    );
    const t = d.tasks.find((x) => x.pid === 4129433)!;
    expect(t.frames.map((f) => f.fn)).toEqual([
      '__schedule',
      'schedule',
      'rwsem_down_write_slowpath',
      'do_reconfigure_mnt',
    ]);
    expect(d.locks.find((l) => l.waiters.includes('task:4129433'))).toBeDefined();
  });
});

describe('a crash bt asleep above a kernel page fault', () => {
  it('is the task\u2019s own context: it sleeps in the fault path, not at the exception RIP', () => {
    const d = analyze(TALPA_FAULT_BT);
    const t = d.tasks.find((x) => x.pid === 53138)!;
    expect(t.frames.every((f) => f.context === undefined)).toBe(true);
    expect(t.waitFrame).toBe('rwsem_down_read_failed');
    expect(t.frames.map((f) => f.fn).slice(0, 8)).toContain('copy_user_enhanced_fast_string');
    expect(d.cpus.find((c) => c.current === 'task:53138')).toBeUndefined();
  });
});
