import { describe, expect, it } from 'vitest';
import { analyze } from '../../analyze.js';

// A 4.9 self-detected RCU stall (syzkaller log, trimmed): the stalled CPU's row has no
// flags (`\t0: (126 ticks …`, before 4.12), and RCU dumps that CPU's current task with
// `Task dump for CPU 0:` + sched_show_task.
const OLD_SELF_DETECTED = `[  366.785711] INFO: rcu_preempt self-detected stall on CPU
[  366.791254] \t0: (126 ticks this GP) idle=831/140000000000002/0 softirq=31611/31611 fqs=0 
[  366.799538] \t (t=10556 jiffies g=10195 c=10194 q=1)
[  366.804657] rcu_preempt kthread starved for 10556 jiffies!
[  366.810292] Task dump for CPU 0:
[  366.813652] syz-executor.7  R  running task    26288 16095   1691 0x0000000c
[  366.845047] Call Trace:
[  366.847600]  <IRQ>  [<ffffffff8111527a>] sched_show_task+0x2da/0x4a0
[  366.854190]  [<ffffffff8111c2e5>] dump_cpu_task+0x75/0x90
[  366.860000]  [<ffffffff811a6c90>] rcu_dump_cpu_stacks+0x170/0x1c0
[  366.866000]  [<ffffffff811a8d11>] rcu_check_callbacks+0x1411/0x1b30
[  366.872000]  [<ffffffff811b3a45>] update_process_times+0x45/0x80
[  366.878000]  [<ffffffff82818c36>] apic_timer_interrupt+0x96/0xa0
[  366.884000]  <EOI>  [<ffffffff8151d6ec>] ? kmem_cache_alloc+0x1dc/0x2f0
[  366.890000]  [<ffffffff8151d6ec>] kmem_cache_alloc+0x1dc/0x2f0
[  366.896000]  [<ffffffff8247cd6a>] neigh_probe+0x2a/0x90
[  366.902000]  [<ffffffff82480f45>] neigh_timer_handler+0x335/0x7f0
[  366.908000]  [<ffffffff811b2a1e>] call_timer_fn+0x8e/0x2d0
[  366.914000]  [<ffffffff811b30c4>] run_timer_softirq+0x364/0x700
[  366.920000]  [<ffffffff82819e6e>] __do_softirq+0x1ae/0x4cd
`;

describe('RCU stalls', () => {
  it("reads a pre-4.12 stalled-CPU row and the CPU's task from 'Task dump for CPU N'", () => {
    const doc = analyze(OLD_SELF_DETECTED);
    expect(doc.kind).toBe('rcu_stall');
    const cpu0 = doc.cpus.find((c) => c.cpu === 0);
    expect(cpu0).toMatchObject({ stuck: true, current: 'task:16095' });
    expect(doc.verdict).toContain('Root blocker: syz-executor.7 (16095) [R]');
    expect(doc.verdict).not.toContain('has no stack');
  });

  it('reads "All QSes seen": the grace-period kthread starved, the task shown running on the detecting CPU', () => {
    const text = [
      '[  323.830017] INFO: rcu_sched detected stalls on CPUs/tasks:',
      '[  323.835676] \t(detected by 0, t=125007 jiffies, g=66299, c=66298, q=40)',
      '[  323.842315] All QSes seen, last rcu_sched kthread activity 125014 (4294991138-4294866124), jiffies_till_next_fqs=3, root ->qsmask 0x0',
      '[  323.854420] syz-executor5   R  running task    22056 22277   3688 0x00000008',
      '[  323.861597] Call Trace:',
      '[  323.864155]  <IRQ>',
      '[  323.866280]  sched_show_task+0x4a3/0x5e0',
      '[  323.890409]  print_other_cpu_stall+0x996/0x1090',
      '[  323.900000]  rcu_check_callbacks+0x5ab/0x1400',
      '[  323.910000]  </IRQ>',
      '[  323.920000]  ip6_input+0xe9/0x560',
      '[  323.930000]  ipv6_rcv+0x1013/0x1c60',
    ].join('\n');
    const doc = analyze(text);
    expect(doc.tasks.find((t) => t.pid === 22277)).toMatchObject({ cpu: 0 });
    const f = doc.findings.find((x) => x.kind === 'missing_evidence');
    expect(f?.summary).toContain("RCU's grace-period kthread (rcu_sched) has not run for 125014 jiffies");
    expect(f?.evidence).toEqual([{ line: 3, endLine: 3 }]);
  });
});

