// Step 3d: a task asleep in __lock_sock waits for the one socket lock lockdep lists held.
import { describe, expect, it } from 'vitest';
import { lockTableOf, ownerOf, waitersOf } from '../../testing/lock-table.js';
import { fromHeldLocks } from './held-locks.js';
import { waitersForSocketLocks } from './socket-locks.js';

// A hung-task report of a task that locks its socket again from a callee (syzbot, vsock,
// 5.6: lockdep annotated the socket lock after the wait then), trimmed; `held` is the
// lockdep part.
const report = (held: string) => `INFO: task syz-executor280:9768 blocked for more than 143 seconds.
      Not tainted 5.6.0-rc1-syzkaller #0
syz-executor280 D27912  9768   9766 0x00000000
Call Trace:
 __schedule+0x934/0x1f90 kernel/sched/core.c:4082
 schedule+0xdc/0x2b0 kernel/sched/core.c:4156
 __lock_sock+0x165/0x290 net/core/sock.c:2413
 lock_sock_nested+0xfe/0x120 net/core/sock.c:2938
 virtio_transport_release+0xc4/0xd60 net/vmw_vsock/virtio_transport_common.c:832
 vsock_assign_transport+0xf3/0x3b0 net/vmw_vsock/af_vsock.c:454
 vsock_stream_connect+0x2b3/0xc70 net/vmw_vsock/af_vsock.c:1288
 __sys_connect+0x174/0x1b0 net/socket.c:1874

Showing all locks held in the system:
1 lock held by khungtaskd/951:
 #0: ffffffff89bac240 (rcu_read_lock){....}, at: debug_show_all_locks+0x5f/0x279 kernel/locking/lockdep.c:5333
${held}`;

const run = (text: string) => {
  const { table, waits } = lockTableOf(text);
  fromHeldLocks(table, waits);
  waitersForSocketLocks(table, waits);
  return table;
};

describe('waitersForSocketLocks', () => {
  it('the only socket lock held is the waiter’s own: it waits on itself', () => {
    const table = run(
      report(`1 lock held by syz-executor280/9768:
 #0: ffff8880987cb8d0 (sk_lock-AF_VSOCK){+.+.}, at: lock_sock include/net/sock.h:1516 [inline]
 #0: ffff8880987cb8d0 (sk_lock-AF_VSOCK){+.+.}, at: vsock_stream_connect+0xfb/0xc70 net/vmw_vsock/af_vsock.c:1258
`),
    );
    expect(ownerOf(table, 'ffff8880987cb8d0')).toEqual({ task: 'task:9768', confidence: 'certain' });
    expect(waitersOf(table, 'ffff8880987cb8d0')).toEqual([{ task: 'task:9768', confidence: 'likely' }]);
  });

  it('the only socket lock held is another task’s: it waits for that task', () => {
    const table = run(
      report(`1 lock held by syz-executor280/9770:
 #0: ffff8880987cc000 (sk_lock-AF_VSOCK){+.+.}, at: vsock_stream_sendmsg+0x8c/0x990 net/vmw_vsock/af_vsock.c:1640
`),
    );
    expect(ownerOf(table, 'ffff8880987cc000')).toEqual({ task: 'task:9770', confidence: 'certain' });
    expect(waitersOf(table, 'ffff8880987cc000')).toEqual([{ task: 'task:9768', confidence: 'likely' }]);
  });

  it('two socket locks held: which one it waits for is not said', () => {
    const table = run(
      report(`1 lock held by syz-executor280/9768:
 #0: ffff8880987cb8d0 (sk_lock-AF_VSOCK){+.+.}, at: vsock_stream_connect+0xfb/0xc70 net/vmw_vsock/af_vsock.c:1258
1 lock held by syz-executor280/9770:
 #0: ffff8880987cc000 (k-sk_lock-AF_INET6){+.+.}, at: tcp_sendmsg+0x22/0x50 net/ipv4/tcp.c:1444
`),
    );
    expect(waitersOf(table, 'ffff8880987cb8d0')).toEqual([]);
    expect(waitersOf(table, 'ffff8880987cc000')).toEqual([]);
  });

  it('the socket spinlock (slock-AF_*) is not the socket lock', () => {
    const table = run(
      report(`1 lock held by kworker/0:1/12:
 #0: ffff8880987cb860 (slock-AF_VSOCK){+.-.}, at: vsock_loopback_work+0x21/0x90 net/vmw_vsock/vsock_loopback.c:70
`),
    );
    expect(waitersOf(table, 'ffff8880987cb860')).toEqual([]);
  });
});
