// The reflow stage, one reshaping per case: the text as a mail client, a web page or a
// syslog left it, and the lines the parsers get (text, first and last line as uploaded).
import { describe, expect, it } from 'vitest';
import { splitLines } from './lines.js';
import { reflow } from './reflow.js';

type Out = [text: string, no: number, endNo: number];

function read(input: string[]): Out[] {
  const t = reflow(splitLines(input.join('\n')));
  const out: Out[] = [];
  for (let i = 0; i < t.length; i++) out.push([t.trimmed(i), t.no(i), t.endNo(i)]);
  return out;
}

const HUNG = '[  453.554502][  T101] INFO: task bash:2644 blocked for more than 147 seconds.';

describe('reflow', () => {
  it('joins a task line whose pid a client wrapped onto the next line (sysrq-w, 6.x)', () => {
    expect(
      read([
        '<6>[ 5487.974388][ T9272] task:md127_raid5     state:D stack:0',
        'pid:2619  ppid:2      flags:0x00000008',
        '<6>[ 5487.983896][ T9272] Call trace:',
      ]),
    ).toEqual([
      ['task:md127_raid5     state:D stack:0 pid:2619  ppid:2      flags:0x00000008', 1, 2],
      ['Call trace:', 3, 3],
    ]);
  });

  it('joins a CPU header cut inside its taint flags, the rest indented by the kept spaces (quoted, 2024)', () => {
    expect(
      read([
        '>>>> [ 4223.822591] NMI watchdog: Watchdog detected hard LOCKUP on cpu 144',
        '>>>> [ 4223.822622] CPU: 144 PID: 1422 Comm: irq/57-pciehp Kdump: loaded ',
        '>>>> Tainted: G S',
        '>>>>           OE    kernel version xxxx',
        '>>>> [ 4223.822623] RIP: 0010:qi_submit_sync+0x2c0/0x490',
      ]),
    ).toEqual([
      ['NMI watchdog: Watchdog detected hard LOCKUP on cpu 144', 1, 1],
      ['CPU: 144 PID: 1422 Comm: irq/57-pciehp Kdump: loaded Tainted: G S OE    kernel version xxxx', 2, 4],
      ['RIP: 0010:qi_submit_sync+0x2c0/0x490', 5, 5],
    ]);
  });

  it('keeps an indented line after whole taint flags a record of its own', () => {
    expect(
      read(['> CPU: 3 PID: 1 Comm: sh Tainted: G        W  OE     6.1.0 #1', '>           OE    6.1.0 #1']).map(
        (r) => r[1],
      ),
    ).toEqual([1, 2]);
  });

  it('joins a task line cut after its state, the rest indented on the next line (syzkaller, 5.9)', () => {
    expect(
      read([
        "> INFO: task syz-executor178:6870 can't die for more than 143 seconds.",
        '> task:syz-executor178 state:R',
        '>   stack:26960 pid: 6870 ppid:  6869 flags:0x00004006',
        '> Call Trace:',
      ]),
    ).toEqual([
      ["INFO: task syz-executor178:6870 can't die for more than 143 seconds.", 1, 1],
      ['task:syz-executor178 state:R stack:26960 pid: 6870 ppid:  6869 flags:0x00004006', 2, 3],
      ['Call Trace:', 4, 4],
    ]);
    // A state line with nothing of the task line after it stays a line of its own.
    expect(read(['task:syz-executor178 state:R', '  Call Trace:']).length).toBe(2);
    // 5.x+ `running task` after the state, and the task line itself cut by quoted-printable soft breaks.
    const qp = read([
      'Sep  1 14:26:53 ftp kernel: [   18.819394][  T298] rcu: INFO: rcu_sched detected expedited=',
      ' stalls on CPUs/tasks: { 3-... } 4 jiffies s: 441 root: 0x8/.',
      'Sep  1 14:26:53 ftp kernel: [   18.819413][  T298] rcu: blocking rcu_node structures (inte=',
      'rnal RCU debug):',
      'Sep  1 14:26:53 ftp kernel: [   18.819417][  T298] Task dump for CPU 3:',
      'Sep  1 14:26:53 ftp kernel: [   18.819418][  T298] task:httpd',
      'sta=',
      'te:R',
      ' running task     stack:    0 pid: 2798 ppid:  2460 flags:0x0000400a',
      'Sep  1 14:26:53 ftp kernel: [   18.819424][  T298] Call Trace:',
    ]);
    expect(qp.map((o) => o.join(' @ ')).slice(-2)).toEqual([
      'task:httpd state:R running task     stack:    0 pid: 2798 ppid:  2460 flags:0x0000400a @ 6 @ 9',
      'Call Trace: @ 10 @ 10',
    ]);
  });

  it('joins a quoted task line cut before a padded field (5.14: `ppid:     2`), its rest unquoted', () => {
    expect(
      read([
        '>  task:osnoise/7       state:R  running task     stack:    0 pid: 2133',
        'ppid:     2 flags:0x00004000',
        '>  Call Trace:',
      ]),
    ).toEqual([
      ['task:osnoise/7       state:R  running task     stack:    0 pid: 2133 ppid:     2 flags:0x00004000', 1, 2],
      ['Call Trace:', 3, 3],
    ]);
  });

  it("joins a quoted task line cut after a label, its rest unquoted, to the value on the quote's next line", () => {
    for (const rest of ['stack:26640 pid:', 'pid: ']) {
      expect(
        read([
          `> > [ 7840.750700][   T28] task:kworker/0:1     state:D ${rest === 'pid: ' ? 'stack:26640 ' : ''}`,
          rest,
          '> > 1872 ppid:     2 flags:0x00000428',
          '> > [ 7875.642531][   T28] Workqueue: events toggle_allocation_gate',
        ]).map((o) => o[0]),
      ).toEqual([
        'task:kworker/0:1     state:D stack:26640 pid: 1872 ppid:     2 flags:0x00000428',
        'Workqueue: events toggle_allocation_gate',
      ]);
    }
  });

  it('a label after prose is not a field list cut: `… worker pools:` stays apart from the dump', () => {
    expect(read(['Showing busy workqueues and worker pools:', 'workqueue events: flags=0x0']).map((o) => o[0])).toEqual(
      ['Showing busy workqueues and worker pools:', 'workqueue events: flags=0x0'],
    );
  });

  it("splits syzbot's title glued to the INFO line with no space, and ends the report's echo line", () => {
    expect(
      read([
        '> INFO: task hung in do_page_mkwriteINFO: task syz-fuzzer:4876 blocked for more than 140 seconds.',
        '> "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
        '> syz-fuzzer      D21704  4876   4871 0x00000000',
        '> Call Trace:',
      ]).map((o) => o[0]),
    ).toEqual([
      'INFO: task hung in do_page_mkwrite',
      'INFO: task syz-fuzzer:4876 blocked for more than 140 seconds.',
      '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
      'syz-fuzzer      D21704  4876   4871 0x00000000',
      'Call Trace:',
    ]);
  });

  it('joins a hung-task headline wrapped before `seconds.`, with or without format=flowed spaces', () => {
    for (const end of ['', ' ']) {
      expect(
        read([
          `[  453.554502][  T101] INFO: task bash:2644 blocked for more than 147${end}`,
          'seconds.',
          '[  453.555494][  T101]       Not tainted 6.16.0-rc3 #84',
        ]),
      ).toEqual([
        ['INFO: task bash:2644 blocked for more than 147 seconds.', 1, 2],
        ['Not tainted 6.16.0-rc3 #84', 3, 3],
      ]);
    }
  });

  it('joins a syslog prefix left alone on its line with the message wrapped after it', () => {
    expect(
      read([
        'Dec 10 09:07:48 aks-corew26-13626357-vmss00000E kernel:',
        '[5653610.087014] INFO: task kworker/0:2:2562230 blocked for more than',
        '604 seconds.',
        'Dec 10 09:07:48 aks-corew26-13626357-vmss00000E kernel:',
        '[5653610.092927]       Not tainted 5.4.0-1091-azure #96~18.04.1-Ubuntu',
      ]),
    ).toEqual([
      ['INFO: task kworker/0:2:2562230 blocked for more than 604 seconds.', 1, 3],
      ['Not tainted 5.4.0-1091-azure #96~18.04.1-Ubuntu', 4, 5],
    ]);
  });

  it('joins a frame a client cut inside its offset without a space', () => {
    expect(read(['[ 5488.139527][ T9272]  jbd2_journal_commit_transaction+0xccc/', '0x1520 [jbd2]'])).toEqual([
      ['jbd2_journal_commit_transaction+0xccc/0x1520 [jbd2]', 1, 2],
    ]);
  });

  it('joins wrapped lines of a text without log prefixes when the text was wrapped (lines pile up at the wrap column)', () => {
    const wrapped = [
      'INFO: task kworker/u16:3:4188 blocked for more than 122 seconds. The',
      'task is shown below.',
      '      Not tainted 6.1.0-18-amd64 #1 Debian 6.1.76-1 with more words so',
      'it is long',
      'task:kworker/u16:3   state:D stack:0     pid:4188  ppid:2     flags:',
      '0x00004000',
      'Workqueue: writeback wb_workfn (flush-8:0) and more text to fill it up',
      'Call Trace:',
      ' <TASK>',
      ' __schedule+0x34d/0x9e0',
    ];
    expect(read(wrapped).map((o) => o[0])).toEqual([
      'INFO: task kworker/u16:3:4188 blocked for more than 122 seconds. The task is shown below.',
      'Not tainted 6.1.0-18-amd64 #1 Debian 6.1.76-1 with more words so it is long',
      'task:kworker/u16:3   state:D stack:0     pid:4188  ppid:2     flags: 0x00004000',
      'Workqueue: writeback wb_workfn (flush-8:0) and more text to fill it up',
      'Call Trace:',
      '<TASK>',
      '__schedule+0x34d/0x9e0',
    ]);
  });

  it('keeps the rows of raw stack words of an old task dump apart in a wrapped text', () => {
    const prose = 'This sentence pads the text so that its lines pile up near the wrap column!';
    const rows = [
      'ffff81007ee73c70 0000000000000046 0000000000000000 0000000000000008',
      '0000000000000800 0000000000000000 0000000000000286 ffff81007bebe080',
      'ffff81007f8d47e0 ffff81007ee73c80 ffff81007ed91a00 0000000100d78984',
    ];
    const text = [
      prose,
      prose,
      prose,
      prose,
      'kdvb-ca-0:0   D 0000000100d78984     0  2046      2',
      ...rows,
      'Call Trace:',
    ];
    expect(read(text).map((o) => o[0])).toEqual(text);
    // One or two words alone on a line are still the rest of a wrapped row.
    expect(read([prose, prose, prose, prose, rows[0].slice(0, 50), rows[0].slice(51)]).map((o) => o[0])).toContain(
      rows[0],
    );
  });

  it('leaves an unwrapped text alone: lines that start a record, indented lines, a short text', () => {
    const text = [
      '$ sudo tail -n +1 /proc/517/comm /proc/517/stack /proc/4412/stack',
      '==> /proc/517/comm <==',
      'jbd2/dm-0-8',
    ];
    expect(read(text).map((o) => o[0])).toEqual(text);
    const t = splitLines(text.join('\n'));
    expect(reflow(t)).toBe(t);
  });

  it('splits a header glued onto the line before, both parts keeping the line number', () => {
    expect(read(['x1 : ffff800b34eff2c0 x0 : 0000000000000300 Call trace:', '__alloc_skb+0x104/0x1b0'])).toEqual([
      ['x1 : ffff800b34eff2c0 x0 : 0000000000000300', 1, 1],
      ['Call trace:', 1, 1],
      ['__alloc_skb+0x104/0x1b0', 2, 2],
    ]);
  });

  it('splits an NMI backtrace header glued after an RCU stall line, not prose that names one', () => {
    expect(read([' (t=21031 jiffies g=324821 q=95837) NMI backtrace for cpu 33', ' RIP: 0010:f+0x2f/0x90'])).toEqual([
      ['(t=21031 jiffies g=324821 q=95837)', 1, 1],
      ['NMI backtrace for cpu 33', 1, 1],
      ['RIP: 0010:f+0x2f/0x90', 2, 2],
    ]);
    // The header ends its line; prose that goes on after the number is no header.
    expect(read(['so the NMI backtrace for cpu 33 shows the loop']).length).toBe(1);
  });

  it('puts back the space HTML mail dropped after `INFO: task`', () => {
    expect(read(['INFO: taskkworker/0:1:52 blocked for more than 120 seconds.'])).toEqual([
      ['INFO: task kworker/0:1:52 blocked for more than 120 seconds.', 1, 1],
    ]);
  });

  it('removes quote marks at any depth, with or without spaces, mixed in one text', () => {
    const quoted = [
      'Zhang wrote:',
      '>>> [348439.713254] Call Trace:',
      '>>> [348439.713255]  do_raw_write_lock+0xa9/0xb0',
      '> > >  [348439.713256]  _raw_write_lock_irq+0x5a/0x70',
      '>>[348439.713256]  do_exit+0x429/0xd00',
      'my reply',
    ];
    expect(read(quoted).map((o) => o[0])).toEqual([
      'Zhang wrote:',
      'Call Trace:',
      'do_raw_write_lock+0xa9/0xb0',
      '_raw_write_lock_irq+0x5a/0x70',
      'do_exit+0x429/0xd00',
      'my reply',
    ]);
  });

  it('keeps crash `ps` marking the current task with `>`', () => {
    const ps = [
      'crash> ps',
      '   PID    PPID  CPU       TASK        ST  %MEM     VSZ    RSS  COMM',
      '>     0      0   0  ffffffff81e13480  RU   0.0       0      0  [swapper/0]',
      '>     0      0   1  ffff88003a0b8000  RU   0.0       0      0  [swapper/1]',
    ];
    expect(read(ps).map((o) => o[0].startsWith('>'))).toEqual([false, false, true, true]);
  });

  it('reads a dmesg timestamp whose `[` a copy cut off', () => {
    expect(
      read([
        '348439.713178] NMI watchdog: Watchdog detected hard LOCKUP on cpu 32',
        '[348439.713236] irq event stamp: 0',
      ]),
    ).toEqual([
      ['NMI watchdog: Watchdog detected hard LOCKUP on cpu 32', 1, 1],
      ['irq event stamp: 0', 2, 2],
    ]);
  });

  it('drops the blank line a web copy put after every line, and keeps paragraph breaks', () => {
    const lines = [
      HUNG,
      '',
      '[  453.555494][  T101]       Not tainted 6.16.0-rc3 #84',
      '',
      '[  453.568860][  T101] Call Trace:',
      '',
      '[  453.568861][  T101]  __schedule+0x2c4/0x700',
      '',
      '[  453.568862][  T101]  schedule+0x46/0xb0',
      '',
      '[  453.568863][  T101]  io_schedule+0x12/0x40',
      '',
      '[  453.568864][  T101]  ret_from_fork+0x1f/0x30',
      '',
      '',
      '',
      'Thanks,',
      '',
      'Li',
    ];
    expect(read(lines)).toEqual([
      ['INFO: task bash:2644 blocked for more than 147 seconds.', 1, 1],
      ['Not tainted 6.16.0-rc3 #84', 3, 3],
      ['Call Trace:', 5, 5],
      ['__schedule+0x2c4/0x700', 7, 7],
      ['schedule+0x46/0xb0', 9, 9],
      ['io_schedule+0x12/0x40', 11, 11],
      ['ret_from_fork+0x1f/0x30', 13, 13],
      ['', 14, 14],
      ['', 15, 15],
      ['', 16, 16],
      ['Thanks,', 17, 17],
      ['Li', 19, 19],
    ]);
  });

  it('reads a syslogd wall broadcast', () => {
    expect(
      read([
        'Message from syslogd@ip-172-31-67-114 at May  7 18:23:21 ...',
        ' kernel:BUG: workqueue lockup - pool cpus=0 node=0 flags=0x0 nice=0 stuck for 57s!',
        ' kernel:[ 1234.567890] BUG: soft lockup - CPU#3 stuck for 22s! [foo:123]',
      ]),
    ).toEqual([
      ['Message from syslogd@ip-172-31-67-114 at May  7 18:23:21 ...', 1, 1],
      ['BUG: workqueue lockup - pool cpus=0 node=0 flags=0x0 nice=0 stuck for 57s!', 2, 2],
      ['BUG: soft lockup - CPU#3 stuck for 22s! [foo:123]', 3, 3],
    ]);
  });

  it('reads syslog lines with and without the bracketed kernel time', () => {
    expect(
      read([
        'Mar 11 09:41:07 host kernel: [ 123.456789] INFO: task a:1 blocked for more than 120 seconds.',
        'Mar 11 09:41:07 host kernel: INFO: task b:2 blocked for more than 120 seconds.',
      ]).map((o) => o[0]),
    ).toEqual([
      'INFO: task a:1 blocked for more than 120 seconds.',
      'INFO: task b:2 blocked for more than 120 seconds.',
    ]);
  });

  it('drops the marks where the sender cut lines: `...`, `[...]`, `(...snipped...)`, `<snip>`, `<...>`', () => {
    for (const mark of ['...', '[...]', '(...snipped...)', '<snip>', '[ ... ]', '<...>']) {
      expect(read(['Call Trace:', ' __schedule+0x2c4/0x700', mark, ' ret_from_fork+0x1f/0x30'])).toEqual([
        ['Call Trace:', 1, 1],
        ['__schedule+0x2c4/0x700', 2, 2],
        ['ret_from_fork+0x1f/0x30', 4, 4],
      ]);
    }
  });

  it('does not join prose or another capture pasted right after a log', () => {
    expect(
      read([
        HUNG,
        'crash> bt 2644',
        '[  453.555494][  T101] xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx yyy',
        'Thanks for looking at this.',
      ]).map((o) => o[0]),
    ).toEqual([
      'INFO: task bash:2644 blocked for more than 147 seconds.',
      'crash> bt 2644',
      'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx yyy',
      'Thanks for looking at this.',
    ]);
  });

  it('joins quoted-printable soft line breaks without a space and drops the `=`', () => {
    const ps = [
      'crash> ps | grep UN',
      '  31458      1   5  ffff88e9c8ded100  UN   0.0    7620   1156  memcg_test_=',
      '1',
      '  31459      1   6  ffff88e9c8de8000  UN   0.0    7620   1156  memcg_test_=',
      '1',
      ' #5 [ffffb36648bc7ba8] try_to_free_mem_cgroup_pages+0xf4 at ffffffffb6a6d2=',
      '64',
    ];
    expect(read(ps).map((o) => o[0])).toEqual([
      'crash> ps | grep UN',
      '31458      1   5  ffff88e9c8ded100  UN   0.0    7620   1156  memcg_test_1',
      '31459      1   6  ffff88e9c8de8000  UN   0.0    7620   1156  memcg_test_1',
      '#5 [ffffb36648bc7ba8] try_to_free_mem_cgroup_pages+0xf4 at ffffffffb6a6d264',
    ]);
  });

  it('joins a held lock cut before `at:`, its `at:` left alone by a reply that wrapped the quote again', () => {
    // lockdep's "lock held when returning to user space" (6.1), wrapped after `at:` by its
    // sender, then quoted and wrapped at 72 by a reply.
    const held = [
      '> >   2 locks held by fsstress/504233:',
      '> >    #0: ffff888054c38850 (&sb->s_type->i_mutex_key#21){+.+.}-{3:3},',
      'at:',
      '> >                         lock_two_nondirectories+0xcf/0xf0',
      '> >    #1: ffff8880b8fec750 (&sb->s_type->i_mutex_key#21/4){+.+.}-{3:3},',
      'at:',
      '> >                         lock_two_nondirectories+0xb7/0xf0',
    ];
    expect(read(held)).toEqual([
      ['2 locks held by fsstress/504233:', 1, 1],
      ['#0: ffff888054c38850 (&sb->s_type->i_mutex_key#21){+.+.}-{3:3}, at: lock_two_nondirectories+0xcf/0xf0', 2, 4],
      ['#1: ffff8880b8fec750 (&sb->s_type->i_mutex_key#21/4){+.+.}-{3:3}, at: lock_two_nondirectories+0xb7/0xf0', 5, 7],
    ]);
  });

  it("joins a quote-rest that a reply quoted and wrapped again: the rest's rest, then the quote's own rest", () => {
    // A sysrq-w task line (5.19) wrapped by its sender's client inside a quote, its rest
    // unquoted; a reply quoted that and wrapped at 72, leaving a rest between the two.
    const task = [
      '> > [ 2268.057017] sysrq: Show Blocked State',
      '> > [ 2268.057866] task:kworker/u97:11  state:D stack:    0 pid:  340',
      'ppid: =',
      '>     2 flags:0x00004000',
      '> > [ 2268.058361] Workqueue: writeback wb_workfn (flush-btrfs-1)',
    ];
    expect(read(task).map((o) => o.slice(1))).toEqual([
      [1, 1],
      [2, 4],
      [5, 5],
    ]);
  });

  it("joins a held lock's site cut by a wrap after `at:` and again by a quoted-printable soft break", () => {
    const held = [
      'crash> ps | grep UN',
      '  31458      1   5  ffff88e9c8ded100  UN   0.0    7620   1156  memcg_test_=',
      '1',
      '  31459      1   6  ffff88e9c8de8000  UN   0.0    7620   1156  memcg_test_=',
      '1',
      '4 locks held by syz-executor/9916:',
      ' #0: ffff88807ca86420 (sb_writers#8){.+.+}-{0:0}, at:',
      'vfs_write+0x2=',
      '24/0xc90 fs/read_write.c:679',
      ' #1: ffff88802e71e488 (&of->mutex){+.+.}-{3:3}, at: kernfs_fop_write_iter+0x1ea/0x500',
    ];
    expect(
      read(held)
        .map((o) => o[0])
        .slice(3),
    ).toEqual([
      '4 locks held by syz-executor/9916:',
      '#0: ffff88807ca86420 (sb_writers#8){.+.+}-{0:0}, at: vfs_write+0x224/0xc90 fs/read_write.c:679',
      '#1: ffff88802e71e488 (&of->mutex){+.+.}-{3:3}, at: kernfs_fop_write_iter+0x1ea/0x500',
    ]);
  });

  it("joins powerpc's watchdog headline cut before its address, and keeps a frame cut before its symbol apart", () => {
    // A Talos II hard lockup (5.14) wrapped at 72.
    const ppc = [
      'note: kworker/u66:5[345930] exited with preempt_count 2',
      'watchdog: CPU 16 self-detected hard LOCKUP @',
      '.do_raw_spin_lock+0x90/0x1d0',
      'Call Trace:',
      '[c00020006d5ef690] [c000000000c7e3ec] ._raw_spin_lock_irqsave+0x5c/0xb0',
      '[c00020006d5ef720] [c000000000344e2c] .wb_get_create+0xec/0x8d0',
      '[c00020006d5ef820] [c00000000031848c]',
      '.balance_dirty_pages_ratelimited+0x2ec/0x880',
      '[c00020006d5ef8e0] [c00000000064c798] .btrfs_buffered_write+0x548/0x740',
      'a line of prose that a client wrapped at the seventy-second column of',
    ];
    expect(read(ppc).map((o) => o[0])).toContain(
      'watchdog: CPU 16 self-detected hard LOCKUP @ .do_raw_spin_lock+0x90/0x1d0',
    );
    expect(read(ppc).map((o) => o[0])).toContain('[c00020006d5ef720] [c000000000344e2c] .wb_get_create+0xec/0x8d0');
  });

  it('keeps powerpc frame lines apart in a quoted-printable body (their stack pointer starts with a letter)', () => {
    // The encoder's 76-column breaks make the whole body look wrapped at ~76; a powerpc
    // frame `[sp] [pc] fn+off/size` and show_regs' `NIP [pc] fn` are records of their own.
    const qp = [
      'CPU: 29 PID: 19816 Comm: lspci Tainted: G           OE    4.15.0-21-generic=',
      ' #22-Ubuntu',
      'Call Trace:',
      '[c000003fbed3fb00] [c000000000cddd5c] dump_stack+0xb0/0xf4 (unreliable)',
      '[c000003fbed3fb40] [c00000000003a824] eeh_dev_check_failure+0x234/0x5b0',
      '[c000003fbed3fbe0] [c0000000000aced8] pnv_pci_read_config+0x128/0x160',
      'GPR28: 0000000000400000 0000000000000001 c000003fed710900 00000000000008c6',
      'NIP [c000000000024420] udelay+0x40/0x60',
      'LR [c0080000107e970c] __tg3_readphy+0xa4/0x1d0 [tg3]',
      '[c00020397b4d3660] [c0080000107e972c] __tg3_readphy+0xc4/0x1d0 [tg3] (unrel=',
      'iable)',
      '[c00020397b4d36b0] [c0080000107fcf84] tg3_setup_copper_phy+0x64c/0x1130 [tg=',
      '3]',
    ];
    expect(read(qp).map((o) => o[0])).toEqual([
      'CPU: 29 PID: 19816 Comm: lspci Tainted: G           OE    4.15.0-21-generic #22-Ubuntu',
      'Call Trace:',
      '[c000003fbed3fb00] [c000000000cddd5c] dump_stack+0xb0/0xf4 (unreliable)',
      '[c000003fbed3fb40] [c00000000003a824] eeh_dev_check_failure+0x234/0x5b0',
      '[c000003fbed3fbe0] [c0000000000aced8] pnv_pci_read_config+0x128/0x160',
      'GPR28: 0000000000400000 0000000000000001 c000003fed710900 00000000000008c6',
      'NIP [c000000000024420] udelay+0x40/0x60',
      'LR [c0080000107e970c] __tg3_readphy+0xa4/0x1d0 [tg3]',
      '[c00020397b4d3660] [c0080000107e972c] __tg3_readphy+0xc4/0x1d0 [tg3] (unreliable)',
      '[c00020397b4d36b0] [c0080000107fcf84] tg3_setup_copper_phy+0x64c/0x1130 [tg3]',
    ]);
  });

  it('joins a soft break right before a space, then the hard wrap of the decoded line (bugzilla mail of a syslog)', () => {
    // A bug tracker wrapped the syslog line at ~80 columns; quoted-printable then broke it
    // again at 76, before the space of ` for`.
    const qp = [
      'Oct 17 19:10:09 host kernel: XFS (dm-0): Unmounting Filesyst=',
      'em',
      '3e1fc16c-f101-4acb-bacb-39ae396320fe',
      'Oct 17 19:14:04 line-xfs-crc-logdev kernel: INFO: task umount:17146 blocked=',
      ' for',
      'more than 120 seconds.',
      'Oct 17 19:14:04 line-xfs-crc-logdev kernel:       Not tainted 6.6.0-rc5 #2',
      'Oct 17 19:14:04 line-xfs-crc-logdev kernel:  xfs_fs_put_super+0x37/0x80 [xf=',
      's]',
    ];
    expect(read(qp)).toEqual([
      ['XFS (dm-0): Unmounting Filesystem 3e1fc16c-f101-4acb-bacb-39ae396320fe', 1, 3],
      ['INFO: task umount:17146 blocked for more than 120 seconds.', 4, 6],
      ['Not tainted 6.6.0-rc5 #2', 7, 7],
      ['xfs_fs_put_super+0x37/0x80 [xfs]', 8, 9],
    ]);
  });

  it("joins a long log line's rest that kept the space it was broken at, not a tagged record after it", () => {
    expect(
      read([
        'Sep  1 14:26:53 ftp kernel: [   18.819418][  T298] task:httpd           state:R',
        ' running task     stack:    0 pid: 2798 ppid:  2460 flags:0x0000400a',
        'Sep  1 14:26:53 ftp kernel: [   18.819424][  T298] Call Trace:',
      ]).map((o) => o[0]),
    ).toEqual([
      'task:httpd           state:R running task     stack:    0 pid: 2798 ppid:  2460 flags:0x0000400a',
      'Call Trace:',
    ]);
    expect(
      read([
        '   [   75.213962] NMI watchdog: Watchdog detected hard LOCKUP on cpu 4 of this box',
        '   [FAILED] Failed to start Wait for udev To Complete Device Initialization.',
      ]).map((o) => o[0]),
    ).toEqual([
      'NMI watchdog: Watchdog detected hard LOCKUP on cpu 4 of this box',
      '[FAILED] Failed to start Wait for udev To Complete Device Initialization.',
    ]);
  });

  it('joins an ARM call line cut around its caller, and an old task line cut before `(NOTLB)`', () => {
    expect(
      read([
        'cp            D C02371A0 19704060   136     91',
        '(NOTLB)',
        '[<c0236f5c>] (schedule+0x0/0x45c) from [<c02bb87c>]',
        '(nfs_wait_on_request+0x160/0x188)',
        '[<c02bf024>] (nfs_wait_on_requests+0x0/0x130) from',
        '[<c02c06cc>] (nfs_sync_file+0xa4/0xac)',
      ]).map((o) => o[0]),
    ).toEqual([
      'cp            D C02371A0 19704060   136     91 (NOTLB)',
      '[<c0236f5c>] (schedule+0x0/0x45c) from [<c02bb87c>] (nfs_wait_on_request+0x160/0x188)',
      '[<c02bf024>] (nfs_wait_on_requests+0x0/0x130) from [<c02c06cc>] (nfs_sync_file+0xa4/0xac)',
    ]);
  });

  it('keeps ARM call lines printed without addresses apart, and joins one a client cut after `from`', () => {
    const prose = [
      'It looks like the worker thread, which runs mmc_rescan() to try to',
      'detect the SDIO card is hanging. Exactly why, I do not know but it',
      'could be a misconfigured clock, pinctrl or a power domain being gated',
      'suddenly, which is what the second board shows when it is probed too.',
    ];
    expect(
      read([
        ...prose,
        '',
        '(schedule_timeout) from (__wait_for_common+0x7d/0xdc)',
        '(__wait_for_common) from (mmc_wait_for_req_done+0x1b/0x8c)',
        '(mmc_wait_for_req_done) from (mmc_wait_for_cmd+0x4d/0x68)',
        '(mmci_remove [armmmci]) from',
        '(amba_remove+0x13/0x42)',
      ])
        .map((o) => o[0])
        .filter((text) => text.startsWith('(')),
    ).toEqual([
      '(schedule_timeout) from (__wait_for_common+0x7d/0xdc)',
      '(__wait_for_common) from (mmc_wait_for_req_done+0x1b/0x8c)',
      '(mmc_wait_for_req_done) from (mmc_wait_for_cmd+0x4d/0x68)',
      '(mmci_remove [armmmci]) from (amba_remove+0x13/0x42)',
    ]);
  });

  it('keeps crash `ps` rows apart after a quoted-printable soft break made a row look wide', () => {
    const row = (pid: number) => `  ${pid}      1   5  ffff88e9c8ded100  UN   0.0    7620   1156  memcg_test_=`;
    expect(read(['crash> ps | grep UN', row(31458), '1', row(31459), '1', row(31460), '1']).map((o) => o[0])).toEqual([
      'crash> ps | grep UN',
      '31458      1   5  ffff88e9c8ded100  UN   0.0    7620   1156  memcg_test_1',
      '31459      1   5  ffff88e9c8ded100  UN   0.0    7620   1156  memcg_test_1',
      '31460      1   5  ffff88e9c8ded100  UN   0.0    7620   1156  memcg_test_1',
    ]);
  });

  it('drops the encoded trailing space (`=20`) that an undecoded quoted-printable body ends lines with', () => {
    const body = [
      '[10237.670358] NIP [c000000000d1ea70] _raw_spin_lock_irq+0x60/0x100=20',
      '[10237.670358] Call Trace:=20',
      '[10237.670360] [c000001fe9d8b7f0] [c0000000006ce1dc] bfq_bio_merge+0x9c/0x1=',
      'f0=20',
      '[10237.670361] [c000001fe9d8b870] [c0000000006a4de8] __blk_mq_sched_bio_mer=',
      'ge+0xa8/0x1d0=20',
      '[10237.670362] [c000001fe9d8b980] [c00000000068d1ac] generic_make_request+0=',
      'xdc/0x380=20',
      '[10237.670344] CFAR: c000000000d1ea98 IRQMASK: 1 =20',
      'a setting of hung=20',
    ];
    expect(read(body).map((o) => o[0])).toEqual([
      'NIP [c000000000d1ea70] _raw_spin_lock_irq+0x60/0x100',
      'Call Trace:',
      '[c000001fe9d8b7f0] [c0000000006ce1dc] bfq_bio_merge+0x9c/0x1f0',
      '[c000001fe9d8b870] [c0000000006a4de8] __blk_mq_sched_bio_merge+0xa8/0x1d0',
      '[c000001fe9d8b980] [c00000000068d1ac] generic_make_request+0xdc/0x380',
      'CFAR: c000000000d1ea98 IRQMASK: 1',
      'a setting of hung',
    ]);
    // Not in a text that is not quoted-printable: `hung=20` may mean what it says there.
    expect(read(['a setting of hung=20', 'Call Trace:']).map((o) => o[0])).toEqual([
      'a setting of hung=20',
      'Call Trace:',
    ]);
  });

  it("ends a line at Outlook's escaped line feed (`=0A=`) and joins only the soft breaks", () => {
    const body = [
      'INFO: task cryptomgr_test:314 blocked for more than 120 seconds.=0A=',
      '      Not tainted 5.2.0-rc1-g905bfd415e8a #1=0A=',
      '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.=',
      '=0A=',
      'cryptomgr_test  D    0   314      2 0x00000800=0A=',
      'Call Trace:=0A=',
      '[e78338a8] [c08a6e5c] __schedule+0x20c/0x4d4=0A=',
      'Cc: linux-rt-users@vger.kernel.org; Steffen D=',
      'irkwinkel=0A=',
      'Horia=0A',
    ];
    expect(read(body).map((o) => o[0])).toEqual([
      'INFO: task cryptomgr_test:314 blocked for more than 120 seconds.',
      'Not tainted 5.2.0-rc1-g905bfd415e8a #1',
      '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
      'cryptomgr_test  D    0   314      2 0x00000800',
      'Call Trace:',
      '[e78338a8] [c08a6e5c] __schedule+0x20c/0x4d4',
      'Cc: linux-rt-users@vger.kernel.org; Steffen Dirkwinkel',
      'Horia',
    ]);
  });

  it('joins what continues a record and never starts one: a lockdep site after `at:`, crash `COMMAND:`, an unclosed `[module`', () => {
    expect(
      read([
        '     2 locks held by swapper/0/1:',
        '      #0: ffff000080ff80f8 (&dev->mutex){....}-{4:4}, at:',
        '          __driver_attach+0x19c/0x2c0',
      ]).map((o) => o[0]),
    ).toEqual([
      '2 locks held by swapper/0/1:',
      '#0: ffff000080ff80f8 (&dev->mutex){....}-{4:4}, at: __driver_attach+0x19c/0x2c0',
    ]);
    expect(
      read(['[ 0 00:00:12.109] [RU] PID: 45526 TASK: ffff97e02fb24780 CPU: 19', 'COMMAND: "pool-2-thread-3"']).map(
        (o) => o[0],
      ),
    ).toEqual(['[ 0 00:00:12.109] [RU] PID: 45526 TASK: ffff97e02fb24780 CPU: 19 COMMAND: "pool-2-thread-3"']);
    expect(
      read([
        'Call trace:',
        ' fsl_xcvr_mode_put+0x4c/0xc0 [snd_soc_fsl_xcvr',
        'ac1b31380c6a6ea0d613bd5f78489e314a40f91f]',
      ]).map((o) => o[0]),
    ).toEqual([
      'Call trace:',
      'fsl_xcvr_mode_put+0x4c/0xc0 [snd_soc_fsl_xcvr ac1b31380c6a6ea0d613bd5f78489e314a40f91f]',
    ]);
  });

  it('joins a value a client wrapped away from its label, and ends the record there', () => {
    // crash `bt`: the frame's address after ` at`, then the next frame
    expect(
      read([
        '    #3 [ffff88031bdebec0] call_rwsem_down_write_failed at',
        'ffffffff8128e883',
        '    #4 [ffff88031bdebf20] sys_mprotect at ffffffff81152386',
      ]).map((o) => o.slice(0, 2)),
    ).toEqual([
      ['#3 [ffff88031bdebec0] call_rwsem_down_write_failed at ffffffff8128e883', 1],
      ['#4 [ffff88031bdebf20] sys_mprotect at ffffffff81152386', 3],
    ]);
    // a register row cut after its last label
    expect(
      read(['       RAX: 000000000000000a  RBX: ffffffff8100b072  RCX:', '0000000000000000']).map((o) => o[0]),
    ).toEqual(['RAX: 000000000000000a  RBX: ffffffff8100b072  RCX: 0000000000000000']);
    // a crash `ps` row cut before its COMM: the COMM is the row's end, the next row its own
    expect(
      read([
        '  14309  14291   3  ffff97dad1568840  RU   0.0 1244868   3476',
        'runc:[2:INIT]',
        '  14310  14291   5  ffff97dad1568841  UN   0.0 1244868   3476  runc',
      ]).map((o) => o[0]),
    ).toEqual([
      '14309  14291   3  ffff97dad1568840  RU   0.0 1244868   3476 runc:[2:INIT]',
      '14310  14291   5  ffff97dad1568841  UN   0.0 1244868   3476  runc',
    ]);
    // crash's COMMAND cut after the label, or inside a comm with a space
    expect(
      read([
        '[ 0 00:02:14.088] [RU] PID: 14309 TASK: ffff97dad1568840 CPU: 3 COMMAND:',
        '"runc:[2:INIT]"',
        '              [120] PID: 43754  TASK: ffff97e4f7274d80  COMMAND: "VM',
        'Thread"',
      ]).map((o) => o[0]),
    ).toEqual([
      '[ 0 00:02:14.088] [RU] PID: 14309 TASK: ffff97dad1568840 CPU: 3 COMMAND: "runc:[2:INIT]"',
      '[120] PID: 43754  TASK: ffff97e4f7274d80  COMMAND: "VM Thread"',
    ]);
    // dump_stack's header cut before the release, or before the build number
    expect(
      read([
        'CPU: 0 PID: 0 Comm: swapper/0 Not tainted',
        '6.9.0-rc4-00001-gfdfd281212ec #1',
        'CPU: 1 PID: 128 Comm: sh Not tainted 6.9.0-rc4-00001-gfdfd281212ec',
        '#1',
        'Hardware name: linux,dummy-virt (DT)',
      ]).map((o) => o[0]),
    ).toEqual([
      'CPU: 0 PID: 0 Comm: swapper/0 Not tainted 6.9.0-rc4-00001-gfdfd281212ec #1',
      'CPU: 1 PID: 128 Comm: sh Not tainted 6.9.0-rc4-00001-gfdfd281212ec #1',
      'Hardware name: linux,dummy-virt (DT)',
    ]);
    // a quoted frame's module cut before its build id, the id left unquoted
    expect(
      read([
        '>>  reg_todo+0x207/0x290 [cfg80211',
        '2571f504aa68d55c11440c869062c668de1a2dce]',
        '>>  process_one_work+0x17b/0x330',
      ]).map((o) => o[0]),
    ).toEqual([
      'reg_todo+0x207/0x290 [cfg80211 2571f504aa68d55c11440c869062c668de1a2dce]',
      'process_one_work+0x17b/0x330',
    ]);
    // spin_dump's owner fields
    expect(
      read([' lock: 0xffff881ffe823980, .magic: dead4ead, .owner: namexx/21888,', '.owner_cpu: 1']).map((o) => o[0]),
    ).toEqual(['lock: 0xffff881ffe823980, .magic: dead4ead, .owner: namexx/21888, .owner_cpu: 1']);
    // a label and a value that happen to sit on two short lines are not joined
    expect(read(['RCX:', '0000000000000000']).map((o) => o[0])).toEqual(['RCX:', '0000000000000000']);
  });

  it("never joins the hung-task report's second line or a markdown fence to the line before", () => {
    // A reply wrapped at 72: the headline is whole, the line after it was wrapped.
    const prose = [
      '> We found a hungtask bug in test_aead_vec_cfg as follows, on a machine',
      '> that ran the crypto self tests in a loop for about two days before it',
      '> hung; the trace below is what the hung task watchdog printed on the',
      '> console, and the machine never recovered from it after that point in',
    ];
    expect(
      read([
        ...prose,
        '> INFO: task cryptomgr_test:391009 blocked for more than 120 seconds.',
        '> "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this',
        'message.',
        '> Call trace:',
      ])
        .map((o) => o[0])
        .slice(-3),
    ).toEqual([
      'INFO: task cryptomgr_test:391009 blocked for more than 120 seconds.',
      '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
      'Call trace:',
    ]);
    expect(
      read(['[ 0 00:02:14.105] [RU] PID: 43754 TASK: ffff97e4f7274d80 CPU: 24', 'COMMAND: "VM Thread"', '```']).map(
        (o) => o[0],
      ),
    ).toEqual(['[ 0 00:02:14.105] [RU] PID: 43754 TASK: ffff97e4f7274d80 CPU: 24 COMMAND: "VM Thread"', '```']);
  });

  it('joins a wrapped line of a reply quoted again at a deeper level, and never joins a rule to the next line', () => {
    // Wrapped at 76 with one `> `, then quoted twice more: the lines are 80 wide and more.
    const wrapped = [
      '>      Module contains two platform_drivers. The initial probe calls into the',
      '>      platform_register_driver() with the second struct platform_driver, and',
      '>      the second probe then registers the controller and then finds its child,',
      '>      which it binds under the very same device lock it already holds there.',
      '>      INFO: task swapper/0:1 is blocked on a mutex likely owned by task',
      '>      swapper/0:1.',
      '>      ------------------------------------------------------',
      '>      test_cpuset_prs/10971 is trying to acquire lock:',
    ];
    const deeper = wrapped.map((l) => '> > ' + l);
    expect(
      read(deeper)
        .map((o) => o[0])
        .slice(-3),
    ).toEqual([
      'INFO: task swapper/0:1 is blocked on a mutex likely owned by task swapper/0:1.',
      '------------------------------------------------------',
      'test_cpuset_prs/10971 is trying to acquire lock:',
    ]);
  });

  it("joins sparc32's two-printk frames `[pc : ` / `sym ] ` and a `Code:` line's wrapped bytes", () => {
    expect(
      read([
        'CPU: 0 PID: 139 Comm: S01syslogd Not tainted 5.7.0-next-20200603 #1',
        '[f0067d00 : ',
        'do_raw_spin_lock+0xa8/0xd8 ] ',
        '[5010cd4c : ',
        '0x5010cd4c ] ',
      ]),
    ).toEqual([
      ['CPU: 0 PID: 139 Comm: S01syslogd Not tainted 5.7.0-next-20200603 #1', 1, 1],
      ['[f0067d00 : do_raw_spin_lock+0xa8/0xd8 ]', 2, 3],
      ['[5010cd4c : 0x5010cd4c ]', 4, 5],
    ]);
    expect(
      read([
        'RIP: 0010:__do_softirq+0x83/0x34e',
        'Code: 2a 0a ff 0f b7 ed c7 44 24 10 0a 00 00 00 48 c7 c7 51 2a 64 82 e8 2d',
        'e2 d5 ff 65 66 c7 05 83 af 1e 7e 00 00 fb b8 ff ff ff ff <49> c7 c2 40 61',
        '80 82 0f bc c5 41 89 c4 41 83 c4 01 0f 84 e6 00 00',
        'RSP: 0018:ffffc90000003f98 EFLAGS: 00000286',
      ]).map((o) => [o[1], o[2]]),
    ).toEqual([
      [1, 1],
      [2, 4],
      [5, 5],
    ]);
    // Byte pairs after anything but a `Code:` line stay where they are.
    expect(read(['Memory at 0:', '2a 0a ff 0f b7 ed c7 44']).length).toBe(2);
  });

  it('joins the rest of a quoted line a client left unquoted, up to the next quoted line', () => {
    expect(
      read([
        '> [  1.000000] INFO: task alsactl:1969 blocked for more than 122 seconds.',
        '> [  1.000001] INFO: task alsactl:1969 <reader> blocked on an rw-semaphore likely owned by',
        'task alsactl:1969 <writer>',
        '',
        'my reply',
      ]).map((o) => o[0]),
    ).toEqual([
      'INFO: task alsactl:1969 blocked for more than 122 seconds.',
      'INFO: task alsactl:1969 <reader> blocked on an rw-semaphore likely owned by task alsactl:1969 <writer>',
      '',
      'my reply',
    ]);
  });

  it('joins a wrapped line that was quoted, then wrapped again: quoted piece, unquoted rest, quoted rest', () => {
    // A bug tracker's mail wrapped the kernel line at 80; a reply quoted it and wrapped at 72.
    expect(
      read([
        '> déc 01 05:01:20 Aspire kernel: watchdog: BUG: soft lockup - CPU#2',
        'stuck for',
        '> 22s! [sshd:20874]',
        '> déc 01 05:01:20 Aspire kernel: Modules linked in: mptcp_diag tcp_diag',
        'udp_diag',
        '> raw_diag inet_diag',
        '> déc 01 05:01:20 Aspire kernel: CPU: 2 PID: 20874 Comm: sshd Tainted: G',
        'D  ',
        '>         5.9.9-arch1-1 #1',
      ]).map((o) => o.join(' @ ')),
    ).toEqual([
      'watchdog: BUG: soft lockup - CPU#2 stuck for 22s! [sshd:20874] @ 1 @ 3',
      'Modules linked in: mptcp_diag tcp_diag udp_diag raw_diag inet_diag @ 4 @ 6',
      'CPU: 2 PID: 20874 Comm: sshd Tainted: G D 5.9.9-arch1-1 #1 @ 7 @ 9',
    ]);
    // A format=flowed line (its break kept as a trailing space) quoted, then wrapped.
    expect(
      read([
        '> [  453.558022][  T101] INFO: task bash:2644 is blocked on a mutex',
        'likely ',
        '> owned by task rpc.nfsd:2761.',
        '> [  453.559949][  T101] INFO: task rpc.nfsd:2761 blocked for more than ',
      ]).map((o) => o[0]),
    ).toEqual([
      'INFO: task bash:2644 is blocked on a mutex likely owned by task rpc.nfsd:2761.',
      'INFO: task rpc.nfsd:2761 blocked for more than',
    ]);
  });

  it("joins a line wrapped twice (at 80, then at 72): the message's indented rest after the short piece", () => {
    expect(
      read([
        '> Dec 01 05:01:20 Aspire kernel: watchdog: BUG: soft lockup - CPU#2 stuck',
        '> for 22s! [sshd:20874]',
        '> Dec 01 05:01:20 Aspire kernel: CPU: 2 PID: 20874 Comm: sshd Tainted: G',
        '> D  ',
        '>         5.9.9-arch1-1 #1',
        '> Dec 01 05:01:20 Aspire kernel: Hardware name: Acer Aspire',
        '> R3610/FMCP7A-ION-LE,',
      ]).map((o) => o.join(' @ ')),
    ).toEqual([
      'watchdog: BUG: soft lockup - CPU#2 stuck for 22s! [sshd:20874] @ 1 @ 2',
      'CPU: 2 PID: 20874 Comm: sshd Tainted: G D 5.9.9-arch1-1 #1 @ 3 @ 5',
      'Hardware name: Acer Aspire R3610/FMCP7A-ION-LE, @ 6 @ 7',
    ]);
  });

  it("keeps a table's rows apart in a wrapped text: the next row's fields line up with the row before", () => {
    const rows = read([
      'The box answered slowly, so I looked at the processes stuck in D state',
      'with ps and the kernel stacks of some of them, as printed below with cat',
      'of /proc/PID/stack for each of them; the load average was above six',
      'thousand and it kept growing while every new ps got stuck in D as well',
      'reading the command line of one of the threads of the stuck process.',
      '  PID TTY      STAT   TIME COMMAND',
      '  316 ?        D      0:00 /bin/ps axwo stat uid pid ppid vsz rss pcpu',
      'comm args',
      '  325 ?        D      0:00 ps -eo pid,ppid,command',
      '  PID USER      PR  NI  VIRT  RES  SHR S %CPU %MEM    TIME+  COMMAND',
      '10720 root      20   0 11460 3964  484 S 16.2  0.0  57867:27 xenstored',
    ]).map((o) => o[0]);
    expect(rows.slice(-5)).toEqual([
      'PID TTY      STAT   TIME COMMAND',
      '316 ?        D      0:00 /bin/ps axwo stat uid pid ppid vsz rss pcpu comm args',
      '325 ?        D      0:00 ps -eo pid,ppid,command',
      'PID USER      PR  NI  VIRT  RES  SHR S %CPU %MEM    TIME+  COMMAND',
      '10720 root      20   0 11460 3964  484 S 16.2  0.0  57867:27 xenstored',
    ]);
  });

  it('keeps a lockdep headline apart from its version line, and joins a lock line cut after its address', () => {
    const prose = [
      'We hit this lockdep splat on our test machines every few runs of the',
      'eviction test; the report below is from a kernel with the series applied',
      'and it reproduces without it too, so it is not new with these patches.',
      'The eviction worker takes the mmap lock only when the BO refcount is not',
      'zero, so this cannot deadlock in practice, but there is no good way to',
      'annotate it, and the easiest fix is to take the reference when we queue',
      'the work instead of in the worker; then cancel_work_sync can go as well.',
    ];
    const out = read([
      ...prose,
      '======================================================',
      'WARNING: possible circular locking dependency detected',
      '6.5.0-kfd-fkuehlin #276 Not tainted',
      '------------------------------------------------------',
      'kworker/8:2/2676 is trying to acquire lock:',
      'ffff9435aae95c88',
      '((work_completion)(&svm_bo->eviction_work)){+.+.}-{0:0}, at:',
      '__flush_work+0x52/0x550',
    ]).map((o) => o[0]);
    expect(out.slice(-6)).toEqual([
      '======================================================',
      'WARNING: possible circular locking dependency detected',
      '6.5.0-kfd-fkuehlin #276 Not tainted',
      '------------------------------------------------------',
      'kworker/8:2/2676 is trying to acquire lock:',
      'ffff9435aae95c88 ((work_completion)(&svm_bo->eviction_work)){+.+.}-{0:0}, at: __flush_work+0x52/0x550',
    ]);
    // print_usage_bug's fixed line, then the task line (another printk).
    const usage = read([
      ...prose,
      '',
      'inconsistent {IN-HARDIRQ-W} -> {HARDIRQ-ON-W} usage.',
      'kcompactd0/26 [HC0[0]:SC0[0]:HE0:SE1] takes:',
    ]).map((o) => o[0]);
    expect(usage.slice(-2)).toEqual([
      'inconsistent {IN-HARDIRQ-W} -> {HARDIRQ-ON-W} usage.',
      'kcompactd0/26 [HC0[0]:SC0[0]:HE0:SE1] takes:',
    ]);
  });

  it('ends the unquoted rest of a quoted line at the next quoted line', () => {
    // (wrapped at 76: the quote's lines pile up below that column)
    const wide = [
      '> task:kworker/4:2     state:D stack:0     pid:1520  tgid:1520  ppid:2',
      '> task:kworker/4:1     state:D stack:0     pid:16648 tgid:16648 ppid:2',
      '> task:kworker/6:1     state:D stack:0     pid:16649 tgid:16649 ppid:2',
      '> INFO: task systemd-shutdow:1 is blocked on a mutex likely owned by task',
    ];
    const text = [
      ...wide,
      '> INFO: task kworker/6:1:16649 is blocked on a mutex likely owned by task',
      'kworker/4:2:1520.',
      '> NMI backtrace for cpu 14',
    ];
    expect(
      read(text)
        .map((o) => o[0])
        .slice(4),
    ).toEqual([
      'INFO: task kworker/6:1:16649 is blocked on a mutex likely owned by task kworker/4:2:1520.',
      'NMI backtrace for cpu 14',
    ]);
  });

  it('reads a crash `ps` quoted in a reply: the quote goes, the current-task mark stays', () => {
    const ps = [
      '> crash> ps',
      '>    PID    PPID  CPU       TASK        ST  %MEM     VSZ    RSS  COMM',
      '>      4790      2   1  ffff88003570de20  UN   0.0       0      0  [kworker/1:2]',
      '> >  4791      2   1  ffff88003570de21  RU   0.0       0      0  [kworker/1:3]',
    ];
    expect(read(ps).map((o) => o[0])).toEqual([
      'crash> ps',
      'PID    PPID  CPU       TASK        ST  %MEM     VSZ    RSS  COMM',
      '4790      2   1  ffff88003570de20  UN   0.0       0      0  [kworker/1:2]',
      '>  4791      2   1  ffff88003570de21  RU   0.0       0      0  [kworker/1:3]',
    ]);
  });

  it('stays linear: a long run of wrapped lines joins at most a few physical lines per record', () => {
    const lines: string[] = [];
    for (let k = 0; k < 20_000; k++)
      lines.push(`[  ${k}.000001] task:worker_${k} state:D stack:0 flags:0x4000 and some more text here`, 'pid:1');
    const t0 = performance.now();
    const t = reflow(splitLines(lines.join('\n')));
    expect(t.length).toBe(20_000);
    expect(t.endNo(19_999)).toBe(40_000);
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it('keeps a wrapped quoted syslog block quoted across the unquoted rests, and joins a prefix to its moved message', () => {
    expect(
      read([
        '> > Jan 23 23:39:43 worker0 kernel: [285737.522744]  csd: CSD lock (#1)',
        'unresponsive.',
        '> > Jan 23 23:39:43 worker0 kernel: [285737.522758] Task dump for CPU',
        '55:',
        '> > Jan 23 23:39:43 worker0 kernel: [285737.522769]',
        '[<ffffffff84376b6a>] ? __schedule+0x46a/0x990',
        '> > Jan 23 23:39:43 worker0 kernel: [285737.522793]  [<ffffffff843718ba>]',
        'dump_stack+0x19/0x1b',
      ]),
    ).toEqual([
      ['csd: CSD lock (#1) unresponsive.', 1, 2],
      ['Task dump for CPU 55:', 3, 4],
      ['[<ffffffff84376b6a>] ? __schedule+0x46a/0x990', 5, 6],
      ['[<ffffffff843718ba>] dump_stack+0x19/0x1b', 7, 8],
    ]);
  });

  it('joins an old lockdep site wrapped after its address (`at: [<…>]` then `fn+0x…`)', () => {
    expect(
      read([
        'trinity-child1/31784 is trying to acquire lock:',
        ' (&(&zone->lock)->rlock){-.-.-.}, at: [<ffffffff81165c5d>]',
        'suitable_migration_target.isra.15+0x19d/0x1e0',
      ]).map((o) => o[0]),
    ).toEqual([
      'trinity-child1/31784 is trying to acquire lock:',
      '(&(&zone->lock)->rlock){-.-.-.}, at: [<ffffffff81165c5d>] suitable_migration_target.isra.15+0x19d/0x1e0',
    ]);
  });

  it('joins a decoded frame whose location list a client wrapped, quoted or not, and a lock site decoded after `at:`', () => {
    expect(
      read([
        '>   schedule (./arch/x86/include/asm/preempt.h:84 kernel/sched/core.c:6824',
        '> kernel/sched/core.c:6838)',
        '>   el0_svc (arch/arm64/include/asm/irqflags.h:82',
        '> (discriminator 1) arch/arm64/include/asm/irqflags.h:123 (discriminator',
        '> 1) arch/arm64/kernel/entry-common.c:713 (discriminator 1))',
        '>   #2: ffff88811416db38 (&fbdefio->lock){+.+.}-{3:3}, at:',
        '> fb_deferred_io_work (drivers/video/fbdev/core/fb_defio.c:246)',
        '>   io_schedule (kernel/sched/core.c:9019 kernel/sched/core.c:9045)',
      ]),
    ).toEqual([
      ['schedule (./arch/x86/include/asm/preempt.h:84 kernel/sched/core.c:6824 kernel/sched/core.c:6838)', 1, 2],
      [
        'el0_svc (arch/arm64/include/asm/irqflags.h:82 (discriminator 1) arch/arm64/include/asm/irqflags.h:123 (discriminator 1) arch/arm64/kernel/entry-common.c:713 (discriminator 1))',
        3,
        5,
      ],
      [
        '#2: ffff88811416db38 (&fbdefio->lock){+.+.}-{3:3}, at: fb_deferred_io_work (drivers/video/fbdev/core/fb_defio.c:246)',
        6,
        7,
      ],
      ['io_schedule (kernel/sched/core.c:9019 kernel/sched/core.c:9045)', 8, 8],
    ]);
  });

  it('joins a syzkaller lock site wrapped after `at:`, inlined or with its source line, quoted or not', () => {
    // hung-task-syzbot-hugetlbfs-…-6.18 as published: each held-lock entry broken after
    // `at:`, the site's rest left unquoted by the replying client.
    expect(
      read([
        '> > 1 lock held by syz.5.48/5749:',
        '> >  #0: ffff888011d3f618 (&hugetlbfs_i_mmap_rwsem_key){++++}-{4:4}, at:',
        '> > i_mmap_lock_read include/linux/fs.h:568 [inline]',
        '> >  #0: ffff888011d3f618 (&hugetlbfs_i_mmap_rwsem_key){++++}-{4:4}, at:',
        '__rmap_walk_file+0x227/0x620 mm/rmap.c:2905',
        '> >  #1: ffff888011d3f618 (&hugetlbfs_i_mmap_rwsem_key){++++}-{4:4}, at:',
        '> > Call Trace:',
      ]),
    ).toEqual([
      ['1 lock held by syz.5.48/5749:', 1, 1],
      [
        '#0: ffff888011d3f618 (&hugetlbfs_i_mmap_rwsem_key){++++}-{4:4}, at: i_mmap_lock_read include/linux/fs.h:568 [inline]',
        2,
        3,
      ],
      [
        '#0: ffff888011d3f618 (&hugetlbfs_i_mmap_rwsem_key){++++}-{4:4}, at: __rmap_walk_file+0x227/0x620 mm/rmap.c:2905',
        4,
        5,
      ],
      ['#1: ffff888011d3f618 (&hugetlbfs_i_mmap_rwsem_key){++++}-{4:4}, at:', 6, 6],
      ['Call Trace:', 7, 7],
    ]);
  });

  it("joins a kernel message's capitalised rest alone between prefixed lines, not the sender's prose", () => {
    const log = [
      '[  361.297131] Call Trace:',
      '[  361.299714]  [<ffffffff829f5a8c>] schedule+0x9c/0x1b0',
      '[  361.300009] unregister_netdevice: waiting for lo to become free.',
      'Usage count = 6',
      '[  361.312401]  [<ffffffff829f6315>] schedule_preempt_disabled+0x15/0x20',
      '[  361.318972]  [<ffffffff829fb0c0>] mutex_lock_nested+0x3b0/0x1130 and more words',
    ];
    expect(read(log)[2]).toEqual(['unregister_netdevice: waiting for lo to become free. Usage count = 6', 3, 4]);
    // The same sentence after the log's last line, or after a short line, is the sender's.
    expect(read([...log.slice(0, 3), 'Then the machine hung for good.']).slice(2)).toEqual([
      ['unregister_netdevice: waiting for lo to become free.', 3, 3],
      ['Then the machine hung for good.', 4, 4],
    ]);
    expect(read([log[0], log[1], '[  361.300009] it hung.', 'Then it was gone again', log[4], log[5]])[3]).toEqual([
      'Then it was gone again',
      4,
      4,
    ]);
  });

  it('joins a quoted line that a reply wrapped into more than two unquoted pieces', () => {
    // A Code: line quoted, then wrapped at 72: three unquoted rests before the quote goes on.
    expect(
      read([
        '> [  223.052706]  <IRQ>',
        '> [  223.052706]  do_raw_spin_lock+0xc0/0xd0',
        '> [  223.052707]  _raw_spin_lock_irqsave+0x95/0xa0',
        '> [  223.052708]  cdnsp_gadget_ep_queue.cold+0x88/0x107 [cdnsp_udc_pci]',
        '> [  223.052714]  </IRQ>',
        '> [  223.052718] RIP: 0010:do_raw_spin_trylock+0x18/0x40',
        '> [  223.052719] Code: ff ff 66 90 eb 86 66 66 2e 0f 1f 84 00 00 00 00',
        '00 90 0f 1f 44 00 00 55 8b 07 48 89 e5 85 c0 75 29 ba 01 00 00 00 f0 0f',
        'b1 17 <75> 1e 65 8b 05 2f 77 ee 70 89 47 08 5d 65 48 8b 04 25 40 7e 01',
        '00',
        '> [  223.052720] RSP: 0018:ffffbc494011c9f8 EFLAGS: 00000046',
      ]).map(([, from, to]) => [from, to]),
    ).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
      [5, 5],
      [6, 6],
      [7, 10],
      [11, 11],
    ]);
    // A reply's own short lines between quoted ones stay its own.
    expect(
      read([
        '> [  223.052719] RIP: 0010:do_raw_spin_trylock+0x18/0x40',
        'ok',
        'so',
        'this?',
        '> [  223.052720] RSP: 0018',
      ]).length,
    ).toBe(5);
  });

  it('joins a decoded lockdep line that a reply wrapped after its address, at long words', () => {
    const head = '> [   19.416406][    T1] ';
    expect(
      read([
        head + '============================================',
        head + 'WARNING: possible recursive locking detected',
        head + '--------------------------------------------',
        head + 'swapper/0/1 is trying to acquire lock:',
        '> [ 19.416406][ T1] ffff88813b9c84d0',
        '(&dev->mode_config.mutex){+.+.}-{4:4}, at:',
        'drm_helper_probe_single_connector_modes',
        '(drivers/gpu/drm/drm_probe_helper.c:633) ',
        head,
        head + 'but task is already holding lock:',
      ])[4],
    ).toEqual([
      'ffff88813b9c84d0 (&dev->mode_config.mutex){+.+.}-{4:4}, at: drm_helper_probe_single_connector_modes (drivers/gpu/drm/drm_probe_helper.c:633)',
      5,
      8,
    ]);
  });

  it('reads a quoted-printable body that a reply wrapped again, its soft breaks now short', () => {
    expect(
      read([
        'Sep  1 14:26:53 ftp kernel: [   18.819418][  T298] task:httpd',
        'sta=',
        'te:R',
        'Sep  1 14:26:53 ftp kernel: [   18.819437][  T298]  ?',
        'allocate_slab+0x274/0=',
        'x5a0',
        'Sep  1 14:26:53 ftp kernel: [   18.819437][  T298]  ?',
        'nfs_find_actor+0x90/0=',
        'x90 [nfs]',
        'Sep  1 14:26:53 ftp kernel: [   18.819437][  T298]  ?',
        'nfs_alloc_inode+0x21/=',
        '0x60 [nfs]',
        'Sep  1 14:26:53 ftp kernel: [   18.819437][  T298]  ?',
        'list_lru_add+0x13f/0x=',
        '1c0',
        'Sep  1 14:26:53 ftp kernel: [   18.819437][  T298]  ?',
        'nfs_readdir+0x2e6/0xe=',
        '50 [nfs]',
      ]).map(([s]) => s),
    ).toEqual([
      'task:httpd state:R',
      '? allocate_slab+0x274/0x5a0',
      '? nfs_find_actor+0x90/0x90 [nfs]',
      '? nfs_alloc_inode+0x21/0x60 [nfs]',
      '? list_lru_add+0x13f/0x1c0',
      '? nfs_readdir+0x2e6/0xe50 [nfs]',
    ]);
  });

  it("joins crash's task header cut after TASK: or CPU:", () => {
    expect(
      read([
        '[ 0 00:02:56.990] [RU]  PID: 1354     TASK: ff48df6f2c5c8000  CPU:',
        '33   COMMAND: "ice-ptp-0000:10"',
        'PID: 161097   TASK:',
        'ff48df634a111ec0  CPU: 33   COMMAND: "handler111"',
        'PID: 583      TASK: ff48df6f37845c40  CPU: 33   COMMAND: "kworker/33:1H"',
      ]),
    ).toEqual([
      ['[ 0 00:02:56.990] [RU]  PID: 1354     TASK: ff48df6f2c5c8000  CPU: 33   COMMAND: "ice-ptp-0000:10"', 1, 2],
      ['PID: 161097   TASK: ff48df634a111ec0  CPU: 33   COMMAND: "handler111"', 3, 4],
      ['PID: 583      TASK: ff48df6f37845c40  CPU: 33   COMMAND: "kworker/33:1H"', 5, 5],
    ]);
  });

  it('joins a decoded frame cut before its location list, in a log with prefixes', () => {
    expect(
      read([
        '[   23.143126] rcu_preempt_deferred_qs_handler',
        '(kernel/rcu/tree_plugin.h:647) (P)',
        '[   23.143149] irq_work_run_list.part.0 (kernel/irq_work.c:251',
        '(discriminator 1))',
        '[   23.143159] run_irq_workd (kernel/irq_work.c:306)',
      ]).map(([text, no, endNo]) => `${no}-${endNo} ${text}`),
    ).toEqual([
      '1-2 rcu_preempt_deferred_qs_handler (kernel/rcu/tree_plugin.h:647) (P)',
      '3-4 irq_work_run_list.part.0 (kernel/irq_work.c:251 (discriminator 1))',
      '5-5 run_irq_workd (kernel/irq_work.c:306)',
    ]);
  });

  it("keeps decode_stacktrace.sh's lines apart: a trailing space, a bare module name after a frame", () => {
    expect(
      read([
        '   __schedule (kernel/sched/core.c:5258 kernel/sched/core.c:6594) ',
        '   schedule_timeout (kernel/time/timer.c:2558) ',
        '   kvm_swap_active_memslots+0x133/0x180 kvm',
        '   kvm_set_memslot+0x3de/0x680 kvm',
      ]).map(([text]) => text),
    ).toEqual([
      '__schedule (kernel/sched/core.c:5258 kernel/sched/core.c:6594)',
      'schedule_timeout (kernel/time/timer.c:2558)',
      'kvm_swap_active_memslots+0x133/0x180 kvm',
      'kvm_set_memslot+0x3de/0x680 kvm',
    ]);
  });

  it("keeps syzkaller's inlined frames apart in a reply quoted three deep", () => {
    expect(
      read([
        '> > >  rwsem_down_write_slowpath+0x551/0x1660 kernel/locking/rwsem.c:1176',
        '> > >  __down_write_common kernel/locking/rwsem.c:1304 [inline]',
        '> > >  down_write_nested+0x1db/0x210 kernel/locking/rwsem.c:1694',
        '> > >  inode_lock_nested include/linux/fs.h:853 [inline]',
        '> > >  lock_two_nondirectories+0x107/0x210 fs/inode.c:1283',
      ]).map(([text]) => text),
    ).toEqual([
      'rwsem_down_write_slowpath+0x551/0x1660 kernel/locking/rwsem.c:1176',
      '__down_write_common kernel/locking/rwsem.c:1304 [inline]',
      'down_write_nested+0x1db/0x210 kernel/locking/rwsem.c:1694',
      'inode_lock_nested include/linux/fs.h:853 [inline]',
      'lock_two_nondirectories+0x107/0x210 fs/inode.c:1283',
    ]);
  });

  it('joins a task line whose last fields a client wrapped and indented', () => {
    expect(
      read([
        '  task:kworker/0:3     state:D stack:0     pid:1077  tgid:1077  ppid:2',
        '    flags:0x00004000',
        '  Workqueue: events fb_deferred_io_work',
      ]).map(([text]) => text),
    ).toEqual([
      'task:kworker/0:3     state:D stack:0     pid:1077  tgid:1077  ppid:2 flags:0x00004000',
      'Workqueue: events fb_deferred_io_work',
    ]);
  });

  it('decodes the escapes of an undecoded quoted-printable body (`cpus=3D1`) besides joining its soft breaks', () => {
    expect(
      read([
        '[    0.000000] Linux version 4.12.14-120-default (geeko@buildhost) (gcc ver=',
        'sion 4.8.5 (SUSE Linux) ) #1 SMP Thu Nov 7 16:39:09 UTC 2019 (fd9dc36)',
        '[    1.096432] HPET: 3 timers in total, 0 timers will be used for per-cpu t=',
        'imer',
        '[   31.712052] BUG: workqueue lockup - pool cpus=3D1 node=3D0 flags=3D0x0 n=',
        'ice=3D0 stuck for 30s!',
        '[   31.736024] pool 2: cpus=3D1 node=3D0 flags=3D0x0 nice=3D0 hung=3D30s wo=',
        'rkers=3D2 idle: 34',
      ]).slice(2),
    ).toEqual([
      ['BUG: workqueue lockup - pool cpus=1 node=0 flags=0x0 nice=0 stuck for 30s!', 5, 6],
      ['pool 2: cpus=1 node=0 flags=0x0 nice=0 hung=30s workers=2 idle: 34', 7, 8],
    ]);
  });
});

