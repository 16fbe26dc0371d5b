// Crash texts that the tests of more than one module read.

/** Justin Tee's lpfc commit message (c44e50f4a0ec, stable 2022-12-19), as posted: a crash bt
 *  trimmed to `fn at ADDR [mod]` under the panic's CPU line, the timer handler on the IRQ stack
 *  spinning on the lock the interrupted debugfs read holds. */
export const LPFC_HARD_LOCKUP_BT = `Kernel panic - not syncing: Hard LOCKUP
CPU: 3 PID: 110402 Comm: cat Kdump: loaded

exception RIP: native_queued_spin_lock_slowpath+91

[IRQ stack]
 native_queued_spin_lock_slowpath at ffffffffb814e30b
 _raw_spin_lock at ffffffffb89a667a
 lpfc_rx_monitor_record at ffffffffc0a73a36 [lpfc]
 lpfc_cmf_timer at ffffffffc0abbc67 [lpfc]
 __hrtimer_run_queues at ffffffffb8184250
 hrtimer_interrupt at ffffffffb8184ab0
 smp_apic_timer_interrupt at ffffffffb8a026ba
 apic_timer_interrupt at ffffffffb8a01c4f
[End of IRQ stack]

 apic_timer_interrupt at ffffffffb8a01c4f
 lpfc_rx_monitor_report at ffffffffc0a73c80 [lpfc]
 lpfc_rx_monitor_read at ffffffffc0addde1 [lpfc]
 vfs_read at ffffffffb833fe71
`;

// A crash bt asleep above a kernel page fault (Sungju Kwon's kernel notes, a RHEL 6
// 2.6.32 vmcore: talpa_linux took the mm's mmap_sem with down_read_trylock, then faulted
// in copy_from_user), trimmed to the frames, the exception frame and the stack words
// that hold the rwsem; with the rwsem the session dumped.
export const TALPA_FAULT_BT = `crash> struct rw_semaphore ffff8800355f0c28
struct rw_semaphore {
  count = -4294967294,
  wait_lock = {
    raw_lock = {
      slock = 0
    }
  },
  wait_list = {
    next = 0xffff88010b1dbe48,
    prev = 0xffff8801109258c0
  }
}
crash> bt -f 53138
PID: 53138  TASK: ffff88001d0b0080  CPU: 2   COMMAND: "java"
 #0 [ffff8801109257d0] schedule at ffffffff815293c0
 #1 [ffff880110925898] rwsem_down_failed_common at ffffffff8152ba85
    ffff8801109258a0: 0000000000000000 0000000001000000 
    ffff8801109258b0: ffff88002be533c0 fffffffeffffffff 
    ffff8801109258c0: ffff88002be55840 ffff8800355f0c28 
 #2 [ffff8801109258f8] rwsem_down_read_failed at ffffffff8152bc16
 #3 [ffff880110925938] call_rwsem_down_read_failed at ffffffff8128f4d4
 #4 [ffff8801109259a0] __do_page_fault at ffffffff8104a92e
 #5 [ffff880110925ac0] do_page_fault at ffffffff8152ef5e
 #6 [ffff880110925af0] page_fault at ffffffff8152c315
    [exception RIP: copy_user_enhanced_fast_string+6]
    RIP: ffffffff8128e0d6  RSP: ffff880110925ba0  RFLAGS: 00010202
    RAX: ffff880110924000  RBX: ffff88013b78a480  RCX: 0000000000002fd2
    RDX: 0000000000003aa8  RSI: 00007fff90c1c000  RDI: ffff88001a794ad6
    RBP: ffff880110925bc8   R8: 0000000000000246   R9: 0000000000000000
    R10: 0000000000000002  R11: 0000000000000000  R12: ffff8800355f0bc0
    R13: ffff8800355f0c28  R14: ffff88001d0b0878  R15: ffff88008592e328
    ORIG_RAX: ffffffffffffffff  CS: 0010  SS: 0000
 #7 [ffff880110925ba0] newLinuxThreadInfo at ffffffffa0328ccd [talpa_linux]
 #8 [ffff880110925bd0] newThreadInfo at ffffffffa032891e [talpa_linux]
 #9 [ffff880110925be0] examineFile at ffffffffa0379a19 [talpa_core]
#10 [ffff880110925c90] examineFileInfo at ffffffffa0373a43 [talpa_core]
#11 [ffff880110925ce0] talpaOpen at ffffffffa035f176 [talpa_vfshook]
#12 [ffff880110925d30] __dentry_open at ffffffff81185e3a
#13 [ffff880110925d90] nameidata_to_filp at ffffffff811861a4
#14 [ffff880110925db0] do_filp_open at ffffffff8119be90
#15 [ffff880110925f20] do_sys_open at ffffffff81185be9
#16 [ffff880110925f70] sys_open at ffffffff81185d00
#17 [ffff880110925f80] system_call_fastpath at ffffffff8100b072
    RIP: 0000003e7d40ef9d  RSP: 00007fab9fcfaa30  RFLAGS: 00010202
    RAX: 0000000000000002  RBX: ffffffff8100b072  RCX: 0000000000000280
    RDX: 00000000000001b6  RSI: 0000000000000000  RDI: 00007fabb02ea910
    RBP: 00007fab9fcfaa10   R8: 00007fabb02ea910   R9: 00007fac2bbaf3b8
    R10: 00007fac2bbb3258  R11: 0000000000000293  R12: ffffffff81185d00
    R13: ffff880110925f78  R14: 00007fab9fcfab18  R15: 0000000000000000
    ORIG_RAX: 0000000000000002  CS: 0033  SS: 002b
`;
