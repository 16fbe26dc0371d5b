import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { indexOfText, splitLines, stripPrefixes, MAX_LINE } from './lines.js';

describe('stripPrefixes', () => {
  it.each([
    ['[  246.822121] INFO: task systemd-udevd:611 blocked', 'INFO: task systemd-udevd:611 blocked', 246.822121],
    ['[  246.822121][ T1234] Call Trace:', 'Call Trace:', 246.822121],
    ['<4>[   12.5] foo', 'foo', 12.5],
    ['Mar  3 10:11:12 host01 kernel: [  1.000001]  __schedule+0x2c4/0x700', ' __schedule+0x2c4/0x700', 1.000001],
    ['2024-03-03T10:11:12.123456+00:00 db1 kernel: INFO: task x:1 blocked', 'INFO: task x:1 blocked', null],
    // journalctl -k -o short-monotonic, short-precise, short-full, short-unix
    ['[ 4838.219744] db-prod-07 kernel: INFO: task x:1 blocked', 'INFO: task x:1 blocked', 4838.219744],
    ['[ 4838.241314] db-prod-07 kernel:  __schedule+0x2c4/0x700', ' __schedule+0x2c4/0x700', 4838.241314],
    ['Dec 05 10:00:00.123456 db-prod-07 kernel:  __schedule+0x2c4/0x700', ' __schedule+0x2c4/0x700', null],
    ['Sat 2026-12-05 10:00:00 UTC db-prod-07 kernel: INFO: task x:1 blocked', 'INFO: task x:1 blocked', null],
    ['Sat 2026-12-05 10:00:00.123456 CET db-prod-07 kernel: INFO: task x:1 blocked', 'INFO: task x:1 blocked', null],
    ['1733392800.123456 db-prod-07 kernel: INFO: task x:1 blocked', 'INFO: task x:1 blocked', null],
    // indented as a whole (a code block in a post)
    ['    [ 4838.219744] INFO: task x:1 blocked', 'INFO: task x:1 blocked', 4838.219744],
    ['\t<4>[ 12.5]  __schedule+0x2c4/0x700', ' __schedule+0x2c4/0x700', 12.5],
    // dmesg -x, and with -T
    ['kern  :err   : [ 4838.219744] INFO: task x:1 blocked', 'INFO: task x:1 blocked', 4838.219744],
    ['kern  :warn  : [Sat Dec  5 10:00:00 2026]  __schedule+0x2c4/0x700', ' __schedule+0x2c4/0x700', null],
    ['[Mon Mar  4 10:11:12 2024] watchdog: BUG: soft lockup', 'watchdog: BUG: soft lockup', null],
    // the month in the log's locale (strftime %b): French, German, abbreviated with a dot, CJK
    ['déc 01 05:01:20 Aspire kernel: watchdog: BUG: soft lockup', 'watchdog: BUG: soft lockup', null],
    ['Dez 01 05:01:20 host kernel:  __schedule+0x2c4/0x700', ' __schedule+0x2c4/0x700', null],
    // A host name the sender hid behind a placeholder.
    ['Sep 28 03:39:19 <redactedhostname>10 kernel: INFO: task x:1 blocked', 'INFO: task x:1 blocked', null],
    ['2024-09-28T03:39:19+0000 <host> kernel:  __schedule+0x2c4/0x700', ' __schedule+0x2c4/0x700', null],
    ['janv. 21 09:12:01 host kernel: Call Trace:', 'Call Trace:', null],
    ['12月 01 05:01:20 host kernel: Call Trace:', 'Call Trace:', null],
    // the facility.level a syslog daemon writes: syslog-ng's template (facility, then
    // facility.level, before the time), busybox syslogd (after the host), OpenWrt's logread
    // (a ctime date, no host)
    [
      'kern: kern.notice: Jan 13 02:49:23 kernel:  [<ffffffff815e0dca>] schedule+0x3a/0x50',
      ' [<ffffffff815e0dca>] schedule+0x3a/0x50',
      null,
    ],
    ['kern: kern.err: Jan 13 02:49:23 kernel: INFO: task x:1 blocked', 'INFO: task x:1 blocked', null],
    [
      'Jun  4 09:24:12 alpine kern.warn kernel: [  152.014434] INFO: task x:1 blocked',
      'INFO: task x:1 blocked',
      152.014434,
    ],
    ['Apr  5 20:58:43 syzkaller kern.warning kernel: [  173.26][   T45] Call Trace:', 'Call Trace:', 173.26],
    [
      'Wed Jun  1 22:19:30 2022 kern.warn kernel: [  119.561227]  __schedule+0x2c4/0x700',
      ' __schedule+0x2c4/0x700',
      119.561227,
    ],
    // the padded day's blank squeezed out by a mail client or a web page
    [
      'Jan 3 14:25:27 ceph-testing-0001 kernel: [ 369.897629] __schedule+0x443/0x16b0',
      '__schedule+0x443/0x16b0',
      369.897629,
    ],
    ['[Mon Mar 4 10:11:12 2024] watchdog: BUG: soft lockup', 'watchdog: BUG: soft lockup', null],
    // a shell prompt the console glued before a kernel line
    ['[root@node2 ~]# [12032.818764] NMI watchdog: BUG: soft lockup', 'NMI watchdog: BUG: soft lockup', 12032.818764],
    ['root@debian:~# [  12.5] INFO: task x:1 blocked', 'INFO: task x:1 blocked', 12.5],
    ['/ # [  467.110000] watchdog: BUG: soft lockup', 'watchdog: BUG: soft lockup', 467.11],
    // a prompt without a dmesg time after it is a command line, kept
    ['[root@node2 ~]# echo w > /proc/sysrq-trigger', '[root@node2 ~]# echo w > /proc/sysrq-trigger', null],
    // a syslog time whose host and program fields came out empty, before the dmesg time
    ['Sep 28 15:40:01  [  611.520537][    C0] rcu: INFO: rcu_sched', 'rcu: INFO: rcu_sched', 611.520537],
    // a carriage return shown in caret notation at the line end (a terminal log, a web copy)
    ['[   57.619564] mdadm/612 is trying to acquire lock:^M', 'mdadm/612 is trying to acquire lock:', 57.619564],
    ['[   57.621710] ^M', '', 57.62171],
  ])('%s', (raw, text, time) => {
    const r = stripPrefixes(raw);
    expect(r.text).toBe(text);
    expect(r.time).toBe(time);
  });

  it("takes a sender's own ` > ` mark quoted again in a reply as a second quote level", () => {
    const quoted = splitLines(
      [
        '> While the above reg_notifier is stuck too:',
        '> ',
        '>  > workqueue events: flags=0x0',
        '>  >     in-flight: 107807:reg_todo [cfg80211]',
        '>  __schedule+0x2c4/0x700',
      ].join('\n'),
    );
    expect([2, 3, 4].map((i) => quoted.trimmed(i))).toEqual([
      'workqueue events: flags=0x0',
      'in-flight: 107807:reg_todo [cfg80211]',
      '__schedule+0x2c4/0x700',
    ]);
  });

  it("reads a quote's first line as quoted when a client wrapped it: its rest, unquoted, comes before the quote's next line", () => {
    const reply = splitLines(
      [
        'And that seems to be because this one is busy reading the page, and',
        'blocked on that same ni_lock:',
        '',
        '> > task:syz-executor394 state:D stack:24072 pid:6048  ppid:5125',
        'flags:0x00004004',
        '> > Call Trace:',
        '',
        '> not a quote: prose that starts with a mark, then prose',
        'and more prose',
        '',
      ].join('\n'),
    );
    expect([3, 5, 7].map((i) => reply.trimmed(i))).toEqual([
      'task:syz-executor394 state:D stack:24072 pid:6048  ppid:5125',
      'Call Trace:',
      '> not a quote: prose that starts with a mark, then prose',
    ]);
  });

  it('reads a double-spaced quote (a web copy of a reply: a blank line after every line) as one quote', () => {
    const copy = splitLines(
      [
        "[TLDR: I'm adding this report to the list of tracked Linux kernel",
        '',
        'regressions; the text you find below is based on a few templates',
        '',
        'paragraphs you might have encountered already in similar form.]',
        '',
        'On 16.03.23 08:54, A wrote:',
        '',
        '> [   72.064949] Task dump for CPU 22:',
        '',
        '> [   72.068251] task:kworker/u64:5   state:R  running task     stack:0     pid:447   ppid:2',
        '',
        '>',
        '',
        '> [   72.078156] Workqueue: efi_rts_wq efi_call_rts',
        '',
        'Thanks.',
      ].join('\n'),
    );
    expect([8, 10, 12, 14, 16].map((i) => copy.trimmed(i))).toEqual([
      'Task dump for CPU 22:',
      'task:kworker/u64:5   state:R  running task     stack:0     pid:447   ppid:2',
      '',
      'Workqueue: efi_rts_wq efi_call_rts',
      'Thanks.',
    ]);
  });

  it('removes e-mail quote marks only from a text quoted as a whole', () => {
    expect(stripPrefixes('> > [ 4838.219744] INFO: task x:1 blocked', true).text).toBe('INFO: task x:1 blocked');
    expect(stripPrefixes('>  4790      2   1  ffff88003570de20  UN   0.0       0      0  [kworker/1:2]').text).toBe(
      '>  4790      2   1  ffff88003570de20  UN   0.0       0      0  [kworker/1:2]',
    );
    const quoted = splitLines(
      ['> [ 1.0] INFO: task x:1 blocked', '>  __schedule+0x2c4/0x700', '> ', '>  schedule+0x4e/0xb0'].join('\n'),
    );
    expect([0, 1, 3].map((i) => quoted.trimmed(i))).toEqual([
      'INFO: task x:1 blocked',
      '__schedule+0x2c4/0x700',
      'schedule+0x4e/0xb0',
    ]);
    const crashPs = splitLines(
      [
        'crash> ps',
        '   PID    PPID  CPU       TASK        ST  %MEM     VSZ    RSS  COMM',
        '>  4790      2   1  ffff88003570de20  UN   0.0       0      0  [kworker/1:2]',
        '   4791      2   1  ffff88003570de21  IN   0.0       0      0  [kworker/1:3]',
      ].join('\n'),
    );
    expect(crashPs.trimmed(2).startsWith('>')).toBe(true);
  });

  it('removes line numbers from a text numbered as a whole (cat -n, nl, an editor or web view), nothing else', () => {
    const body = [
      '[ 4080.216212] INFO: task rmmod:31969 blocked for more than 120 seconds.',
      '[ 4080.216229] rmmod           D ffff8f1afdf55fe8     0 31969  31968 0x00000080',
      '[ 4080.216235] Call Trace:',
      '[ 4080.216245]  [<ffffffff9a567c49>] schedule+0x29/0x70',
    ];
    for (const fmt of [
      (n: number) => `${String(n).padStart(6)}\t`,
      (n: number) => `${n}: `,
      (n: number) => `${String(n).padStart(3)} | `,
      // bat's gutter: the number padded, then a box-drawing bar
      (n: number) => `${String(n + 7343).padEnd(7)}\u2502 `,
    ]) {
      const t = splitLines(body.map((l, k) => fmt(k + 1) + l).join('\n'));
      expect([0, 1, 2, 3].map((i) => t.trimmed(i))).toEqual([
        'INFO: task rmmod:31969 blocked for more than 120 seconds.',
        'rmmod           D ffff8f1afdf55fe8     0 31969  31968 0x00000080',
        'Call Trace:',
        '[<ffffffff9a567c49>] schedule+0x29/0x70',
      ]);
      expect(t.no(3)).toBe(4);
    }
    // crash `ps` rows start with pids, separated by spaces and not counting up: kept.
    const ps = splitLines(
      [
        '   4790      2   1  ffff88003570de20  UN   0.0       0      0  [kworker/1:2]',
        '   4791      2   1  ffff88003570de21  IN   0.0       0      0  [kworker/1:3]',
        '   4795      2   1  ffff88003570de22  IN   0.0       0      0  [kworker/1:4]',
      ].join('\n'),
    );
    expect(ps.trimmed(0).startsWith('4790')).toBe(true);
    // Numbers that do not count up line by line are content, not line numbers.
    const counts = splitLines(['5\tfoo', '9\tbar', '2\tbaz', '7\tqux'].join('\n'));
    expect(counts.trimmed(0)).toBe('5\tfoo');
  });

  it('removes the line numbers of a numbered text quoted in a reply, or wrapped by a mail client', () => {
    const gutter = (n: number) => `${String(n).padEnd(7)}\u2502 `;
    const quoted = splitLines(
      [
        '> ' + gutter(7352) + '4,5013,12915313756,-; ? asm_sysvec_apic_timer_interrupt+0x1b/0x20',
        '> ' + gutter(7353) + '4,5014,12915314503,-; ? queued_read_lock_slowpath+0x55/0x150',
        '> ' + gutter(7354) + '4,5015,12915315240,-; _raw_read_lock+0x2f/0x40',
      ].join('\n'),
    );
    expect([0, 1, 2].map((i) => quoted.trimmed(i))).toEqual([
      '? asm_sysvec_apic_timer_interrupt+0x1b/0x20',
      '? queued_read_lock_slowpath+0x55/0x150',
      '_raw_read_lock+0x2f/0x40',
    ]);
    // A wrapped line's rest between line N and line N+1 carries no number.
    const wrapped = splitLines(
      [
        '```',
        gutter(7352) + '4,5013,12915313756,-; ?',
        'asm_sysvec_apic_timer_interrupt+0x1b/0x20',
        gutter(7353) + '4,5014,12915314503,-; ? queued_read_lock_slowpath+0x55/0x150',
        gutter(7354) + '4,5015,12915315240,-;',
        'p_ed_enforce_validation_paranoid+0xba/0x3a0 [lkrg]',
        gutter(7355) + '4,5016,12915316727,-; p_check_integrity+0x432/0x1a10 [lkrg]',
        '```',
      ].join('\n'),
    );
    expect([1, 3, 4, 6].map((i) => wrapped.trimmed(i))).toEqual([
      '?',
      '? queued_read_lock_slowpath+0x55/0x150',
      '',
      'p_check_integrity+0x432/0x1a10 [lkrg]',
    ]);
  });

  it('removes the timestamps a console capture tool put before each line', () => {
    const msg = 'INFO: task dd:30412 blocked for more than 120 seconds.';
    for (const prefix of [
      '[2025-03-11 09:41:07.123] ',
      '2025-03-11T09:41:07.123456789Z ',
      '2025-03-11 09:41:07,123+0100 ',
      'Mar 11 09:41:07 ',
      'Mar  3 09:41:07.123 ',
      'Mar 3 09:41:07 ',
      '[0.123456 0.000123] ',
    ]) {
      const r = stripPrefixes(`${prefix}[41872.118233] ${msg}`);
      expect(r.text, prefix).toBe(msg);
      expect(r.time, prefix).toBe(41872.118233);
      expect(stripPrefixes(`${prefix} __schedule+0x2e3/0x740`).text.trim(), prefix).toBe('__schedule+0x2e3/0x740');
    }
    // Lines that only look alike keep their text.
    for (const t of [
      'RIP: 0010:__schedule+0x2e3/0x740',
      'Mar 11 is a date',
      '[12345.678901] x',
      '2017/11/25 12:34:56 executing program 3:',
    ]) {
      expect(stripPrefixes(t).text.startsWith(t.startsWith('[12345') ? 'x' : t.slice(0, 6)), t).toBe(true);
    }
  });

  it('removes the sender address a syslog daemon writes before netconsole messages', () => {
    expect(stripPrefixes('Jun 10 00:57:35 192.168.0.201 BUG: spinlock recursion on CPU#2, swapper/0').text).toBe(
      'BUG: spinlock recursion on CPU#2, swapper/0',
    );
    // the message's own indentation stays; a printk of only a newline leaves nothing
    expect(stripPrefixes('Jun 10 00:57:35 192.168.0.201  [<c02e5bf7>]').text).toBe(' [<c02e5bf7>]');
    expect(stripPrefixes('Jun 10 00:57:35 192.168.0.201').text).toBe('');
    // an address that is the message's own first word, without a capture time, stays
    expect(stripPrefixes('192.168.0.201 is unreachable').text).toBe('192.168.0.201 is unreachable');
  });

  it('removes a host label before a dmesg timestamp (pdsh, clush) and nothing else', () => {
    expect(stripPrefixes('node17: [ 8123.441201] INFO: task dd:1 blocked for more than 120 seconds.').text).toBe(
      'INFO: task dd:1 blocked for more than 120 seconds.',
    );
    expect(stripPrefixes('db-03.example.com: [ 8123.441316]  __schedule+0x24e/0x590').text).toBe(
      ' __schedule+0x24e/0x590',
    );
    expect(stripPrefixes('kernel: [ 8123.441316] Call Trace:').text).toBe('Call Trace:');
    expect(stripPrefixes('Workqueue: events drain_local_pages_wq').text).toBe('Workqueue: events drain_local_pages_wq');
    expect(stripPrefixes('RIP: [<ffffffff810f99a2>] smp_call_function_many+0x202/0x260').text).toBe(
      'RIP: [<ffffffff810f99a2>] smp_call_function_many+0x202/0x260',
    );
  });

  it('removes dmesg -H/-e relative times and dmesg -d deltas', () => {
    for (const prefix of ['[Mar11 09:41] ', '[  +0.000123] ', '[ +12.500000] ', '[41872.118233 <    0.000123>] ']) {
      expect(stripPrefixes(`${prefix}INFO: task dd:1 blocked for more than 120 seconds.`).text, prefix).toBe(
        'INFO: task dd:1 blocked for more than 120 seconds.',
      );
    }
    expect(stripPrefixes('[<ffffffff9a567c49>] schedule+0x29/0x70').text).toBe(
      '[<ffffffff9a567c49>] schedule+0x29/0x70',
    );
  });

  it('reads a printk level and a space before the timestamp (IGT CI logs)', () => {
    expect(stripPrefixes('<6> [299.373964] task:i915_selftest   state:D').text).toBe('task:i915_selftest   state:D');
    expect(stripPrefixes('<4>  schedule+0x1/0x2').text).toBe('  schedule+0x1/0x2');
  });

  it("keeps a Code: line's faulting-byte mark that a wrap put first, and a two-digit level before a message", () => {
    const rest = stripPrefixes('<65> 48 8b 14 25 00 ff 01 00 65 8b 05 50 47 8e 7e a9 00 01 ff 00 48');
    expect(rest.text).toBe('<65> 48 8b 14 25 00 ff 01 00 65 8b 05 50 47 8e 7e a9 00 01 ff 00 48');
    expect(rest.prefixed).toBe(false);
    expect(stripPrefixes('<30>systemd[1]: Started Journal Service.').text).toBe('systemd[1]: Started Journal Service.');
  });

  it('removes the `| ` block mark of a log pasted into a commit message, quoted or not', () => {
    expect(stripPrefixes('| smp: csd: CSD lock (#1) handling this request.').text).toBe(
      'smp: csd: CSD lock (#1) handling this request.',
    );
    expect(stripPrefixes('> |  __lkdtm_SMP_CALL_LOCKUP+0x0/0x8', true).text).toBe(' __lkdtm_SMP_CALL_LOCKUP+0x0/0x8');
    expect(stripPrefixes('|').text).toBe('');
    expect(stripPrefixes('|-systemd').text).toBe('|-systemd');
  });

  it('takes the second blank after a capture time only before a dmesg time', () => {
    expect(stripPrefixes('Sep 28 15:40:01  note').text).toBe(' note');
  });

  it('keeps the caller task id', () => {
    expect(stripPrefixes('[  1.0][ T1234] x').callerTid).toBe(1234);
  });

  it('removes trailing human comments but not URLs or stack markers', () => {
    expect(stripPrefixes('__switch_to+0xdc/0x148  // context switch').text).toBe('__switch_to+0xdc/0x148');
    expect(stripPrefixes('RDI: ffff8f1afdf55fe8---lock').text).toBe('RDI: ffff8f1afdf55fe8');
    expect(stripPrefixes('    CPU: 26--------same cpu').text).toBe('    CPU: 26');
    expect(stripPrefixes('x: 5  --note').text).toBe('x: 5');
    // Two dashes inside a word are the word's (a kernel release with a build id).
    expect(stripPrefixes('6.8.0-smp--5e10b4d51d77-drs #232 Tainted: G           O').text).toBe(
      '6.8.0-smp--5e10b4d51d77-drs #232 Tainted: G           O',
    );
    expect(stripPrefixes('--- <NMI exception stack> ---').text).toBe('--- <NMI exception stack> ---');
    expect(stripPrefixes('------------[ cut here ]------------').text).toBe('------------[ cut here ]------------');
    expect(stripPrefixes('see https://example.org/x').text).toBe('see https://example.org/x');
  });

  it("removes a note pointing back with an arrow after blanks, not ftrace's `<-caller`", () => {
    expect(
      stripPrefixes('     81      2   2  ffff9a6475e62f70  UN   0.0       0      0  [kworker/2:1]    <----- ???').text,
    ).toBe('     81      2   2  ffff9a6475e62f70  UN   0.0       0      0  [kworker/2:1]');
    expect(stripPrefixes(' #3 [ffff9a64775afbc8] mutex_lock at ffffffff83110b7f   <==  here').text).toBe(
      ' #3 [ffff9a64775afbc8] mutex_lock at ffffffff83110b7f',
    );
    expect(stripPrefixes('bash-1234  [001] ....  100.0: do_sys_open <-do_syscall_64').text).toBe(
      'bash-1234  [001] ....  100.0: do_sys_open <-do_syscall_64',
    );
    expect(stripPrefixes('x  <--> y').text).toBe('x  <--> y');
  });

  it('keeps lockdep usage letters, dashes included', () => {
    for (const t of [
      ' (&ps2dev->cmd_mutex/1){--..}, at: [<c05937fd>] ps2_command+0x6a/0x2bd',
      '#0:  (&(&hba->hw_lock)->rlock){-.-...}, at: x+0x1/0x2',
      '(&x){..--}, at: y+0x1/0x2',
      '(&x){+--.}, at: y+0x1/0x2',
    ]) {
      expect(stripPrefixes(t).text).toBe(t);
    }
  });
});