describe('RCU stall whose CPU rows lost their tab to a `t` (or `\\t`) on the way', () => {
  const stall = (tab: string) =>
    [
      '[   23.142957] rcu: INFO: rcu_preempt self-detected stall on CPU',
      `[   23.142962] rcu: ${tab}0-....: (5196 ticks this GP) idle=d8c/1/0x4000000000000002 softirq=2097/2097 fqs=2596`,
      `[   23.142980] rcu: ${tab}(t=5251 jiffies g=3309 q=1 ncpus=8)`,
      '[   23.142990] CPU: 0 UID: 0 PID: 24 Comm: irq_work/0 Not tainted 6.16.0 #1 PREEMPT_RT',
    ].join('\n');
  it('reads the row either way, as with the tab', () => {
    for (const tab of ['\t', 't', '\\t']) {
      expect(analyze(stall(tab)).cpus.find((c) => c.cpu === 0)).toMatchObject({ stuck: true });
    }
  });
});

describe('RCU stall whose CPU rows were cut', () => {
  it("takes the stalled CPU from 'Task dump for CPU N:' right after the report", () => {
    const doc = analyze(
      [
        '[  828.399306] rcu: INFO: rcu_sched self-detected stall on CPU',
        '...',
        '[  828.419245] Task dump for CPU 1:',
        '[  828.422465] task:kworker/1:1H    state:R  running task on cpu   1   stack:    0 pid:   76 ppid:     2 flags:0x0000002a',
        '[  828.433132] Workqueue: kblockd blk_mq_run_work_fn',
        '[  828.437820] Call trace:',
        '[  828.512267]  spi_mem_exec_op+0x4d0/0xde0',
        '[  828.516184]  spi_mem_dirmap_read+0x180/0x39c',
      ].join('\n'),
    );
    expect(doc.kind).toBe('rcu_stall');
    expect(doc.cpus.find((c) => c.cpu === 1)).toMatchObject({ stuck: true, current: 'task:76' });
  });
});

describe('tasks an RCU stall report lists as blocking the grace period', () => {
  it('P<pid> (and P<pid>/<nesting>:<state>) names a task that holds the grace period up', () => {
    // The second form with the tab after `rcu: ` expanded to spaces, as a mail client sends it.
    for (const [list, tab] of [
      ['P828', '\t'],
      ['P828/1:b..l P5964/2:b..l', '        '],
    ]) {
      const d = analyze(
        [
          'rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:',
          `rcu: ${tab}Tasks blocked on level-0 rcu_node (CPUs 0-3): ${list}`,
          '\t(detected by 1, t=5252 jiffies, g=55501, q=221)',
          'gem_syslatency  R  running task        0   828    815 0x00004000',
          'Call Trace:',
          ' ? __schedule+0x1a0/0x440',
          ' ? xas_load+0x3c/0x80',
          ' ? find_get_entry+0x4f/0x130',
        ].join('\n'),
      );
      const e = d.graph.edges.find((x) => x.to === 'task:828')!;
      expect([e.from, e.kind, e.confidence, e.evidence]).toEqual([
        'external:rcu-grace-period',
        'waits_event',
        'certain',
        [{ line: 2, endLine: 2 }],
      ]);
      // A pid the dump shows no stack for is still a task the report names as a reader.
      expect(d.graph.edges.some((x) => x.from === 'external:rcu-grace-period' && x.to === 'task:5964')).toBe(
        list.includes('P5964'),
      );
      expect(d.verdict).toContain('gem_syslatency (828)');
      expect(d.verdict).toContain("xas_load (from unreliable '?' frames)");
    }
  });
});

