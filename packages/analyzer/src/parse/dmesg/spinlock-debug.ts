// CONFIG_DEBUG_SPINLOCK's reports (kernel/locking/spinlock_debug.c spin_dump, before 4.6
// also __spin_lock_debug's lockup detector):
//   BUG: spinlock lockup suspected on CPU#0, namex/10450
//    lock: 0xffff881ffe823980, .magic: dead4ead, .owner: namexx/21888, .owner_cpu: 1
// The reporting task spins on the lock on its CPU (a CPU-side stall, of the soft-lockup
// kind); the lock's own fields name its owner and the owner's CPU: certain, the lock says so.
// The reporter is printed as `%s/%d` (current->comm, pid) and a comm may hold a '/'
// (`swapper/3/0`, `kworker/0:3/9777`): the pid is the last number, nothing follows it.
//   BUG: spinlock recursion on CPU#0, test_v24_loop/124
//    lock: serial8250_ports+0x3a8/0x7500, .magic: dead4ead, .owner: test_v24_loop/124, .owner_cpu: 0
// `recursion` is debug_spin_lock_before()'s check that the lock's owner is the task taking
// it: the task waits for a lock it holds itself, and after the report arch_spin_lock spins
// on it for good (a self-deadlock; in an interrupt handler, on the lock the interrupted
// code holds). A static lock is printed by symbol (`%ps`, 4.x+) instead of its address,
// and an address with no symbol by `%pS` unpadded (`lock: 0x62e140`, 32-bit m68k).
// spin_dump then calls dump_stack(): the reporter's own context, which a mail may trim to
// `Call trace:` and its frames with no `CPU: N PID:` line — still that task's stack.

import type { FormatParser } from '../parser.js';
import { hexAddr, span } from '../parser.js';
import { announceCpu, dmesgState } from './state.js';

// Before 3.4 the lockup detector said `lockup`: 3.0-3.3 through spin_dump (the lock line
// follows), 2.6 with the lock's address on the headline and no lock line
// (`BUG: spinlock lockup on CPU#1, ld/9860, c03f8c00`, lib/spinlock_debug.c).
const HEAD =
  /BUG: spinlock (lockup suspected|lockup|recursion|wrong owner|wrong CPU|bad magic|already unlocked|cpu recursion) on CPU#(\d{1,5}), (.{1,16}?)\/(\d{1,10})(?![\d/])(?:, (?:0x)?([0-9a-f]{8,16})\b)?/;
const LOCK =
  /^lock: (?:0x([0-9a-f]{4,16})\b[^,]{0,200}|([0-9a-f]{8,16})\b[^,]{0,200}|([\w.$]{1,128}\+0x[0-9a-f]{1,8})(?:\/0x[0-9a-f]{1,8})?|[^,]{0,200}), \.magic: [0-9a-f]{8}, \.owner: (.{1,16}?)\/(-?\d{1,10}), \.owner_cpu: (-?\d{1,5})/;

export const spinlockDebugParser: FormatParser = {
  name: 'spinlock_debug',
  starts(line) {
    return line.trimmed.includes('BUG: spinlock ');
  },
  parse(lines, i, ctx) {
    const m = HEAD.exec(lines.trimmed(i));
    if (!m) return null;
    const cpu = Number(m[2]);
    const task = { pid: Number(m[4]), comm: m[3], taskAddr: null };
    const r = ctx.records;
    const lockup = m[1] === 'lockup suspected' || m[1] === 'lockup';
    const recursion = m[1] === 'recursion';
    let j = i + 1;
    let l = j < lines.length ? LOCK.exec(lines.trimmed(j)) : null;
    if (l) j++;
    else if (j + 1 < lines.length && lines.trimmed(j).startsWith('lock: ')) {
      // The lock line a mail client wrapped (`… .owner: comm/pid,` / `.owner_cpu: 0`).
      l = LOCK.exec(`${lines.trimmed(j)} ${lines.trimmed(j + 1)}`);
      if (l) j += 2;
    }
    const sp = span(lines, i, j);
    r.addTask({ ...task, state: 'R', cpu, frames: [], onCpu: true, span: sp, format: 'spinlock_debug' });
    if (lockup) {
      dmesgState(ctx).stuck.set(cpu, `spinlock ${m[1]} (${m[3]}/${m[4]})`);
      r.reports.push({
        kind: 'soft_lockup',
        subtype: 'spinlock_lockup',
        header: lines.trimmed(i),
        cpu,
        task,
        span: sp,
        format: 'spinlock_debug',
      });
    }
    // A recursion's dump (`Call trace:` trimmed of its CPU line) is the reporter's: the
    // lock's owner is the reporter. Under a lockup report some vendor kernels print the
    // owner's trace instead (`#owner's Call trace:`), so that one stays unclaimed.
    announceCpu(ctx, cpu, j, recursion);
    const addr = l ? (l[1] ?? l[2] ?? null) : (m[5] ?? null);
    // `devtree_lock+0x0/0x40`: the lock is the symbol itself, named as lockdep names it.
    const symbol = l?.[3] ? l[3].replace(/\+0x0$/, '') : null;
    if (l && recursion) {
      r.reports.push({
        kind: 'deadlock',
        subtype: 'spinlock_recursion',
        header: lines.trimmed(i),
        cpu,
        task,
        span: sp,
        format: 'spinlock_debug',
      });
    }
    if (!l && addr && lockup) {
      // 2.6's headline: the lock's address, no owner printed.
      r.lockFacts.push({
        addr: hexAddr(addr),
        type: 'spinlock',
        owner: null,
        waiters: [task],
        span: sp,
        format: 'spinlock_debug',
      });
    }
    if (l && (addr || symbol)) {
      const ownerPid = Number(l[5]);
      const ownerCpu = Number(l[6]);
      // `<none>/-1` is no owner; pid 0 is the owner CPU's idle task (an interrupt on it).
      const owner = ownerPid >= 0 && ownerCpu >= 0 ? { pid: ownerPid, comm: l[4], taskAddr: null } : null;
      // A spinlock holder cannot sleep: it is running on .owner_cpu.
      if (owner && ownerCpu >= 0)
        r.addTask({
          ...owner,
          state: null,
          cpu: ownerCpu,
          frames: [],
          onCpu: true,
          span: span(lines, i + 1, i + 2),
          format: 'spinlock_debug',
        });
      r.lockFacts.push({
        addr: addr ? hexAddr(addr) : null,
        ...(addr ? {} : { name: symbol! }),
        type: 'spinlock',
        owner,
        waiters: lockup || recursion ? [task] : [],
        span: sp,
        format: 'spinlock_debug',
      });
    }
    return j;
  },
};
