// The fingerprint names the bug: the culprit's normalized frames, the kind of wait, and
// for lockdep the lock classes. Each case states the readable key (fingerprintBasis) it
// expects, so a change of rule shows here as text, and checks what must and must not group.

import { describe, expect, it } from 'vitest';
import { analyze } from '../analyze.js';
import { fnv1a64, isGlobalLockClass, normalizeFunction, normalizeLockClass } from './fingerprint.js';

const fp = (lines: string[]) => analyze(lines.join('\n')).fingerprint;
const key = (basis: string) => fnv1a64(basis);

describe('normalizeFunction', () => {
  it('drops compiler clone suffixes and syscall wrapper prefixes', () => {
    expect(normalizeFunction('tick_sched_handle.isra.17')).toBe('tick_sched_handle');
    expect(normalizeFunction('rcu_check_callbacks.cold.83')).toBe('rcu_check_callbacks');
    expect(normalizeFunction('print_circular_bug.isra.36.cold.53')).toBe('print_circular_bug');
    expect(normalizeFunction('do_softirq.part.17')).toBe('do_softirq');
    expect(normalizeFunction('__flush_work.constprop.0')).toBe('__flush_work');
    expect(normalizeFunction('foo.llvm.1234567890')).toBe('foo');
    expect(normalizeFunction('__x64_sys_writev')).toBe('sys_writev');
    expect(normalizeFunction('SyS_writev')).toBe('sys_writev');
    expect(normalizeFunction('___sys_recvmsg')).toBe('sys_recvmsg');
    expect(normalizeFunction('____sys_recvmsg')).toBe('sys_recvmsg');
    expect(normalizeFunction('ksys_ioctl')).toBe('sys_ioctl');
    expect(normalizeFunction('tcp_sendmsg')).toBe('tcp_sendmsg');
  });
});

describe('lock classes', () => {
  it('drop the instance and subclass numbers, and read the old rlock spelling as the new one', () => {
    expect(normalizeLockClass('&lo->lo_ctl_mutex#2')).toBe('&lo->lo_ctl_mutex');
    expect(normalizeLockClass('&type->s_umount_key#34/1')).toBe('&type->s_umount_key');
    // One process's mmap_lock: the process is this boot's pid, the class is the same.
    expect(normalizeLockClass('mmap_lock@tgid:16653')).toBe('mmap_lock');
    expect(normalizeLockClass('mmap_lock@comm:task:12566')).toBe('mmap_lock');
    expect(isGlobalLockClass('mmap_lock@tgid:16653')).toBe(false);
    expect(normalizeLockClass('&pipe->mutex/1')).toBe('&pipe->mutex');
    expect(normalizeLockClass('&(&info->lock)->rlock')).toBe('&info->lock');
    expect(normalizeLockClass('(wq_completion)wg-kex-wireguard1#8')).toBe('(wq_completion)wg-kex-wireguard1');
  });
  it('tell a static lock (named by its variable) from a lock inside an object', () => {
    expect(isGlobalLockClass('rtnl_mutex')).toBe(true);
    expect(isGlobalLockClass('cpu_hotplug_lock.rw_sem')).toBe(true);
    expect(isGlobalLockClass('console_sem')).toBe(true);
    expect(isGlobalLockClass('&bdev->bd_mutex')).toBe(false);
    expect(isGlobalLockClass('(wq_completion)events')).toBe(false);
    expect(isGlobalLockClass('&(&info->lock)->rlock')).toBe(false);
  });
});

/** syzkaller's blkdev_reread_part report (google/syzkaller pkg/report/testdata/linux/report/26), cut. */
const lockdepLoop = (ts: string, pid: number, addr: string, classNo: string) => [
  `[${ts}] ======================================================`,
  `[${ts}] WARNING: possible circular locking dependency detected`,
  `[${ts}] 4.14.0-rc1+ #1 Not tainted`,
  `[${ts}] ------------------------------------------------------`,
  `[${ts}] syz-executor0/${pid} is trying to acquire lock:`,
  `[${ts}]  (&bdev->bd_mutex){+.+.}, at: [<${addr}>] blkdev_reread_part+0x1e/0x40`,
  `[${ts}] `,
  `[${ts}] but task is already holding lock:`,
  `[${ts}]  (&lo->lo_ctl_mutex${classNo}){+.+.}, at: [<${addr}>] lo_compat_ioctl+0x109/0x140`,
  `[${ts}] `,
  `[${ts}] which lock already depends on the new lock.`,
  `[${ts}] `,
  `[${ts}] the existing dependency chain (in reverse order) is:`,
  `[${ts}] `,
  `[${ts}] -> #1 (&lo->lo_ctl_mutex${classNo}){+.+.}:`,
  `[${ts}]        __mutex_lock+0x16f/0x1870`,
  `[${ts}]        lo_release+0x6b/0x180`,
  `[${ts}] `,
  `[${ts}] -> #0 (&bdev->bd_mutex){+.+.}:`,
  `[${ts}]        __mutex_lock+0x16f/0x1870`,
  `[${ts}]        blkdev_reread_part+0x1e/0x40`,
  `[${ts}] `,
  `[${ts}] other info that might help us debug this:`,
];

