import { describe, expect, it } from 'vitest';
import { analyze } from '../../analyze.js';

const cpu = (doc: ReturnType<typeof analyze>, n: number) => doc.cpus.find((c) => c.cpu === n);

describe('watchdog headlines alone', () => {
  it.each([
    // a web page's typographic dash, a hand transcription's stray marks
    ['watchdog: BUG: soft lockup \u2013 CPU#5 stuck for 23s! [java:4242]', 5, 4242, 'java'],
    ['kernel:[ 4071.489871] watchdog: BUG: soft lockup. - CPU#7 stuck for 28s! -[qemu-ga:864]', 7, 864, 'qemu-ga'],
    ['BUG: soft lockup - CPU#2 stuck for 22s [rpc.nfsd:25666]', 2, 25666, 'rpc.nfsd'],
  ])('reads a soft lockup headline whose punctuation a copy changed: %s', (line, n, pid, comm) => {
    const doc = analyze(line + '\n');
    expect(doc.kind).toBe('soft_lockup');
    expect(cpu(doc, n)?.stuck).toBe(true);
    expect(doc.tasks.map((t) => [t.pid, t.comm])).toEqual([[pid, comm]]);
  });

  it.each([
    ['0,5027,12935280555,-;watchdog: BUG: soft lockup - CPU#8', 8],
    ['[  412.280794] watchdog: BUG: soft lockup - CPU#2 stuck for 26s', 2],
    ['NMI watchdog: BUG: soft lockup - CPU#34 stuck', 34],
    // 2.6.16-2.6.24 named only the CPU
    ['BUG: soft lockup detected on CPU#1!', 1],
  ])('reads a soft lockup headline cut after its CPU number: %s', (line, n) => {
    const doc = analyze(line + '\n');
    expect(doc.kind).toBe('soft_lockup');
    expect(cpu(doc, n)?.stuck).toBe(true);
    expect(doc.tasks).toEqual([]);
  });

  it('does not take a soft lockup headline cut inside prose for a report', () => {
    expect(analyze('BUG: soft lockup - CPU#8 is what we keep seeing\n').cpus).toEqual([]);
  });

  it('does not take a syzkaller title for a soft lockup headline', () => {
    expect(analyze('BUG: soft lockup in ext4_fill_super\n').cpus).toEqual([]);
  });

  it('a soft lockup headline with no stack is a task running on a stuck CPU', () => {
    const doc = analyze('Jan  3 10:01:02 host kernel: BUG: soft lockup - CPU#3 stuck for 61s! [rndc:9119]\n');
    expect(doc.kind).toBe('soft_lockup');
    expect(doc.tasks.map((t) => [t.pid, t.comm, t.state, t.cpu])).toEqual([[9119, 'rndc', 'R', 3]]);
    expect(cpu(doc, 3)).toMatchObject({ stuck: true, current: 'task:9119' });
    expect(
      doc.findings.some(
        (f) =>
          f.kind === 'missing_evidence' &&
          f.summary.includes('cpu 3 is reported stuck') &&
          f.summary.includes('rndc (9119)'),
      ),
    ).toBe(true);
  });

  it('reads the headline with text joined after it or a cut timestamp before it', () => {
    const joined = analyze(
      'watchdog: BUG: soft lockup - CPU#7 stuck for 22s! [kworker/7:1:253] Sample time: 4000897528 ns(HZ: 250) Sample stat:\n',
    );
    expect(cpu(joined, 7)).toMatchObject({ stuck: true, current: 'task:253' });
    expect(joined.tasks[0].comm).toBe('kworker/7:1');
    const cut = analyze('348439.713178] NMI watchdog: Watchdog detected hard LOCKUP on cpu 32\n');
    expect(cut.kind).toBe('hard_lockup');
    expect(cpu(cut, 32)?.stuck).toBe(true);
  });

  it('marks the hard-locked CPU stuck when another CPU prints the panic (buddy detector)', () => {
    const doc = analyze(
      [
        'watchdog: CPU4: Watchdog detected hard LOCKUP on cpu 5',
        'Kernel panic - not syncing: Hard LOCKUP',
        'CPU: 4 PID: 0 Comm: swapper/4 Not tainted 6.6.0 #1',
        'Call trace:',
        ' dump_backtrace+0x98/0xf0',
        ' panic+0x16c/0x370',
      ].join('\n'),
    );
    expect(doc.kind).toBe('hard_lockup');
    expect(cpu(doc, 5)?.stuck).toBe(true);
    expect(cpu(doc, 4)?.stuck).toBe(false);
  });

  it("reads powerpc's self-detected and other-CPU hard lockups", () => {
    const self = analyze(
      'watchdog: CPU 19 self-detected hard LOCKUP @ _raw_spin_lock_irq+0x60/0x100\nwatchdog: CPU 19 TB:5287683334232, last heartbeat TB:5281606533730 (11868ms ago)\n',
    );
    expect(self.kind).toBe('hard_lockup');
    expect(cpu(self, 19)?.stuck).toBe(true);
    const others = analyze('watchdog: CPU 3 detected hard LOCKUP on other CPUs 5,7-8\n');
    expect(others.cpus.filter((c) => c.stuck).map((c) => c.cpu)).toEqual([5, 7, 8]);
  });

  it('reads the same watchdog as first merged (4.13-4.16): `Watchdog CPU:N …` without the prefix', () => {
    const doc = analyze(
      [
        'Watchdog CPU:128 detected Hard LOCKUP other CPUS:168,170-171',
        'Watchdog CPU:168 Hard LOCKUP',
        'Modules linked in: tg3',
        'CPU: 168 PID: 0 Comm: swapper/168 Tainted: G           OE    4.15.0-21-generic #22-Ubuntu',
        'NIP:  c000000000024420 LR: c0080000107e970c CTR: c0000000000243e0',
        'NIP [c000000000024420] udelay+0x40/0x60',
        'LR [c0080000107e970c] __tg3_readphy+0xa4/0x1d0 [tg3]',
        'Call Trace:',
        '[c00020397b4d3660] [c0080000107e972c] __tg3_readphy+0xc4/0x1d0 [tg3] (unreliable)',
        '[c00020397b4d36b0] [c0080000107fcf84] tg3_setup_copper_phy+0x64c/0x1130 [tg3]',
        '',
      ].join('\n'),
    );
    expect(doc.kind).toBe('hard_lockup');
    expect(doc.cpus.filter((c) => c.stuck).map((c) => c.cpu)).toEqual([168, 170, 171]);
    expect(doc.tasks.find((t) => t.cpu === 168)?.frames.map((f) => f.fn)).toContain('tg3_setup_copper_phy');
    // `Watchdog CPU:168 became unstuck` and the like are no report.
    expect(analyze('Watchdog CPU:168 became unstuck\n').kind).toBe('unknown');
  });
});