describe("the next record's printk level a mail client joined onto a line", () => {
  it('is dropped from a log line, and kept in prose', () => {
    const t = splitLines(
      [
        '<6> [308.553788] Workqueue: events mei_cl_bus_rescan_work [mei] <4>',
        '[308.553792] Call Trace:',
        'levels such as <4>',
      ].join('\n'),
    );
    expect([t.trimmed(0), t.trimmed(1), t.trimmed(2)]).toEqual([
      'Workqueue: events mei_cl_bus_rescan_work [mei]',
      'Call Trace:',
      'levels such as <4>',
    ]);
  });
});

describe('splitLines', () => {
  it('numbers lines from 1 across LF, CRLF and CR', () => {
    const l = splitLines('a\r\nb\nc\rd\n');
    expect([...l].map((x) => [x.no, x.text])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
      [4, 'd'],
    ]);
  });
  it('handles empty text', () => {
    expect(splitLines('')).toHaveLength(1);
  });
  it('cuts very long lines before any pattern runs', () => {
    const l = splitLines('x'.repeat(1_000_000));
    expect(l.at(0).text.length).toBe(MAX_LINE);
  });
  it('keeps the printk caller and derives its task id', () => {
    const [a, b] = [...splitLines('[  1.0][ T1234] x\n[  1.1][   C5] y')];
    expect([a.caller, a.callerTid, b.caller, b.callerTid]).toEqual(['T1234', 1234, 'C5', null]);
  });
  it('reports indentation', () => {
    expect(splitLines('   #0 [ffff] x at ffff').at(0).indent).toBe(3);
  });
});

