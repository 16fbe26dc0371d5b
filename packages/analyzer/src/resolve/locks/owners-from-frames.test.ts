// Step 4c: owners of waited-for locks from the holders' own frames.
import { describe, expect, it } from 'vitest';
import { taskDump } from '../../testing/task-dump.js';
import { lockTableOf, ownerOf } from '../../testing/lock-table.js';
import { ownersFromFrames } from './owners-from-frames.js';
import { waitersFromFrames } from './waiters-from-frames.js';

const task = (pid: number, ...fns: string[]) =>
  taskDump(
    `t${pid}`,
    pid,
    'D',
    ['__schedule', 'schedule', ...fns].map((f) => `${f}+0x10/0x20`),
  );
const RTNL_WAITER = task(17, 'mutex_lock', 'rtnl_lock', 'addrconf_verify_work', 'process_one_work');

function run(text: string) {
  const { table, waits } = lockTableOf(text);
  const owned = ownersFromFrames(table, waits, waitersFromFrames(table, waits));
  return { table, owned: [...owned].map(([l, tasks]) => [l.id, tasks]) };
}

describe('ownersFromFrames', () => {
  it('a task inside a handler that holds rtnl is its likely owner', () => {
    const { table, owned } = run(
      RTNL_WAITER + task(8773, 'wait_for_completion', 'tcf_action_add', 'tc_ctl_action', 'rtnetlink_rcv_msg'),
    );
    expect(ownerOf(table, 'rtnl_mutex')).toEqual({ task: 'task:8773', confidence: 'likely' });
    expect(owned).toEqual([['lock:rtnl_mutex', ['task:8773']]]);
  });

  it('two stacks that claim an exclusive lock are each a guess, not its owner', () => {
    const { table, owned } = run(
      RTNL_WAITER +
        task(11, 'wait_for_completion', 'foo_event', 'linkwatch_event', 'process_one_work') +
        task(12, 'wait_for_completion', 'bar_setup', 'register_netdev', 'bar_probe'),
    );
    expect(ownerOf(table, 'rtnl_mutex')).toBeNull();
    expect(table.namedNow('rtnl_mutex')!.guesses.map((g) => g.task)).toEqual(['task:11', 'task:12']);
    expect(owned).toEqual([['lock:rtnl_mutex', ['task:11', 'task:12']]]);
  });

  it('nobody waiting for a frame-held lock: nothing is looked for', () => {
    const { table, owned } = run(task(8773, 'wait_for_completion', 'tc_ctl_action', 'rtnetlink_rcv_msg'));
    expect(owned).toEqual([]);
    expect(table.locks).toEqual([]);
  });
  it('an unmount waits for the s_umount a sync holds while it waits for writeback (one lock per superblock: a guess)', () => {
    const { table, owned } = run(
      task(900, 'rwsem_down_write_slowpath', 'down_write', 'deactivate_super', 'cleanup_mnt', 'task_work_run') +
        task(901, 'wb_wait_for_completion', 'sync_inodes_sb', 'sync_inodes_one_sb', 'iterate_supers', 'ksys_sync'),
    );
    expect(owned).toEqual([['lock:rwsem@deactivate_super', ['task:901']]]);
    expect(ownerOf(table, 'rwsem@deactivate_super')).toEqual({ task: 'task:901', confidence: 'guess' });
  });
  it('tasks blocked on a directory lock wait for the one task looking up in that directory over NFS', () => {
    const { table, owned } = run(
      task(700, 'rwsem_down_write_slowpath', 'down_write', 'open_last_lookups', 'path_openat', 'do_filp_open') +
        task(701, 'rwsem_down_read_slowpath', 'down_read', 'lookup_slow', 'walk_component', 'path_lookupat') +
        task(
          702,
          'rpc_wait_bit_killable',
          '__rpc_execute',
          'rpc_run_task',
          'nfs4_proc_lookup',
          'nfs_lookup',
          '__lookup_slow',
          'lookup_slow',
          'walk_component',
        ),
    );
    expect(owned.map(([, tasks]) => tasks)).toEqual([['task:702'], ['task:702']]);
    expect(ownerOf(table, 'rwsem@open_last_lookups')).toEqual({ task: 'task:702', confidence: 'guess' });
  });
  it('a waiter holding a lock of a class never nested waits for the one it holds: unregistering under the wiphy mutex', () => {
    const rmmod = (pid: number) =>
      task(
        pid,
        'mutex_lock_nested',
        'cfg80211_netdev_notifier_call',
        'raw_notifier_call_chain',
        'call_netdevice_notifiers_info',
        '__dev_close_many',
        'unregister_netdevice_queue',
        '_cfg80211_unregister_wdev',
        'cfg80211_unregister_wdev',
        'mwifiex_del_virtual_intf',
      );
    const { table, owned } = run(rmmod(2119));
    expect(owned).toEqual([['lock:mutex@cfg80211_netdev_notifier_call#2119', ['task:2119']]]);
    expect(ownerOf(table, 'mutex@cfg80211_netdev_notifier_call#2119')).toEqual({
      task: 'task:2119',
      confidence: 'guess',
    });
    // Before 5.12 the wiphy mutex did not exist: nothing is claimed.
    const old = run('Linux version 5.10.0 (gcc)\n' + rmmod(2120));
    expect(old.owned).toEqual([]);
  });
  it('the boot-time walk over unused clocks holds the global clk prepare_lock', () => {
    const { table, owned } = run(
      task(9, '__mutex_lock', 'mutex_lock', 'clk_prepare_lock', 'clk_core_prepare_lock', 'clk_prepare') +
        task(
          1,
          'rpm_resume',
          '__pm_runtime_resume',
          'clk_pm_runtime_get',
          'clk_disable_unused_subtree',
          'clk_disable_unused',
        ),
    );
    expect(owned).toEqual([['lock:prepare_lock', ['task:1']]]);
    expect(ownerOf(table, 'prepare_lock')).toEqual({ task: 'task:1', confidence: 'likely' });
  });
  it('a teardown below an rmap walk waits for the anon_vma root the walk holds', () => {
    const walker = (pid: number, inner: string) =>
      task(
        pid,
        'rwsem_down_write_slowpath',
        'unlink_anon_vmas',
        'free_pgtables',
        'exit_mmap',
        'mmput',
        'foo_invalidate_range',
        '__mmu_notifier_invalidate_range_start',
        'try_to_unmap_one',
        inner,
        'try_to_unmap',
      );
    const { table, owned } = run(walker(348, 'rmap_walk_anon'));
    expect(owned).toEqual([['lock:rwsem@unlink_anon_vmas#348', ['task:348']]]);
    expect(ownerOf(table, 'rwsem@unlink_anon_vmas#348')).toEqual({ task: 'task:348', confidence: 'guess' });
    // Without the walk on its stack, nobody is named.
    expect(run(walker(349, 'rmap_walk_file')).owned).toEqual([]);
  });
  it('a function that takes two locks names the one of the type the task waits for: netns cleanup holds pernet_ops_rwsem', () => {
    // register_netdevice_notifier takes pernet_ops_rwsem (down_write), then rtnl_mutex.
    const { table, owned } = run(
      task(4491, 'rwsem_down_write_slowpath', 'down_write', 'register_netdevice_notifier', 'tun_chr_ioctl') +
        task(11933, 'synchronize_rcu', 'ops_exit_list', 'cleanup_net', 'process_one_work', 'worker_thread'),
    );
    expect(owned).toEqual([['lock:pernet_ops_rwsem', ['task:11933']]]);
    expect(ownerOf(table, 'pernet_ops_rwsem')).toEqual({ task: 'task:11933', confidence: 'likely' });
    // In its mutex slow path (rtnl_lock() is a tail call), the same function waits for rtnl_mutex.
    const rtnl = run(task(17, '__mutex_lock', 'mutex_lock', 'register_netdevice_notifier', 'tun_chr_ioctl'));
    expect(rtnl.table.locks.map((l) => l.id)).toEqual(['lock:rtnl_mutex']);
  });
});
