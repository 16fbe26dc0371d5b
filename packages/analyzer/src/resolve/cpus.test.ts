// The cross-CPU call resolver on its own: text → records → model → waits, then
// resolveIpis (drawn into an empty graph), and what it decides about which CPU does not
// answer.
import { describe, expect, it } from 'vitest';
import { buildModel } from '../model/build.js';
import { parseText } from '../parse/run.js';
import { GraphBuilder } from '../graph/builder.js';
import { drawIpis } from '../graph/cpus.js';
import { findWaits } from '../waits/find.js';
import { resolveCpus, resolveIpis } from './cpus.js';

function resolve(text: string) {
  const { records } = parseText(text);
  const model = buildModel(records, text);
  const waits = findWaits(model, 'x86_64');
  const g = new GraphBuilder();
  const resolved = resolveIpis(model, waits);
  drawIpis(resolved, g);
  return { ipis: resolved.results, reported: resolved.reported, edges: [...g.edges.values()] };
}

// A CPU's NMI backtrace spinning in smp_call_function_many_cond (kernel/smp.c), the
// shape of 5.15's output; `flags` is its EFLAGS.
const waiter = (cpu: number, pid: number, flags = '00000202') => `NMI backtrace for cpu ${cpu}
CPU: ${cpu} PID: ${pid} Comm: java Tainted: G             L    5.15.0-113-generic #123-Ubuntu
RIP: 0010:smp_call_function_many_cond+0x2d2/0x380
RSP: 0018:ffffb8a1c3a6f968 EFLAGS: ${flags}
Call Trace:
 <TASK>
 on_each_cpu_cond_mask+0x1e/0x30
 flush_tlb_mm_range+0x10c/0x140
 ptep_clear_flush+0x4d/0x60
 </TASK>
`;
const csdLine = (from: number, to: number, ns: string) =>
  `smp: csd: Detected non-responsive CSD lock (#1) on CPU#${from}, waiting ${ns} ns for CPU#${String(to).padStart(2, '0')} flush_tlb_func+0x0/0x1a0(0xffffb8a1c3a6f000).\n`;

describe('resolveIpis', () => {
  it("takes the CPU the kernel's CSD watchdog names as certain, with that line as evidence", () => {
    const text = csdLine(1, 3, '5000000123') + waiter(1, 4242);
    const { ipis, edges } = resolve(text);
    expect(ipis).toHaveLength(1);
    expect(ipis[0].pending.map((p) => p.cpu)).toEqual([3]);
    const e = edges.find((x) => x.kind === 'ipi_wait');
    expect(e).toMatchObject({ to: 'cpu:3', confidence: 'certain', evidence: [{ line: 1, endLine: 1 }] });
    expect(e!.why).toContain('for 5 s');
  });

  it('keeps the latest statement when the kernel repeats one pair, and each target once', () => {
    const text =
      csdLine(1, 3, '5000000123') + csdLine(1, 3, '10000000123') + csdLine(1, 5, '5000000999') + waiter(1, 4242);
    const { ipis, edges } = resolve(text);
    expect(ipis[0].pending.map((p) => p.cpu)).toEqual([3, 5]);
    const to3 = edges.find((x) => x.to === 'cpu:3' && x.from !== 'cpu:1')!;
    expect(to3.why).toContain('for 10 s');
    expect(to3.evidence).toEqual([{ line: 2, endLine: 2 }]);
  });

  it('ignores statements about other CPUs and about the waiter itself', () => {
    const text = csdLine(2, 3, '5000000123') + csdLine(1, 1, '5000000123') + waiter(1, 4242) + waiter(2, 4243);
    const { ipis } = resolve(text);
    const byCpu = new Map(ipis.map((r) => [r.cpu, r.pending.map((p) => p.cpu)]));
    expect(byCpu.get(1)).toEqual([]);
    expect(byCpu.get(2)).toEqual([3]);
  });

  it('with no statement, names a CPU running with interrupts disabled (EFLAGS.IF clear) as likely', () => {
    const text =
      waiter(1, 4242) +
      waiter(4, 4244, '00000046')
        .replace(/smp_call_function_many_cond\+0x2d2\/0x380/, 'acme_hw_poll+0x3c/0x90 [acme]')
        .replace(/ on_each_cpu_cond_mask.*\n/, ' acme_irq+0x81/0x210 [acme]\n');
    const { ipis, edges } = resolve(text);
    expect(ipis[0].pending.map((p) => p.cpu)).toEqual([4]);
    expect(edges.find((x) => x.to === 'cpu:4')).toMatchObject({ confidence: 'likely' });
  });

  it("stands on the kernel's statement alone when the waiting CPU's stack is not in the text", () => {
    const { ipis, edges } = resolve(csdLine(7, 2, '5000000123'));
    expect(ipis).toEqual([]);
    expect(edges).toMatchObject([{ from: 'cpu:7', to: 'cpu:2', kind: 'ipi_wait', confidence: 'certain' }]);
  });

  it('gives one edge per waiter when every CPU waits and the statements repeat in rounds', () => {
    const parts: string[] = [];
    for (let round = 0; round < 20; round++)
      for (let c = 0; c < 256; c++) parts.push(csdLine(c, 300, `${5 + round}000000123`));
    for (let c = 0; c < 256; c++) parts.push(waiter(c, 1000 + c));
    const { ipis, edges } = resolve(parts.join(''));
    expect(ipis).toHaveLength(256);
    expect(ipis.every((r) => r.pending.length === 1 && r.pending[0].cpu === 300)).toBe(true);
    expect(edges.filter((e) => e.kind === 'ipi_wait')).toHaveLength(256);
  });
});