describe('the /dev/kmsg record header (PRI,SEQ,USEC,FLAG[,caller=…];)', () => {
  it.each([
    ['0,16627,40311380557,-,caller=C0;BUG: workqueue lockup - pool cpus=3', 'BUG: workqueue lockup - pool cpus=3'],
    // after a syslog time and host (no `kernel:`), as a log shipper reading /dev/kmsg writes it
    [
      'May 25 07:29:42 x 6,16631,40311381876,-,caller=C0;    in-flight: 14164:refill_work',
      '    in-flight: 14164:refill_work',
    ],
    ['4,5005,12915307506,-; ? __pfx_watchdog_timer_fn+0x10/0x10', ' ? __pfx_watchdog_timer_fn+0x10/0x10'],
    ['6,812,5023422,c;  __schedule+0x2c4/0x700', '  __schedule+0x2c4/0x700'],
  ])('%s', (raw, text) => {
    expect(stripPrefixes(raw).text).toBe(text);
    expect(stripPrefixes(raw).prefixed).toBe(true);
  });
  it('reads the microseconds as the time and the caller id', () => {
    const r = stripPrefixes('4,812,5023422,-,caller=T1234;INFO: task x:1 blocked');
    expect([r.time, r.caller, r.callerTid]).toEqual([5.023422, 'T1234', 1234]);
  });
  it.each([
    // numbers and commas in messages stay: no flag, no `;`, a level of four digits, a prose word first
    'CPU: 0 PID: 1,2,3 Comm: x',
    '1,2,3,4;x',
    '1234,2,3,-;x',
    'kernel 6,1,2,-;x',
  ])('leaves %s alone', (raw) => {
    expect(stripPrefixes(raw).text).toBe(raw);
  });
});