// An RCU-tasks stall (kernel/rcu/tasks.h check_holdout_task): each holdout is a `%p: …
// nvcsw: … holdout: …` line, then its sched_show_task. Written for this test in the 5.x
// layout; two holdouts, the second one in the 4.x task-line layout.
const TASKS_STALL = `INFO: rcu_tasks detected stalls on tasks:
00000000b92b832d: .. nvcsw: 1/1 holdout: 1 idle_cpu: -1/7
task:spinner/7       state:R  running task     stack:    0 pid: 2133 ppid:     2 flags:0x00004000
Call Trace:
 ? spin_main+0x10e/0x450
 ? kthread+0x153/0x170
(____ptrval____): .N nvcsw: 86/86 holdout: 1 idle_cpu: -1/0
looper          R  running task        0    87     85 0x00004000
Call Trace:
 loop_main+0x48/0x90
`;

describe('an RCU-tasks stall', () => {
  it('holds up the grace period on each holdout task named after its nvcsw/holdout line', () => {
    const d = analyze(TASKS_STALL);
    expect(d.kind).toBe('rcu_stall');
    const gp = d.graph.edges.filter((e) => e.from === 'external:rcu-grace-period').map((e) => e.to);
    expect(gp).toEqual(expect.arrayContaining(['task:2133', 'task:87']));
    expect(d.verdict).toContain('spinner/7 (2133)');
  });
});

describe('an expedited stall whose CPU list was wrapped', () => {
  // synchronize_rcu_expedited_wait prints `{ 3-.... } 1087 jiffies s: 89 root: 0x8/.` on
  // one line; a mail client wrapped it after the list's entries and after its `}`.
  const head = 'rcu: INFO: rcu_sched detected expedited stalls on CPUs/tasks: { 3-....';
  const nmi = ['Sending NMI from CPU 0 to CPUs 3,5:', 'NMI backtrace for cpu 3'];

  it('reads the entries on the lines after the header, up to the closing brace', () => {
    const d = analyze([head, '5-.... P4321', '}', '1087 jiffies s: 89 root: 0x8/.', ...nmi].join('\n') + '\n');
    expect(d.kind).toBe('rcu_stall');
    expect(d.cpus.filter((c) => c.stuck).map((c) => c.cpu)).toEqual([3, 5]);
  });

  it('stops at a line that is not an entry, and reads nothing past the brace', () => {
    const d = analyze([head, '} 1087 jiffies s: 89 root: 0x8/.', '7-....', ...nmi].join('\n') + '\n');
    expect(d.cpus.filter((c) => c.stuck).map((c) => c.cpu)).toEqual([3]);
  });
});

describe('an expedited stall naming tasks: `{ P392 }`', () => {
  // rcu_print_task_exp_stall (kernel/rcu/tree_exp.h) prints the tasks that block the
  // expedited grace period as `P<pid>` inside the list, beside the CPUs.
  it('makes each P<pid> on the header line a task holding up the grace period', () => {
    const d = analyze(
      'rcu: INFO: rcu_preempt detected expedited stalls on CPUs/tasks: { P392 } 21382 jiffies s: 117 root: 0x0/T\n' +
        'rcu: blocking rcu_node structures:\n',
    );
    expect(d.kind).toBe('rcu_stall');
    expect(d.tasks.map((t) => t.pid)).toEqual([392]);
    const gp = d.graph.edges.filter((e) => e.from === 'external:rcu-grace-period').map((e) => e.to);
    expect(gp).toEqual(['task:392']);
  });

  it('reads P<pid> entries of a wrapped list too, and CPUs beside them', () => {
    const d = analyze(
      [
        'rcu: INFO: rcu_sched detected expedited stalls on CPUs/tasks: { 3-.... P77',
        '5-.... P4321',
        '} 1087 jiffies s: 89 root: 0x8/.',
      ].join('\n') + '\n',
    );
    expect(d.tasks.map((t) => t.pid).sort((a, b) => a! - b!)).toEqual([77, 4321]);
    expect(d.cpus.filter((c) => c.stuck).map((c) => c.cpu)).toEqual([3, 5]);
  });
});