describe('reflow: quoted-printable no-break spaces', () => {
  it('decodes `=C2=A0` (a no-break space) and joins a soft break inside a crash comm', () => {
    const body = [
      'mdmon never handled the change event and called into md to clear the flag b=',
      'ecause the file it was polling never received the event md starts by callin=',
      'g sysfs_notify_dirent(). The processing to push the event to the file and w=',
      'ake up any polling tasks was still waiting in the kernfs notify list.',
      'crash> bt 20908',
      'PID: 20908=C2=A0 TASK: ffff96ce1e16c100=C2=A0 CPU: 46=C2=A0 COMMAND: "kwo=',
      'rker/u114:1"',
      ' =C2=A0#0 [ffff96c68627b728] __schedule at ffffffff8a567747',
      '[ 0 00:14:08.338] [UN]=C2=A0 PID: 310=C2=A0=C2=A0=C2=A0 TASK: ffff96ce7f7=',
      '16180=C2=A0 CPU: 16=20',
      'COMMAND: "kswapd1"',
    ];
    const got = read(body).map((r) => r[0]);
    expect(got).toContain('PID: 20908  TASK: ffff96ce1e16c100  CPU: 46  COMMAND: "kworker/u114:1"');
    expect(got).toContain('#0 [ffff96c68627b728] __schedule at ffffffff8a567747');
  });
});