/** A hung task blocked on a mutex (syzkaller report 436's layout), its waiter's callers given. */
const hungOnMutex = (pid: number, lockClass: string, callers: string[]) => [
  `[  1296.130143][ T1064] INFO: task kworker/1:0:${pid} blocked for more than 143 seconds.`,
  `[  1296.138027][ T1064]       Not tainted 5.4.0-rc1+ #0`,
  `[  1296.143190][ T1064] "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.`,
  `[  1296.152189][ T1064] kworker/1:0     D26904 ${String(pid).padStart(5)}      2 0x80004000`,
  `[  1296.158659][ T1064] Call Trace:`,
  `[  1296.162163][ T1064]  __schedule+0x94f/0x1e70`,
  `[  1296.166629][ T1064]  schedule+0xd9/0x260`,
  `[  1296.170859][ T1064]  schedule_preempt_disabled+0x13/0x20`,
  `[  1296.176496][ T1064]  __mutex_lock+0x7b0/0x13c0`,
  `[  1296.181199][ T1064]  mutex_lock_nested+0x16/0x20`,
  ...callers.map((c, i) => `[  1296.18${i}000][ T1064]  ${c}+0x17/0x20`),
  `[  1296.196338][ T1064]  ret_from_fork+0x24/0x30`,
  `[  1296.200000][ T1064] `,
  `[  1296.201000][ T1064] Showing all locks held in the system:`,
  `[  1296.202000][ T1064] 1 lock held by syz-executor687/${pid + 8756}:`,
  `[  1296.203000][ T1064]  #0: ffffffff899981a0 (${lockClass}){+.+.}, at: ${callers[0]}+0x17/0x20`,
  `[  1296.204000][ T1064] `,
  `[  1296.205000][ T1064] =============================================`,
];

describe('fingerprint', () => {
  it('keys a lockdep report on the class taken, where, and the class held', () => {
    const a = fp(lockdepLoop('  127.525803', 22269, 'ffffffff8232bf0e', '#2'));
    expect(a).toBe(key('lockdep takes &bdev->bd_mutex at blkdev_reread_part holding &lo->lo_ctl_mutex'));
    // Another boot: other times, pid, addresses, lockdep's instance number.
    expect(fp(lockdepLoop('   88.000001', 6936, 'ffffffff81234567', ''))).toBe(a);
  });

  it('keeps unrelated lockdep reports apart', () => {
    const other = lockdepLoop('  127.525803', 22269, 'ffffffff8232bf0e', '').map((l) =>
      l.replace(/&bdev->bd_mutex/g, 'sk_lock-AF_INET').replace(/blkdev_reread_part/g, 'do_ip_setsockopt'),
    );
    expect(fp(other)).not.toBe(fp(lockdepLoop('  127.525803', 22269, 'ffffffff8232bf0e', '')));
  });

  it('keys waiters of a global lock whose holder the dump does not show on the lock, whoever waits', () => {
    const a = fp(
      hungOnMutex(17, 'rtnl_mutex', [
        'rtnl_lock',
        'addrconf_verify_work',
        'process_one_work',
        'worker_thread',
        'kthread',
      ]),
    );
    const b = fp(
      hungOnMutex(6109, 'rtnl_mutex', ['rtnl_lock', 'ipv6_route_ioctl', 'inet6_ioctl', 'sock_do_ioctl', 'sock_ioctl']),
    );
    expect(a).toBe(key('lock rtnl_mutex < lock/mutex'));
    expect(a).toBe(b);
  });

  it('keys a holder known only by its own frames (inside rtnetlink_rcv_msg) on the lock, not on where it was sampled', () => {
    const holder = (inner: string[]) => [
      'NMI backtrace for cpu 1',
      'CPU: 1 PID: 8773 Comm: syz-executor687 Not tainted 5.4.0-rc1+ #0',
      'RIP: 0010:' + inner[0] + '+0x1f/0x1a0',
      'Call Trace:',
      ...[
        ...inner.slice(1),
        'tc_ctl_action',
        'rtnetlink_rcv_msg',
        'netlink_rcv_skb',
        'rtnetlink_rcv',
        'netlink_unicast',
        'netlink_sendmsg',
        'sock_sendmsg',
        '___sys_sendmsg',
        '__sys_sendmsg',
        '__x64_sys_sendmsg',
        'do_syscall_64',
      ].map((f) => ` ${f}+0x10/0x20`),
    ];
    // The hung task alone, without lockdep's list (which would state the holder).
    const full = hungOnMutex(17, 'rtnl_mutex', [
      'rtnl_lock',
      'addrconf_verify_work',
      'process_one_work',
      'worker_thread',
      'kthread',
    ]);
    const waiter = full.slice(0, full.findIndex((l) => l.includes('ret_from_fork')) + 1);
    const a = analyze(
      [...waiter, ...holder(['check_memory_region', '__kasan_check_read', 'kfree_skb', 'netlink_attachskb'])].join(
        '\n',
      ),
    );
    expect(a.graph.edges.some((e) => e.kind === 'held_by' && e.to === 'task:8773')).toBe(true);
    expect(a.fingerprint).toBe(key('lock rtnl_mutex < lock/mutex'));
    expect(fp([...waiter, ...holder(['memset', 'skb_put', 'tcf_action_dump'])])).toBe(a.fingerprint);
  });

  it('keys waiters of a lock inside an object, holder not shown, on the lock and the waiter', () => {
    const a = fp(hungOnMutex(17, '&type->s_umount_key#34', ['grab_super', 'sget_userns', 'mount_bdev']));
    const b = fp(
      hungOnMutex(18, '&type->s_umount_key#21', [
        'iterate_supers',
        'drop_caches_sysctl_handler',
        'proc_sys_call_handler',
      ]),
    );
    expect(a).toBe(key('lock &type->s_umount_key < lock/mutex grab_super < sget_userns < mount_bdev'));
    expect(a).not.toBe(b);
    expect(fp(hungOnMutex(99, '&type->s_umount_key#3', ['grab_super', 'sget_userns', 'mount_bdev']))).toBe(a);
  });
});