describe("x86's own NMI watchdog before 2.6.38", () => {
  it.each([
    ['NMI Watchdog detected LOCKUP on CPU 1', 1],
    ['NMI Watchdog detected LOCKUP on CPU0, eip c011c7cb, registers:', 0],
    ['NMI Watchdog detected LOCKUP on CPU14, registers:', 14],
    ['NMI watchdog detected lockup on CPU#1 (50000/50000)', 1],
  ])('marks the CPU of `%s` stuck', (line, n) => {
    const doc = analyze(line + '\n');
    expect(doc.kind).toBe('hard_lockup');
    expect(doc.cpus.filter((c) => c.stuck).map((c) => c.cpu)).toEqual([n]);
  });

  it('gives the show_regs after it (`CPU 1`, `Pid: N, comm:`, `Stack:` with words) to that CPU, its trace included', () => {
    // 2.6.18 x86_64, trimmed from an NFS server's log (LKML, 2006).
    const doc = analyze(
      [
        'NMI Watchdog detected LOCKUP on CPU 1',
        'CPU 1',
        'Modules linked in: sg eeprom i2c_i801',
        'Pid: 284, comm: scsi_eh_2 Not tainted 2.6.18.1 #1',
        'RIP: 0010:[<ffffffff80375e6a>]  [<ffffffff80375e6a>] __delay+0xa/0x20',
        'RSP: 0000:ffff81022fbf5d80  EFLAGS: 00000097',
        'Process scsi_eh_2 (pid: 284, threadinfo ffff81022fbf4000, task ffff81022fa32180)',
        'Stack:  ffff81022fbf5d90 ffffffff80375eaa ffff81022fbf5dc0 ffffffff803ee1bc',
        ' ffff8100cff93528 ffff81022f449ce8 ffff81022f449800 ffff81022f449d40',
        'Call Trace:',
        'Inexact backtrace:',
        ' [<ffffffff80375eaa>] __const_udelay+0x2a/0x30',
        ' [<ffffffff803ee1bc>] ips_send_wait+0xbc/0xe0',
        ' [<ffffffff803f175f>] __ips_eh_reset+0x11f/0x3f0',
        '',
      ].join('\n'),
    );
    expect(doc.tasks.map((t) => [t.pid, t.comm, t.cpu])).toEqual([[284, 'scsi_eh_2', 1]]);
    expect(doc.tasks[0].frames.map((f) => f.fn)).toEqual([
      '__delay',
      '__const_udelay',
      'ips_send_wait',
      '__ips_eh_reset',
    ]);
  });
});