describe('markdown code marks glued to a log line', () => {
  it.each([
    [
      '`[ 3035.217228] rcu: INFO: rcu_sched self-detected stall on CPU',
      'rcu: INFO: rcu_sched self-detected stall on CPU',
    ],
    ['```[    1.000000] watchdog: BUG: soft lockup', 'watchdog: BUG: soft lockup'],
    [
      '[ 3035.327405] [<801115d8>] (arch_trigger_cpumask_backtrace+0x20/0x24)`',
      '[<801115d8>] (arch_trigger_cpumask_backtrace+0x20/0x24)',
    ],
    ['ret_from_fork+0x14/0x28```', 'ret_from_fork+0x14/0x28'],
  ])('%s', (raw, text) => {
    expect(stripPrefixes(raw).text).toBe(text);
  });
  it.each(['```', '```text', '`reboot` itself', 'the `reboot` task', '`` x', 'a ` b`'])('leaves %s alone', (raw) => {
    expect(stripPrefixes(raw).text).toBe(raw);
  });
});

describe('splitLines reads plain dmesg lines the way stripPrefixes does', () => {
  const pieces = [
    '[',
    ']',
    '[  12.345678]',
    '[12.3]',
    '[ 1.]',
    '[T12]',
    '[ C3]',
    '<4>',
    ' ',
    '  ',
    'x',
    'INFO: task',
    '// note',
    '--',
    '---x',
    '\t',
    'Mar  3 10:11:12 host kernel: ',
    '[Mon Mar  3 10:11:12 2024]',
    '0x1f',
    'é',
  ];
  it('on lines built from the pieces of prefixes and messages', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.constantFrom(...pieces), { maxLength: 8 }), { minLength: 1, maxLength: 6 }),
        (rows) => {
          const raw = rows.map((r) => r.join(''));
          const lines = splitLines(raw.join('\n'));
          const want = raw.map((l) => stripPrefixes(l));
          // A trailing empty line is dropped by splitLines.
          const n = lines.length;
          expect([...lines].map((l) => [l.text, l.caller])).toEqual(want.slice(0, n).map((w) => [w.text, w.caller]));
        },
      ),
      { numRuns: 3000, seed: 11 },
    );
  });
});