/** syzkaller's ipv6_rcv soft lockup (report 267's layout), the CPU stopped in `inner`. */
const softLockup = (cpu: number, pid: number, inner: string[]) => [
  `[ 1290.104807] watchdog: BUG: soft lockup - CPU#${cpu} stuck for 134s! [syz-executor738:${pid}]`,
  `[ 1290.112830] Modules linked in:`,
  `[ 1290.158637] CPU: ${cpu} PID: ${pid} Comm: syz-executor738 Not tainted 4.17.0-rc3+ #40`,
  `[ 1290.175400] RIP: 0010:__sanitizer_cov_trace_pc+0x20/0x50`,
  `[ 1290.180861] RSP: 0018:ffff8801d8cfe250 EFLAGS: 00000246 ORIG_RAX: ffffffffffffff13`,
  `[ 1290.261210] Call Trace:`,
  ...inner.map((f) => `[ 1290.263888]  ${f}+0xc1d/0x14f0`),
  `[ 1290.444140]  ip6_input+0xe1/0x5e0`,
  `[ 1290.456233]  ip6_rcv_finish+0x29c/0xa10`,
  `[ 1290.482435]  ipv6_rcv+0xeb8/0x2040`,
  `[ 1290.510550]  __netif_receive_skb_core+0x2468/0x3650`,
  `[ 1290.597399]  __netif_receive_skb+0x2c/0x1e0`,
  `[ 1290.650727]  tun_get_user+0x3168/0x4290`,
  `[ 1290.776025]  do_syscall_64+0x1b1/0x800`,
  `[ 1290.804960]  entry_SYSCALL_64_after_hwframe+0x49/0xbe`,
];

/** A task hung in page-cache I/O (syzkaller report 550's layout), called from `callers`. */
const hungOnIo = (pid: number, callers: string[]) => [
  `[  623.012345] INFO: task syz-executor.0:${pid} blocked for more than 122 seconds.`,
  `[  623.020000]       Not tainted 5.6.0-rc7-syzkaller #0`,
  `[  623.030000] "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.`,
  `[  623.040000] syz-executor.0  D27400 ${String(pid).padStart(5)}   9807 0x00004004`,
  `[  623.050000] Call Trace:`,
  `[  623.050100]  __schedule+0x934/0x1f90`,
  `[  623.050200]  schedule+0xd0/0x2a0`,
  `[  623.050300]  io_schedule+0x17/0x60`,
  `[  623.050400]  __lock_page+0x3f1/0x7f0`,
  ...callers.map((c) => `[  623.050500]  ${c}+0x6d4/0xc50`),
  `[  623.050900]  do_syscall_64+0xf6/0x790`,
  `[  623.051000]  entry_SYSCALL_64_after_hwframe+0x49/0xbe`,
];

describe('fingerprint of a stuck CPU', () => {
  it('keys on the frames just inside its entry point, wherever in the loop the CPU stopped', () => {
    const a = fp(softLockup(1, 4553, ['_decode_session6', '__xfrm_decode_session', 'icmpv6_route_lookup']));
    expect(a).toBe(key('on-cpu ip6_rcv_finish < ipv6_rcv'));
    expect(fp(softLockup(3, 812, ['icmp6_send', 'icmpv6_send', 'ip6_input_finish']))).toBe(a);
  });
});

describe('fingerprint of a wait on something outside the dump', () => {
  it('is never "storage" alone: the waiter says which bug', () => {
    const a = fp(hungOnIo(10324, ['mpage_prepare_extent_to_map', 'ext4_writepages', 'do_writepages']));
    const b = fp(hungOnIo(5612, ['do_read_cache_folio', 'read_cache_folio', 'read_part_sector']));
    expect(a).toBe(key('external:storage < io mpage_prepare_extent_to_map < ext4_writepages < do_writepages'));
    expect(a).not.toBe(b);
    expect(fp(hungOnIo(777, ['mpage_prepare_extent_to_map', 'ext4_writepages', 'do_writepages']))).toBe(a);
  });
});