describe('reflow: a quoted-printable body wrapped again', () => {
  // An RCU stall sent quoted-printable, then re-wrapped at 72 columns by a reply: no soft
  // break is at QP's 76 columns any more, but `=3D` says the body is still encoded.
  const body = [
    'believe I see how it can happen, although it is not straight-forward to',
    'fo=',
    'llow.',
    '',
    '[  936.146754] rcu: INFO: rcu_preempt self-detected stall on CPU',
    '[  936.152534] rcu: 0-....: (5594 ticks this GP)',
    'idle=3D75a/1/0x40000000000=',
    '00002 softirq=3D2787/2789 fqs=3D2625',
    '[  936.169272] sh              R  running task        0  1315   1295',
    '0x0000=',
    '0002',
  ];

  it('is still decoded: escapes read, soft breaks joined without a space', () => {
    const got = read(body).map((r) => r[0]);
    expect(got).toContain('sh              R  running task        0  1315   1295 0x00000002');
    expect(got).toContain('rcu: 0-....: (5594 ticks this GP) idle=75a/1/0x4000000000000002 softirq=2787/2789 fqs=2625');
  });

  it("is decoded when its only escape is a UTF-8 character (Gmail's reply header)", () => {
    const mail = [
      'On Mon, Jul 22, 2024 at 5:17=E2=80=AFPM Yang Yang <yang.yang@vivo.com>',
      'wrot=',
      'e:',
      '> [ 2538.459400] INFO: task "kworker/0:0":7 blocked for more than 188',
      'secon=',
      'ds.',
      '> [ 2538.459427] Call trace:',
      '> [ 2538.459430]  __switch_to+0x174/0x338',
      '> [ 2538.459436]  __schedule+0x628/0x9c4',
      '',
      'sd_remove holds the open mutex while fsck wa=',
      'its.',
    ];
    expect(read(mail).map((r) => r[0])).toContain('INFO: task "kworker/0:0":7 blocked for more than 188 seconds.');
  });

  it('joins a 76-column line that a reply cut before its soft break, then the hard wrap after it', () => {
    const syslog = [
      'Sep 28 15:40:01  [  611.560402][    C0] CPU: 0 PID: 10870 Comm: ifmgr',
      'Taint=',
      'ed:',
      'G           O      5.3.1 #1',
      'Sep 28 15:40:01  [  611.560611][    C0] Hardware name: HP ProLiant ML110 G7',
      'Sep 28 15:40:01  [  611.520992][    C0] rcu:    0-...!: (5998 ticks this GP)',
      'idle=3Dace/1/0x4000000000000004 softirq=3D46973/46973 fqs=3D73',
      'Sep 28 15:40:01  [  611.521721][    C0]         (t=3D6000 jiffies g=3D83505=',
      ' q=3D2615)',
      'Sep 28 15:40:01  [  611.560102][    C0] Modules linked in: imq(O) nf_reject_ipv4 xt_MASQU=',
      'ERADE',
    ];
    expect(read(syslog)[0]).toEqual(['CPU: 0 PID: 10870 Comm: ifmgr Tainted: G           O      5.3.1 #1', 1, 4]);
  });

  it('joins a `Code:` line of more than eight pieces (a kernel line is up to 1 KiB)', () => {
    const code = [
      'Sep 28 15:40:01  [  611.714847][    C0] Code: ba 2f 08 0f 92 c0 0f b6 c0 c1=',
      ' e0',
      '08 89 c2 8b 07 30 e4 09 d0 a9 00 01 ff ff 75 1c 85 c0 74 0f 8b 07 84 c0',
      '74 =',
      '09',
      '0f ae e8 8b 07 <84> c0 75 f7 b8 01 00 00 00 66 89 07 c3 f6 c4 01 75 04',
      'c6 4=',
      '7 01',
      '00',
      'Sep 28 15:40:01  [  611.738876][    C0] RSP: 0000:ffffc90000003ad8',
      'Sep 28 15:40:01  [  611.521721][    C0]         (t=3D6000 jiffies g=3D83505=',
      ' q=3D2615)',
    ];
    const got = read(code);
    expect(got[0][0]).toMatch(/^Code: ba 2f .* c6 47 01 00$/);
    expect(got[0].slice(1)).toEqual([1, 9]);
  });

  it('is not taken for quoted-printable by lines ending in `=` alone', () => {
    const plain = body.map((l) => l.replaceAll('=3D', '='));
    expect(read(plain).map((r) => r[0])).toContain(
      'sh              R  running task        0  1315   1295 0x0000= 0002',
    );
  });
});