describe('LineTable.linesContaining', () => {
  const textOf = (rows: string[]) => rows.join('\n');
  it('finds the lines whose text holds a needle, in order, once each', () => {
    const t = splitLines(textOf(['a BUG: x', 'none', '[  1.0] INFO: y BUG: z', 'LOCKUP', 'WARNING']));
    expect([...t.linesContaining(['INFO:', 'BUG:', 'LOCKUP'])]).toEqual([0, 2, 3]);
  });
  it('ignores a needle inside a stripped prefix', () => {
    const t = splitLines(textOf(['Mar  3 10:11:12 BUGHOST kernel: plain', 'x BUGHOST']));
    expect([...t.linesContaining(['BUGHOST'])]).toEqual([1]);
  });
  it('finds a short needle inside a long one that the cut of a line runs through', () => {
    // The text ends at MAX_LINE, inside `BUG:`: that occurrence is not in the text, the
    // `G` before the cut is.
    const t = splitLines('x'.repeat(MAX_LINE - 3) + 'BUG:' + '\nnext G');
    expect([...t.linesContaining(['BUG:', 'G'])]).toEqual([0, 1]);
  });
  it('agrees with testing every line', () => {
    const pieces = [
      '[  1.0] ',
      'BUG:',
      'INFO:',
      'BU',
      'G:',
      'x',
      ' ',
      '\n',
      '\r\n',
      '// c',
      ' //BUG:',
      ' -- BUG:',
      '<4>',
      'INFO',
      'IN',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (parts) => {
        const t = splitLines(parts.join(''));
        const want: number[] = [];
        for (let i = 0; i < t.length; i++)
          if (t.text(i).includes('BUG:') || t.text(i).includes('INFO:') || t.text(i).includes('G')) want.push(i);
        // Needles of different lengths, one inside another's word: a long one that runs
        // into a stripped suffix must not hide a short one earlier in the same line.
        expect([...t.linesContaining(['BUG:', 'INFO:', 'G'])]).toEqual(want);
      }),
      { numRuns: 2000, seed: 5 },
    );
  });
});