function cpusOf(text: string) {
  const { records } = parseText(text);
  const model = buildModel(records, text);
  const waits = findWaits(model, 'x86_64');
  return resolveCpus(model, waits, resolveIpis(model, waits).results);
}
const linksOf = (r: ReturnType<typeof cpusOf>) =>
  r.links.map((l) => [l.cpu, l.kind, 'task' in l.to ? l.to.task.id : l.to.hypervisor, l.confidence]);

describe('resolveCpus', () => {
  it('a CPU that never answers an NMI backtrace request is not executing: a guess on bare metal', () => {
    const r = cpusOf('Sending NMI from CPU 1 to CPUs 3:\n' + waiter(1, 4242));
    expect(r.starved).toEqual([
      {
        cpu: 3,
        runnable: [],
        notExecuting: 'it never answered an NMI backtrace request',
        evidence: [{ line: 1, endLine: 1 }],
      },
    ]);
    expect(linksOf(r)).toContainEqual([3, 'starved_by', 'hypervisor / firmware', 'guess']);
  });

  it('the starved grace-period kthread waits for the CPU it is runnable on', () => {
    const text = [
      'rcu: rcu_preempt kthread starved for 8643 jiffies! g5509 f0x2 RCU_GP_WAIT_FQS(5) ->state=0x0 ->cpu=0',
      'rcu: RCU grace-period kthread stack dump:',
      'task:rcu_preempt     state:R  running task     stack:28208 pid:   14 ppid:     2 flags:0x00004000',
      'Call Trace:',
      ' __schedule+0xa9a/0x4940',
      ' schedule+0xd2/0x260',
      ' schedule_timeout+0x14a/0x2a0',
      ' rcu_gp_fqs_loop+0x186/0x810',
      ' rcu_gp_kthread+0x1de/0x320',
      ' kthread+0x405/0x4f0',
      ' ret_from_fork+0x1f/0x30',
      '',
    ].join('\n');
    const r = cpusOf(text);
    expect(r.queued.map((q) => [q.task.id, q.cpu])).toEqual([['task:14', 0]]);
    expect(r.queued[0].evidence[0]).toEqual({ line: 1, endLine: 1 });
  });

  it('likely in a virtual machine', () => {
    const r = cpusOf('Hypervisor detected: KVM\nSending NMI from CPU 1 to CPUs 3:\n' + waiter(1, 4242));
    expect(linksOf(r)).toContainEqual([3, 'starved_by', 'hypervisor (vCPU not scheduled)', 'likely']);
  });

  it('a CPU that answered is not starved; the CPU a task waits on is occupied by its current task', () => {
    const text = csdLine(1, 3, '5000000123') + waiter(1, 4242) + waiter(3, 77, '00000046');
    const r = cpusOf('Sending NMI from CPU 1 to CPUs 3:\n' + text);
    expect(r.starved).toEqual([]);
    // (cpu 1's task spins too: occupied as well.)
    expect(linksOf(r)).toEqual([
      [1, 'on_cpu', 'task:4242', 'certain'],
      [3, 'on_cpu', 'task:77', 'certain'],
    ]);
  });

  // kernel/rcu/tree_stall.h rcu_check_gp_kthread_starvation: `->cpu=N` is where the
  // grace-period kthread last ran.
  const starvedOn = (cpu: number) =>
    `rcu: rcu_preempt kthread starved for 6502 jiffies! g1789 f0x2 RCU_GP_WAIT_FQS(5) ->state=0x0 ->cpu=${cpu}\n`;
  const gpKthread = `rcu: RCU grace-period kthread stack dump:
rcu_preempt     R  running task        0    10      2 0x00000028
Call trace:
 __switch_to+0xf8/0x148
 __schedule+0x2d8/0x808
 schedule+0x48/0x100
 schedule_timeout+0x1c8/0x420
 rcu_gp_kthread+0x738/0x1b78
 kthread+0x158/0x168
`;

  it('a CPU the GP kthread is starved on but that the dump shows running a task: that task holds it (likely)', () => {
    const r = cpusOf(starvedOn(0) + gpKthread + waiter(0, 326));
    expect(r.starved).toEqual([]);
    expect(linksOf(r)).toContainEqual([0, 'on_cpu', 'task:326', 'likely']);
    expect(linksOf(r).some((l) => l[1] === 'starved_by')).toBe(false);
  });

  it('the GP kthread itself does not occupy the CPU it is starved on', () => {
    const self = cpusOf(starvedOn(0) + gpKthread + 'CPU: 0 PID: 10 Comm: rcu_preempt Not tainted 5.10.0 #1\n');
    expect(linksOf(self)).toContainEqual([0, 'starved_by', 'hypervisor / firmware', 'guess']);
  });

  it('nor does khungtaskd, printing a hung-task panic there (knowledge/panic-reasons.ts)', () => {
    const panic = cpusOf(
      starvedOn(0) +
        'Kernel panic - not syncing: hung_task: blocked tasks\nCPU: 0 PID: 28 Comm: khungtaskd Not tainted 5.10.0 #1\n',
    );
    expect(linksOf(panic)).toContainEqual([0, 'starved_by', 'hypervisor / firmware', 'guess']);
  });
});