describe('a 2.6 i386 register dump under an old NMI watchdog headline', () => {
  it("names the CPU's task by its `Process nfsd (pid: 2845, …)` line and keeps the lower-case registers in the trace", () => {
    const doc = analyze(
      [
        'NMI Watchdog detected LOCKUP on CPU1, eip c011a747, registers:',
        'Modules linked in: nfsd exportfs lockd sunrpc',
        'CPU:    1',
        'EIP:    0060:[<c011a747>]    Not tainted VLI',
        'EFLAGS: 00000086   (2.6.18-1.2798.fc6 #1)',
        'EIP is at __wake_up_common+0x17/0x50',
        'eax: cef0b8dc   ebx: cef0b894   ecx: 00000001   edx: 00000003',
        'esi: 00000008   edi: cef0b8dc   ebp: ec4b3e4c   esp: ec4b3e30',
        'ds: 007b   es: 007b   ss: 0068',
        'Process nfsd (pid: 2845, ti=ec4b2000 task=ec4a8550 task.ti=ec4b2000)',
        'Stack: cef0b8d8 00000286 00000001 00000003 cef0b894 00000003 ec4b3e64 c011b1a3',
        '       00000000 00000001 00000000 00000000 ec4b3e78 c0116c96 00000000 00000000',
        'Call Trace:',
        ' [<c011b1a3>] __wake_up+0x2a/0x3d',
        ' [<c0118def>] nfsd+0x10f/0x2a0 [nfsd]',
        '',
      ].join('\n'),
    );
    expect(doc.tasks.map((t) => [t.pid, t.comm, t.cpu, t.frames.map((f) => f.fn)])).toEqual([
      [2845, 'nfsd', 1, ['__wake_up_common', '__wake_up', 'nfsd']],
    ]);
  });
});

describe('the panic line and the CPU line after it', () => {
  const panicHead = [
    '[62151.520372] Kernel panic - not syncing: Hard LOCKUP',
    '[62151.520375] CPU: 62 PID: 514319 Comm: CPU 0/KVM Kdump: loaded Tainted: G        W        --------- -  - 4.18.0-305.el8.x86_64 #1',
    '[62151.520377] Hardware name: Dell Inc. PowerEdge R740/0YWR7D, BIOS 2.10.2 02/24/2021',
    '',
  ];
  const bt = [
    ' #0 [ffff9a663fb08980] machine_kexec at ffffffff84065b24',
    ' #1 [ffff9a663fb089e0] __crash_kexec at ffffffff84122342',
    ' #2 [ffff9a663fb08ab0] panic at ffffffff84774972',
    ' #3 [ffff9a663fb08b30] nmi_panic at ffffffff8409b6af',
    ' #4 [ffff9a663fb08b40] watchdog_overflow_callback at ffffffff8414eb81',
    '    [exception RIP: rb_erase+849]',
    '    RIP: ffffffff84389a91  RSP: ffff9a663fb03ec8  RFLAGS: 00000046',
    '--- <NMI exception stack> ---',
    ' #5 [ffff9a663fb03ec8] rb_erase at ffffffff84389a91',
    ' #6 [ffff9a663fb03ed0] timerqueue_del at ffffffff8438bfe4',
  ];

  it('gives a header-less crash bt pasted under it (from #0) to the panic task, on the stuck CPU', () => {
    const doc = analyze([...panicHead, ...bt].join('\n'));
    expect(doc.kind).toBe('hard_lockup');
    const t = doc.tasks.find((x) => x.pid === 514319);
    expect(t).toMatchObject({ comm: 'CPU 0/KVM', cpu: 62 });
    expect(t?.frames.map((f) => f.fn)).toContain('rb_erase');
    expect(cpu(doc, 62)).toMatchObject({ stuck: true, current: 'task:514319' });
  });

  it('after `crash> bt` too', () => {
    const doc = analyze([...panicHead, 'crash> bt', ...bt].join('\n'));
    expect(doc.tasks.find((x) => x.pid === 514319)?.frames.length).toBeGreaterThan(5);
  });

  it('does not give frames cut from the middle of another bt to the panic task', () => {
    const doc = analyze(
      [
        ...panicHead,
        'some processes wait for the read lock:',
        '',
        ' #5 [ffff972a9b16fd78] native_queued_spin_lock_slowpath at ffffffff9931ed47',
        ' #6 [ffff972a9b16fd78] queued_read_lock_slowpath at ffffffff99320a58',
      ].join('\n'),
    );
    expect(doc.tasks.find((x) => x.pid === 514319)?.frames ?? []).toEqual([]);
  });

  it('a soft-lockup panic with no headline names the stuck CPU and task; a hung-task panic does not', () => {
    const soft = analyze(
      ['Kernel panic - not syncing: softlockup: hung tasks', 'CPU: 2 PID: 812 Comm: fio Tainted: G L 6.1.0 #1'].join(
        '\n',
      ),
    );
    expect(soft.kind).toBe('soft_lockup');
    expect(cpu(soft, 2)).toMatchObject({ stuck: true, current: 'task:812' });
    const hung = analyze(
      [
        'INFO: task jbd2/sda1-8:911 blocked for more than 120 seconds.',
        'Kernel panic - not syncing: hung_task: blocked tasks',
        'CPU: 1 PID: 29 Comm: khungtaskd Not tainted 6.1.0 #1',
      ].join('\n'),
    );
    expect(hung.kind).toBe('hung_task');
    expect(cpu(hung, 1)?.stuck ?? false).toBe(false);
  });
});

