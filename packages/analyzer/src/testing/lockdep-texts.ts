// Dump texts that the tests of more than one stage read (resolve/locks, graph/locks).

/** rm blocked in down_write at do_unlinkat while lockdep lists that lock last among its
 *  own held locks (being acquired, not held); find holds the directory lock. */
export const RM_BLOCKED_ON_DIR_LOCK = [
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
