// Synthetic dumps in the kernel's real sysrq-w format (sched_show_task, 5.15+ layout:
// `task:COMM state:D stack:0 pid:N ppid:1 flags:…` + `Call Trace:`), followed by
// lockdep's `Showing all locks held in the system:` list. lockdep lists a lock a task
// is blocked acquiring as held (lock_acquire runs before the task sleeps), so every
// waiter appears there too, and the owner is the one task whose own wait is elsewhere.

export interface MutexPileup {
  /** Distinct mutexes, each with one owner and its waiters. */
  locks: number;
  /** Waiters per mutex, all with the same stack. */
  waitersPerLock: number;
  /** Added to the text so each generated dump is a new upload (the server dedups bytes). */
  marker?: string;
}

const WAIT_TAIL = ['__x64_sys_ioctl+0x95/0xd0', 'do_syscall_64+0x5c/0x90', 'entry_SYSCALL_64_after_hwframe+0x72/0xdc'];

function lockAddr(k: number): string {
  return (0xffff8881052a5e10n + BigInt(k) * 0x1000n).toString(16);
}

/** Owner of lock k is pid 900+k; its waiters are pids 10000 + k*waitersPerLock + i. */
export function mutexPileupDump({ locks, waitersPerLock, marker }: MutexPileup): string {
  const out: string[] = ['sysrq: Show Blocked State'];
  const task = (comm: string, pid: number, frames: string[]) => {
    out.push(`task:${comm} state:D stack:0 pid:${pid} ppid:1 flags:0x00000000`, 'Call Trace:', ' <TASK>');
    for (const f of frames) out.push(` ${f}`);
    out.push(' </TASK>');
  };
  const fn = (k: number) => (k === 0 ? 'foo_ioctl' : `foo${k}_ioctl`);
  const mod = (k: number) => (k === 0 ? 'foo' : `foo${k}`);
  for (let k = 0; k < locks; k++) {
    task(k === 0 ? 'foo-owner' : `foo${k}-owner`, 900 + k, [
      '__schedule+0x24e/0x590',
      'schedule+0x69/0x110',
      'schedule_timeout+0x88/0x160',
      'wait_for_completion+0x86/0x140',
      `foo_reset_hw+0x51/0xa0 [${mod(k)}]`,
      `${fn(k)}+0x6b/0x90 [${mod(k)}]`,
      ...WAIT_TAIL,
    ]);
    for (let i = 0; i < waitersPerLock; i++) {
      task(k === 0 ? 'runc:[2:INIT]' : `worker${k}`, 10000 + k * waitersPerLock + i, [
        '__schedule+0x24e/0x590',
        'schedule+0x69/0x110',
        'schedule_preempt_disabled+0x15/0x20',
        '__mutex_lock.constprop.0+0x2b0/0x4f0',
        'mutex_lock+0x2e/0x40',
        `${fn(k)}+0x2a/0x90 [${mod(k)}]`,
        ...WAIT_TAIL,
      ]);
    }
  }
  out.push('', 'Showing all locks held in the system:');
  for (let k = 0; k < locks; k++) {
    const held = ` #0: ${lockAddr(k)} (&foo->lock){+.+.}-{3:3}, at: ${fn(k)}+0x2a/0x90 [${mod(k)}]`;
    out.push(`1 lock held by ${k === 0 ? 'foo-owner' : `foo${k}-owner`}/${900 + k}:`, held);
    for (let i = 0; i < waitersPerLock; i++) {
      out.push(`1 lock held by ${k === 0 ? 'runc:[2:INIT]' : `worker${k}`}/${10000 + k * waitersPerLock + i}:`, held);
    }
  }
  if (marker) out.push('', `# ${marker}`);
  return out.join('\n') + '\n';
}

export const pileupLockId = (k: number) => `lock:${lockAddr(k)}`;
