// CONFIG_DEBUG_SPINLOCK's reports (kernel/locking/spinlock_debug.c spin_dump, before 4.6
// also __spin_lock_debug's lockup detector):
//   BUG: spinlock lockup suspected on CPU#0, namex/10450
//    lock: 0xffff881ffe823980, .magic: dead4ead, .owner: namexx/21888, .owner_cpu: 1
// The reporting task spins on the lock on its CPU (a CPU-side stall, of the soft-lockup
// kind); the lock's own fields name its owner and the owner's CPU: certain, the lock says so.
// The reporter is printed as `%s/%d` (current->comm, pid) and a comm may hold a '/'
// (`swapper/3/0`, `kworker/0:3/9777`): the pid is the last number, nothing follows it.

import type { FormatParser } from '../parser.js';
import { hexAddr, span } from '../parser.js';
import { announceCpu, dmesgState } from './state.js';

const HEAD =
  /BUG: spinlock (lockup suspected|recursion|wrong owner|wrong CPU|bad magic|already unlocked|cpu recursion) on CPU#(\d{1,5}), (.{1,16}?)\/(\d{1,10})(?![\d/])/;
const LOCK =
  /^lock: (?:0x)?([0-9a-f]{8,16})?[^,]{0,200}, \.magic: [0-9a-f]{8}, \.owner: (.{1,16}?)\/(-?\d{1,10}), \.owner_cpu: (-?\d{1,5})/;

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
    const lockup = m[1] === 'lockup suspected';
    let j = i + 1;
    const l = j < lines.length ? LOCK.exec(lines.trimmed(j)) : null;
    if (l) j++;
    const sp = span(lines, i, j);
    r.addTask({ ...task, state: 'R', cpu, frames: [], onCpu: true, span: sp, format: 'spinlock_debug' });
    if (lockup) {
      dmesgState(ctx).stuck.set(cpu, `spinlock lockup suspected (${m[3]}/${m[4]})`);
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
    announceCpu(ctx, cpu, j);
    if (l && l[1]) {
      const ownerPid = Number(l[3]);
      const owner = ownerPid > 0 ? { pid: ownerPid, comm: l[2], taskAddr: null } : null;
      const ownerCpu = Number(l[4]);
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
        addr: hexAddr(l[1]),
        type: 'spinlock',
        owner,
        waiters: lockup ? [task] : [],
        span: sp,
        format: 'spinlock_debug',
      });
    }
    return j;
  },
};