describe("an RCU stall whose GP kthread's timer wakeup did not happen", () => {
  const STALL = [
    'rcu: INFO: rcu_sched detected stalls on CPUs/tasks:',
    '        (detected by 0, t=254302 jiffies, g=8370033, q=8218)',
    'rcu: All QSes seen, last rcu_sched kthread activity 254300 (4322046580-4321792280), jiffies_till_next_fqs=1, root ->qsmask 0x0',
    "rcu: rcu_sched kthread timer wakeup didn't happen for 254299 jiffies! g8370033 f0x2 RCU_GP_WAIT_FQS(5) ->state=0x200",
  ];

  it('says first what the kernel says: the CPU whose timers are not handled', () => {
    const d = analyze(
      [...STALL, 'rcu:    Possible timer handling issue on cpu=1 timer-softirq=2492648'].join('\n') + '\n',
    );
    expect(d.kind).toBe('rcu_stall');
    const f = d.findings.find((x) => x.summary.includes('timer that has not fired'))!;
    expect(f.summary).toContain('timer handling on cpu 1');
    expect(f.evidence).toEqual([{ line: 4, endLine: 5 }]);
    expect(d.verdict).toContain('timer handling on cpu 1');
  });

  it('without the cpu line (cut) still says the timer did not fire', () => {
    const d = analyze(STALL.join('\n') + '\n');
    const f = d.findings.find((x) => x.summary.includes('timer that has not fired'))!;
    expect(f.summary).toContain('does not show which CPU');
    expect(f.evidence).toEqual([{ line: 4, endLine: 4 }]);
  });
});

describe('RCU stall headlines before 3.0', () => {
  // kernel/rcutree.c print_cpu_stall / print_other_cpu_stall (2.6.29–3.0) and
  // kernel/rcuclassic.c (before 2.6.29): the stalled CPUs are on the headline itself.
  const stuck = (line: string) =>
    analyze(line)
      .cpus.filter((c) => c.stuck)
      .map((c) => c.cpu);
  it('reads the CPU a self-detected stall names, and the CPUs another CPU reports', () => {
    expect(stuck('[ 3680.576617] INFO: rcu_sched_state detected stall on CPU 2 (t=15000 jiffies)')).toEqual([2]);
    expect(stuck('INFO: rcu_bh_state detected stalls on CPUs/tasks: { 1 3} (detected by 0, t=15002 jiffies)')).toEqual([
      1, 3,
    ]);
    expect(stuck('INFO: RCU detected CPU 5 stall (t=4295078421/2500 jiffies)')).toEqual([5]);
    expect(stuck('INFO: RCU detected CPU stalls: 3 5 (detected by 0, t=2502 jiffies)')).toEqual([3, 5]);
    expect(analyze('INFO: RCU detected CPU stalls: 3 5 (detected by 0, t=2502 jiffies)').kind).toBe('rcu_stall');
  });

  it('reads a self-detected headline a mail client wrapped before its `(t=`', () => {
    const text = [
      'Jan 18 10:28:29 rhel6-test kernel: [56245.286007] INFO: rcu_sched_state detected stall on CPU 0',
      '(t=60000 jiffies)',
      'Jan 18 10:28:29 rhel6-test kernel: [56245.286007] sending NMI to all CPUs:',
    ].join('\n');
    expect(stuck(text)).toEqual([0]);
  });
});