describe('reflow: crash prompts', () => {
  it('never joins a bare `crash>` prompt onto the ps -m row before it (a row wrapped in a quote)', () => {
    // Junxiao Bi's linux-raid reply (2023): `ps -m PID` wrapped before COMMAND, with the
    // trailing space a flowed mail keeps, then the prompt alone.
    expect(
      read([
        '>> crash> ps -m 2683',
        '>> [ 0 00:11:08.244] [UN]  PID: 2683     TASK: ffff9d3b3e651f00 CPU: 65 ',
        '>> COMMAND: "md0_raid5"',
        '>> crash>',
        '>> crash> bt 96352',
      ]),
    ).toEqual([
      ['crash> ps -m 2683', 1, 1],
      ['[ 0 00:11:08.244] [UN]  PID: 2683     TASK: ffff9d3b3e651f00 CPU: 65 COMMAND: "md0_raid5"', 2, 3],
      ['crash>', 4, 4],
      ['crash> bt 96352', 5, 5],
    ]);
  });
});

describe('reflow: console records joined onto one line', () => {
  it('splits each `[time]` after other text into a record of its own (Outlook)', () => {
    const t = reflow(
      splitLines(
        [
          '> [30880.154233] ------------[ cut here ]------------ [30880.159530] WARNING: CPU: 60 PID: 1740 at kernel/cgroup/rstat.c:231',
          '> [30880.379865]  css_release_work_fn+0x6a/0x280 [30880.384654]  process_one_work+0x19e/0x3e0 [30880.389244]  worker_thread+0x2ad/0x3c0',
        ].join('\n'),
      ),
    );
    const texts = Array.from({ length: t.length }, (_, i) => t.text(i));
    expect(texts).toEqual([
      '------------[ cut here ]------------',
      'WARNING: CPU: 60 PID: 1740 at kernel/cgroup/rstat.c:231',
      ' css_release_work_fn+0x6a/0x280',
      ' process_one_work+0x19e/0x3e0',
      ' worker_thread+0x2ad/0x3c0',
    ]);
    expect([t.no(0), t.no(1), t.no(4)]).toEqual([1, 1, 2]);
  });

  it('leaves a bracketed word or a short time in a message alone', () => {
    const t = reflow(splitLines('[  1.000000] Modules linked in: xor [last unloaded: ipmi_devintf] [1.5] x'));
    expect(t.length).toBe(1);
  });
});