describe('LineTable.finder and firstCode', () => {
  it('agree with the line strings, asked in order and out of order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', '.', '64', '6', '4', ' ', '\n', '[    1.000000] ', 'x64\n', '..'), {
          maxLength: 40,
        }),
        fc.constantFrom('.', '64', '4\n'),
        fc.array(fc.nat(12), { maxLength: 8 }),
        (parts, needle, extra) => {
          const lines = splitLines(parts.join(''));
          const has = lines.finder(needle);
          const order = [...Array(lines.length).keys(), ...extra];
          for (const i of order) expect(has(i), `line ${i}`).toBe(i < lines.length && lines.text(i).includes(needle));
          for (let i = 0; i < lines.length + 1; i++)
            expect(lines.firstCode(i)).toBe(lines.trimmed(i) === '' ? -1 : lines.trimmed(i).charCodeAt(0));
        },
      ),
      { numRuns: 3000, seed: 11 },
    );
  });
});

describe('indexOfText', () => {
  it('finds what indexOf finds, long needles included (searched by their first characters)', () => {
    const text = 'Call Trace:\nCall trac\nCall trace:\nxCall trace: again\nCSD lock CSD locks';
    for (const needle of [
      'Call trace:',
      'Call Trace:',
      'CSD lock',
      'CSD locks',
      'Call t',
      'trace',
      'absent needle',
      'C',
    ])
      for (let from = 0; from <= text.length + 1; from++)
        expect(indexOfText(text, needle, from), `${needle} from ${from}`).toBe(text.indexOf(needle, from));
  });

  it('agrees with indexOf on arbitrary texts over a small alphabet', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[ab]{0,60}$/),
        fc.stringMatching(/^[ab]{1,10}$/),
        fc.nat(70),
        (text, needle, from) => indexOfText(text, needle, from) === text.indexOf(needle, from),
      ),
    );
  });
});