describe('a lockup headline whose CPU line was trimmed away', () => {
  const HARD = [
    '[ 5653.173525] NMI watchdog: Watchdog detected hard LOCKUP on cpu 10',
    '[ 5653.173539] RIP: 0010:native_queued_spin_lock_slowpath+0x65/0x1e0',
    '[ 5653.173542] Call Trace:',
    '[ 5653.173542]  _raw_spin_lock_irqsave+0x30/0x40',
    '[ 5653.173542]  force_qs_rnp+0xa8/0x160',
    '[ 5653.173542]  rcu_gp_kthread+0x7b2/0xfa0',
    '[ 5653.173543]  kthread+0x10d/0x130',
  ];

  it('takes the trace under it as the stack running on that CPU', () => {
    const doc = analyze(HARD.join('\n'));
    const t = doc.tasks.find((x) => x.frames.some((f) => f.fn === 'force_qs_rnp'));
    expect(t).toMatchObject({ pid: null, cpu: 10, state: 'R' });
    expect(cpu(doc, 10)).toMatchObject({ stuck: true, current: t?.id });
  });

  it('gives it to the task the dump shows running on that CPU', () => {
    const doc = analyze(
      [
        ...HARD,
        '',
        'crash> bt',
        'PID: 12     TASK: ffff967981712680  CPU: 10  COMMAND: "rcu_sched"',
        ' #0 [fffffe00002079c8] machine_kexec at ffffffffa3e6d861',
        ' #1 [fffffe0000207ae8] panic at ffffffffa3e9b1e7',
        ' #2 [fffffe0000207ef0] end_repeat_nmi at ffffffffa480164b',
        '    [exception RIP: native_queued_spin_lock_slowpath+101]',
        '    RIP: ffffffffa3ef8345  RSP: ffffa4e94c51be40  RFLAGS: 00000002',
      ].join('\n'),
    );
    expect(doc.tasks.map((t) => t.id)).toEqual(['task:12']);
    expect(doc.tasks[0].frames.map((f) => f.fn)).toContain('force_qs_rnp');
    expect(doc.verdict).toContain('rcu_sched');
  });

  it('leaves it unnamed when two tasks are shown running on that CPU', () => {
    const doc = analyze(
      [
        ...HARD,
        'CPU: 10 PID: 12 Comm: rcu_sched Not tainted 5.3.18 #1',
        'Call Trace:',
        ' schedule+0x1/0x2',
        ' rcu_gp_kthread+0x7b2/0xfa0',
        'CPU: 10 PID: 77 Comm: other Not tainted 5.3.18 #1',
        'Call Trace:',
        ' schedule+0x1/0x2',
        ' worker_thread+0x1/0x2',
      ].join('\n'),
    );
    expect(doc.tasks.some((t) => t.pid === null && t.frames.some((f) => f.fn === 'force_qs_rnp'))).toBe(true);
  });

  it('does not take a trace under a spinlock-debug headline, which prints its own CPU line', () => {
    const doc = analyze(
      [
        'BUG: spinlock lockup suspected on CPU#1, swapper/1/0',
        ' lock: 0xffffffe0fff28500, .magic: dead4ead, .owner: bRX1/789, .owner_cpu: 0',
        "#owner's Call trace:",
        '[<ffffff804008598c>] __switch_to+0x94/0xa0',
        '[<ffffff8040588d3c>] __schedule+0x194/0x798',
        '[<ffffff8040589388>] schedule+0x48/0xb0',
      ].join('\n'),
    );
    expect(doc.tasks.find((t) => t.frames.some((f) => f.fn === '__switch_to'))?.cpu ?? null).toBeNull();
  });
});