// A CPU stopper spinning in multi_cpu_stop (kernel/stop_machine.c), as a soft-lockup
// report prints it (5.14): `Stopper:` names the stop, RDI the cpumask stop_machine_yield got.
const stopper = (
  cpu: number,
  pid: number,
) => `watchdog: BUG: soft lockup - CPU#${cpu} stuck for 26s! [migration/${cpu}:${pid}]
CPU: ${cpu} PID: ${pid} Comm: migration/${cpu} Kdump: loaded Not tainted 5.14.0-452.el9.x86_64 #1
Stopper: multi_cpu_stop+0x0/0x100 <- migrate_swap+0xb4/0x110
RIP: 0010:stop_machine_yield+0x2/0x10
RSP: 0018:ffffab0906ca7e70 EFLAGS: 00000246
RAX: 0000000000000000 RBX: ffffab0927fef948 RCX: 0000000000000002
RDX: 0000000000000004 RSI: ffffab0927fef9a0 RDI: ffffffff98a371c0
Call Trace:
 <TASK>
 multi_cpu_stop+0x94/0x100
 cpu_stopper_thread+0x93/0x140
 smpboot_thread_fn+0xd6/0x1a0
 kthread+0xe0/0x100
 ret_from_fork+0x2c/0x50
 </TASK>
`;

describe('resolveIpis: a CPU stopper in multi_cpu_stop', () => {
  it('waits for the CPUs of the cpumask its frames hold, not its own', () => {
    const mask = `crash> struct cpumask ffffffff98a371c0
struct cpumask {
  bits = {0x100000008, 0x0}
}
`;
    const { ipis, edges } = resolve(stopper(3, 212) + mask);
    expect(ipis).toHaveLength(1);
    expect(ipis[0].awaits).toBe('stop');
    expect(ipis[0].pending.map((p) => p.cpu)).toEqual([32]);
    const e = edges.find((x) => x.kind === 'ipi_wait')!;
    expect(e).toMatchObject({ from: 'task:212', to: 'cpu:32', confidence: 'likely' });
    expect(e.why).toContain('to reach the stop');
  });

  it('reads the stopper whose `Stopper:` line a mail client wrapped after its arrow', () => {
    const wrapped = stopper(3, 212).replace('<- migrate_swap', '<-\nmigrate_swap');
    const { ipis } = resolve(`NMI watchdog: Watchdog detected hard LOCKUP on cpu 5\n` + wrapped);
    expect(ipis.map((r) => [r.waiter.id, r.pending.map((p) => p.cpu)])).toEqual([['task:212', [5]]]);
  });

  it('without a cpumask, waits for a CPU the text reports hard-locked', () => {
    const text = `NMI watchdog: Watchdog detected hard LOCKUP on cpu 5\n` + stopper(3, 212);
    const { ipis } = resolve(text);
    expect(ipis[0].pending.map((p) => p.cpu)).toEqual([5]);
  });

  it('is no cross-CPU wait when nothing in the text points at a CPU', () => {
    const { ipis, edges } = resolve(stopper(3, 212));
    expect(ipis).toEqual([]);
    expect(edges).toEqual([]);
  });
});