describe('the vendor hard-lockup debug headline (Exynos / Google Tensor hardlockup-debug)', () => {
  it("marks its CPU and the mask stuck and takes the trace under it as that CPU's, named by the caller id", () => {
    const doc = analyze(
      [
        '[35845.978435][T18021] Core - Debugging Information for Hardlockup core(8) - locked CPUs mask (0x108)',
        '[35845.978442][T18021] Call trace:',
        '[*][T18021]  queued_spin_lock_slowpath+0x84/0x388',
        '[35845.978451][T18021]  uvc_video_complete+0x180/0x24c',
        '[35845.978458][T18021]  usb_gadget_giveback_request+0x38/0x14c',
        '[35845.978493][T18021]  uvcg_video_pump+0x22c/0x518',
      ].join('\n'),
    );
    expect(doc.kind).toBe('hard_lockup');
    expect(
      doc.cpus
        .filter((c) => c.stuck)
        .map((c) => c.cpu)
        .sort(),
    ).toEqual([3, 8]);
    const t = doc.tasks.find((x) => x.pid === 18021)!;
    expect(t.cpu).toBe(8);
    expect(t.frames.map((f) => f.fn)).toEqual([
      'queued_spin_lock_slowpath',
      'uvc_video_complete',
      'usb_gadget_giveback_request',
      'uvcg_video_pump',
    ]);
  });

  it('reads the older `- CPU(2), Mask:(0x4)` form', () => {
    const doc = analyze('All Core - Debugging Information for Hardlockup core - CPU(2), Mask:(0x4)\n');
    expect(cpu(doc, 2)?.stuck).toBe(true);
  });
});

describe('the CPU line and what follows it', () => {
  it("keeps the stack with its task across 6.11+'s spelled-out taint line", () => {
    const doc = analyze(
      [
        'CPU: 2 UID: 0 PID: 60 Comm: kworker/u24:1 Tainted: G        W           6.18.0-rc6 #3 PREEMPT',
        'Tainted: [W]=WARN',
        'Hardware name: MediaTek Genio-510 EVK (DT)',
        'Workqueue: events_unbound deferred_probe_work_func',
        'Call trace:',
        ' show_stack+0x18/0x30 (C)',
        ' of_get_parent+0x28/0x74',
        ' of_find_node_with_property+0x74/0x100',
      ].join('\n'),
    );
    expect(doc.tasks.map((t) => [t.id, t.frames.length])).toEqual([['task:60', 3]]);
  });

  it("keeps m68k's `Stack from ADDR:` words and its `Call Trace: [<…>] fn` line in the dump", () => {
    const doc = analyze(
      [
        'CPU: 0 PID: 0 Comm: swapper Not tainted 6.8.0-mac #1',
        'Stack from 0059bcc4:',
        '        0059bcc4 0056316f 0056316f 00002700 004b6444 0059bce4 004ad8c6 0056316f',
        'Call Trace: [<00002700>] ret_from_kernel_thread+0xc/0x14',
        ' [<004b64c2>] _raw_spin_lock_irqsave+0x2a/0x34',
        ' [<002e15ea>] pmz_console_write+0x32/0x9a',
      ].join('\n'),
    );
    expect(doc.tasks).toHaveLength(1);
    expect(doc.tasks[0].frames.map((f) => f.fn)).toContain('pmz_console_write');
  });
});
