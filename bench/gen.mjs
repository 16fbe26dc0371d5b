#!/usr/bin/env node
// Benchmark input generator: realistic large hang captures in the kernel's real formats.
//
//   node bench/gen.mjs [--sizes 1,10,50] [--kinds sysrq,crash,nmi,lockdep] [--out bench/out]
//
// Sizes are in MB (fractions allowed, e.g. 0.05 for a smoke run). Deterministic: a
// seeded PRNG, so the same command writes byte-identical files. Every kind is written
// at every size (12 files, ~250 MB, a few seconds).
//
// Kinds:
//   sysrq    dmesg `sysrq: Show State` (sched_show_task, 5.15 layout) for N tasks over
//            M CPUs: mixed states (S/D/R/I), a pool of shared stacks, kworkers with
//            `Workqueue:` lines, mutex chains (waiters in D on a lock held by another
//            D task), a planted ABBA cycle, then lockdep's `Showing all locks held in
//            the system:` that names holders and pending acquisitions.
//   crash    a crash session: `crash> foreach bt` (PID/TASK/CPU/COMMAND headers, `#n [sp]
//            fn at addr` frames, user-mode register blocks) for N tasks.
//   nmi      a dmesg with boot/driver noise, then a hard LOCKUP and
//            `Sending NMI from CPU 7 to CPUs …` with NMI backtraces for 512 CPUs
//            (idle ones skipped, others spinning on one lock), repeated lockup rounds
//            until the size is reached.
//   lockdep  `Showing all locks held in the system:` for many tasks (10,000 at ~3 MB),
//            old and new print_lock layouts mixed.
//
// Adversarial shapes (issue 20: the analyzer's speed must not depend on the shape):
//   blocked  a sysrq-t dump where ~60% of the tasks are in D (a storage- or NFS-wide
//            hang): I/O waits, NFS RPC waits and long mutex chains on a few locks.
//   stacks   a sysrq-t dump where every task's stack is distinct (100,000 at ~50 MB).
//   csd      `csd_lock_wait` on every CPU (512 by default): NMI backtraces of each CPU in
//            smp_call_function_many_cond, with the CSD lock watchdog's lines, in rounds.
//   held     lockdep's list where one task holds every lock (100,000 at ~8 MB): one
//            `N locks held by` header and N `#k:` lines.
//   deep     one task whose stack has 200,000 frames (runaway recursion), then ordinary
//            tasks to the size.
//
// Writes bench/out/<kind>-<size>mb.txt and bench/out/manifest.json (counts per file).

import { mkdirSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}

const SIZES = arg('sizes', '1,10,50')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const KINDS_ARG = arg('kinds', null);
const KINDS = (KINDS_ARG ?? 'sysrq,crash,nmi,lockdep,blocked,stacks,csd,held,deep').split(',');
const OUT = resolve(arg('out', join(here, 'out')));
const CPUS = Number(arg('cpus', '512'));

// ---- deterministic PRNG (mulberry32) ---------------------------------------------
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
let R = rng(1);
const pick = (arr) => arr[Math.floor(R() * arr.length)];
const int = (lo, hi) => lo + Math.floor(R() * (hi - lo + 1));
const hex = (n, w) => n.toString(16).padStart(w, '0');
const kaddr = () => 'ffff' + hex(0x8800 + int(0, 0x7ff), 4) + hex(Math.floor(R() * 0x100000000), 8);
const textAddr = () => 'ffffffff' + hex(0x81000000 + int(0, 0xffffff), 8);

// A buffered line writer with a size budget.
class Out {
  constructor(path) {
    this.fd = openSync(path, 'w');
    this.buf = [];
    this.len = 0;
    this.bytes = 0;
    this.lines = 0;
  }
  line(s) {
    this.buf.push(s);
    this.len += s.length + 1;
    this.lines++;
    if (this.len > 1 << 20) this.flush();
  }
  flush() {
    if (!this.buf.length) return;
    const s = this.buf.join('\n') + '\n';
    writeSync(this.fd, s);
    this.bytes += Buffer.byteLength(s);
    this.buf = [];
    this.len = 0;
  }
  get size() {
    return this.bytes + this.len;
  }
  close() {
    this.flush();
    closeSync(this.fd);
  }
}

// dmesg timestamps: monotonic, microsecond steps.
class Clock {
  constructor(start) {
    this.us = Math.round(start * 1e6);
  }
  ts() {
    this.us += int(1, 9);
    const s = Math.floor(this.us / 1e6);
    const frac = String(this.us % 1e6).padStart(6, '0');
    return `[${String(s).padStart(5, ' ')}.${frac}] `;
  }
}

// ---- stack templates (shared stacks: real sysrq-t dumps are mostly a few shapes) --
const fr = (fn, off, size, mod) => ({ fn, off, size, mod });
const SCHED = [fr('__schedule', 0x3f6, 0xa40), fr('schedule', 0x5b, 0xd0)];
const SYSCALL = [fr('do_syscall_64', 0x3b, 0x90), fr('entry_SYSCALL_64_after_hwframe', 0x61, 0xcb)];
const KTHREAD = [fr('kthread', 0x127, 0x150), fr('? set_kthread_struct', 0x50, 0x50), fr('ret_from_fork', 0x1f, 0x30)];
const SLEEP_STACKS = [
  {
    comm: ['systemd-journal', 'sshd', 'nginx', 'postgres', 'redis-server', 'java', 'python3', 'node', 'containerd'],
    user: true,
    frames: [
      ...SCHED,
      fr('schedule_hrtimeout_range_clock', 0x97, 0x110),
      fr('schedule_hrtimeout_range', 0x13, 0x20),
      fr('ep_poll', 0x3f4, 0x460),
      fr('do_epoll_wait', 0xb8, 0xd0),
      fr('__x64_sys_epoll_wait', 0x1e, 0x30),
      ...SYSCALL,
    ],
  },
  {
    comm: ['bash', 'sh', 'agetty', 'cron', 'dbus-daemon'],
    user: true,
    frames: [
      ...SCHED,
      fr('do_wait', 0x160, 0x2f0),
      fr('kernel_wait4', 0xa6, 0x140),
      fr('? thread_group_exited', 0x50, 0x50),
      fr('__do_sys_wait4', 0x8f, 0xa0),
      fr('__x64_sys_wait4', 0x1c, 0x20),
      ...SYSCALL,
    ],
  },
  {
    comm: ['java', 'python3', 'node', 'mysqld', 'qemu-system-x86'],
    user: true,
    frames: [
      ...SCHED,
      fr('futex_wait_queue_me', 0xbb, 0x120),
      fr('futex_wait', 0x105, 0x240),
      fr('do_futex', 0x10c, 0x4d0),
      fr('__x64_sys_futex', 0x7e, 0x1c0),
      ...SYSCALL,
    ],
  },
  {
    comm: ['sshd', 'rsyslogd', 'chronyd', 'sleep'],
    user: true,
    frames: [
      ...SCHED,
      fr('do_nanosleep', 0x93, 0x170),
      fr('hrtimer_nanosleep', 0x8f, 0x120),
      fr('? hrtimer_init_sleeper', 0x80, 0x80),
      fr('__x64_sys_nanosleep', 0x96, 0xd0),
      ...SYSCALL,
    ],
  },
  {
    comm: ['kcompactd0', 'kswapd0', 'khugepaged', 'oom_reaper'],
    user: false,
    frames: [
      ...SCHED,
      fr('kcompactd', 0x1d8, 0x220),
      fr('? finish_wait', 0x80, 0x80),
      fr('? kcompactd_do_work', 0x230, 0x230),
      ...KTHREAD,
    ],
  },
  {
    comm: ['ksoftirqd/%c', 'migration/%c', 'cpuhp/%c'],
    user: false,
    frames: [...SCHED, fr('smpboot_thread_fn', 0xe7, 0x170), fr('? sort_range', 0x30, 0x30), ...KTHREAD],
  },
];
const IDLE_WORKER = [...SCHED, fr('worker_thread', 0xb3, 0x3d0), fr('? process_one_work', 0x3a0, 0x3a0), ...KTHREAD];
const RUNNING = [
  fr('? __schedule', 0x3f6, 0xa40),
  fr('? sched_show_task', 0x14c, 0x170),
  fr('? show_state_filter', 0x62, 0xd0),
  fr('? sysrq_handle_showstate', 0x10, 0x20),
  fr('? __handle_sysrq', 0x9f, 0x170),
  fr('? write_sysrq_trigger', 0x34, 0x40),
  fr('? proc_reg_write', 0x3e, 0x60),
  fr('? vfs_write', 0xb1, 0x1a0),
  fr('? ksys_write', 0x5f, 0xe0),
  ...SYSCALL.map((f) => ({ ...f, fn: '? ' + f.fn })),
];
const NFS_WAIT = [
  ...SCHED,
  fr('rpc_wait_bit_killable', 0x1e, 0xa0),
  fr('__wait_on_bit', 0x31, 0xa0),
  fr('out_of_line_wait_on_bit', 0x91, 0xb0),
  fr('? var_wake_function', 0x30, 0x30),
  fr('__rpc_execute', 0x11b, 0x490, 'sunrpc'),
  fr('rpc_run_task', 0x15d, 0x1a0, 'sunrpc'),
  fr('nfs4_call_sync_sequence', 0x64, 0xa0, 'nfsv4'),
  fr('_nfs4_proc_getattr', 0xf6, 0x130, 'nfsv4'),
  fr('nfs4_proc_getattr', 0x6c, 0x100, 'nfsv4'),
  fr('__nfs_revalidate_inode', 0xaa, 0x2b0, 'nfs'),
  fr('nfs_getattr', 0x1b7, 0x2f0, 'nfs'),
  fr('vfs_statx', 0x89, 0x110),
  fr('__do_sys_newstat', 0x39, 0x70),
  fr('__x64_sys_newstat', 0x16, 0x20),
  ...SYSCALL,
];
const IO_WAIT = [
  ...SCHED,
  fr('io_schedule', 0x16, 0x40),
  fr('wait_on_page_bit_common', 0x11c, 0x3a0),
  fr('? file_fdatawait_range', 0x30, 0x30),
  fr('__filemap_fdatawait_range', 0xa9, 0x120),
  fr('file_write_and_wait_range', 0x72, 0xc0),
  fr('ext4_sync_file', 0x10c, 0x3c0),
  fr('vfs_fsync_range', 0x49, 0x80),
  fr('do_fsync', 0x3d, 0x70),
  fr('__x64_sys_fsync', 0x14, 0x20),
  ...SYSCALL,
];
// Lock sites of a fictional but kernel-shaped driver: each takes two of the driver's
// mutexes, the second one at a distinct call-site offset (that is how lockdep's held
// list tells the pending acquisition from the held lock).
const LOCK_SITES = [
  'acme_cfg_update',
  'acme_stats_read',
  'acme_reset_path',
  'acme_queue_flush',
  'acme_port_toggle',
  'acme_fw_poll',
];
function mutexWait(site, outer) {
  return [
    ...SCHED,
    fr('schedule_preempt_disabled', 0x15, 0x30),
    fr('__mutex_lock.constprop.0', 0x3f5, 0x7a0),
    fr('__mutex_lock_slowpath', 0x13, 0x20),
    fr('mutex_lock', 0x38, 0x50),
    fr(site, 0x8e, 0x170, 'acme'),
    fr(outer, 0x9d, 0x130, 'acme'),
    fr('__x64_sys_ioctl', 0x8e, 0xd0),
    ...SYSCALL,
  ];
}

function frameText(f) {
  return `${f.fn}+0x${f.off.toString(16)}/0x${f.size.toString(16)}${f.mod ? ` [${f.mod}]` : ''}`;
}

function userRegs(out, p) {
  out.line(`${p()} RIP: 0033:0x7f${hex(int(0, 0xfffffffff), 10)}`);
  out.line(
    `${p()} RSP: 002b:00007ffe${hex(int(0, 0xffffffff), 8)} EFLAGS: 00000246 ORIG_RAX: 00000000000000${hex(int(0, 0xff), 2)}`,
  );
  out.line(
    `${p()} RAX: ffffffffffffffda RBX: 000055d1${hex(int(0, 0xffffffff), 8)} RCX: 00007f${hex(int(0, 0xfffffffff), 10)}`,
  );
}

// ---- kind: sysrq-t dump --------------------------------------------------------------
function genSysrq(path, bytes, shape = {}) {
  R = rng(shape.seed ?? 0x5157);
  const out = new Out(path);
  const clk = new Clock(8812.331204);
  const p = () => clk.ts();
  const stats = { tasks: 0, cpus: CPUS, states: {}, lockWaiters: 0, lockHolders: 0, cycle: [], kworkers: 0 };
  // Boot-ish preamble.
  out.line(
    `${p()}Linux version 5.15.0-113-generic (buildd@lcy02-amd64-100) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0, GNU ld (GNU Binutils for Ubuntu) 2.38) #123-Ubuntu SMP Mon Jun 10 08:16:17 UTC 2024`,
  );
  out.line(`${p()}smpboot: Allowing ${CPUS} CPUs, 0 hotplug CPUs`);
  out.line(`${p()}sysrq: Show State`);
  out.line(`${p()}  task                        PC stack   pid father`);
  const held = []; // { pid, comm, locks: [{addr, name, at}] }
  const lockAddr = new Map();
  const lockOf = (name) => {
    if (!lockAddr.has(name)) lockAddr.set(name, 'ffff8881' + hex(0x05000000 + lockAddr.size * 0x1c8, 8));
    return lockAddr.get(name);
  };
  let pid = 1;
  // The planted ABBA cycle, placed after ~40% of the dump.
  const cycleAt = Math.floor(bytes * 0.4);
  let cycleDone = false;
  // Lock chains: every ~400 tasks, one holder in D (on I/O) and 3–12 waiters on its lock.
  let chainNo = 0;
  const emitTask = (comm, state, frames, opts = {}) => {
    const myPid = opts.pid ?? pid++;
    const ppid = opts.ppid ?? (comm.startsWith('kworker') || comm.includes('/') ? 2 : int(1, Math.max(1, myPid - 1)));
    const flags = comm.startsWith('kworker') || !opts.user ? '0x00004000' : '0x00000000';
    const running = state === 'R' ? ' running task    ' : '';
    out.line(
      `${p()}task:${comm.padEnd(15, ' ')} state:${state}${running} stack:    0 pid:${String(myPid).padStart(5, ' ')} ppid:${String(ppid).padStart(6, ' ')} flags:${flags}`,
    );
    if (opts.wq) out.line(`${p()}Workqueue: ${opts.wq}`);
    out.line(`${p()}Call Trace:`);
    out.line(`${p()} <TASK>`);
    for (const f of frames) out.line(`${p()} ${frameText(f)}`);
    if (opts.user) userRegs(out, p);
    out.line(`${p()} </TASK>`);
    stats.tasks++;
    stats.states[state] = (stats.states[state] ?? 0) + 1;
    return myPid;
  };
  while (out.size < bytes * 0.985) {
    if (!cycleDone && out.size >= cycleAt) {
      // T1 holds cfg_lock, waits io_lock; T2 holds io_lock, waits cfg_lock.
      const a = `&adev->cfg_lock`;
      const b = `&adev->io_lock`;
      const t1 = emitTask('acme-ctl', 'D', mutexWait('acme_cfg_update', 'acme_ioctl'), { user: true });
      const t2 = emitTask('acme-mon', 'D', mutexWait('acme_stats_read', 'acme_ioctl'), { user: true });
      held.push({
        pid: t1,
        comm: 'acme-ctl',
        locks: [
          { addr: lockOf(a), name: a, at: 'acme_cfg_update+0x31/0x170 [acme]' },
          { addr: lockOf(b), name: b, at: 'acme_cfg_update+0x8e/0x170 [acme]' },
        ],
      });
      held.push({
        pid: t2,
        comm: 'acme-mon',
        locks: [
          { addr: lockOf(b), name: b, at: 'acme_stats_read+0x31/0x170 [acme]' },
          { addr: lockOf(a), name: a, at: 'acme_stats_read+0x8e/0x170 [acme]' },
        ],
      });
      stats.cycle = [t1, t2];
      cycleDone = true;
      continue;
    }
    if (shape.blocked && R() < shape.blocked) {
      // A storage-wide hang: most tasks wait on I/O, on an NFS server, or on one of a few
      // driver mutexes whose holders wait on I/O themselves.
      const b = R();
      if (b < 0.45) emitTask(pick(['rsync', 'tar', 'dd', 'postgres', 'java']), 'D', IO_WAIT, { user: true });
      else if (b < 0.8) emitTask(pick(['ls', 'stat', 'find', 'du', 'bash', 'python3']), 'D', NFS_WAIT, { user: true });
      else {
        const k = int(0, 7);
        const name = `&sdev${k}->state_lock`;
        const site = LOCK_SITES[k % LOCK_SITES.length];
        const comm = pick(['acme-stat', 'collectd', 'node_exporter', 'acme-ctl']);
        const w = emitTask(comm, 'D', mutexWait(site, pick(['acme_ioctl', 'acme_sysfs_show'])), { user: true });
        if (!shape.holders.has(k)) {
          shape.holders.set(k, w);
          held.push({ pid: w, comm, locks: [{ addr: lockOf(name), name, at: `${site}+0x31/0x170 [acme]` }] });
          stats.lockHolders++;
        } else {
          held.push({ pid: w, comm, locks: [{ addr: lockOf(name), name, at: `${site}+0x8e/0x170 [acme]` }] });
          stats.lockWaiters++;
        }
      }
      continue;
    }
    if (shape.distinct) {
      // Every stack distinct: a few frames drawn from a large pool of driver functions and
      // one frame no other task has.
      const frames = [...SCHED];
      const n = int(1, 4);
      for (let k = 0; k < n; k++) frames.push(fr(`acme_fn_${int(0, 4999)}`, int(0x10, 0x400), 0x400, 'acme'));
      frames.push(fr(`acme_site_${pid}`, int(0x10, 0x400), 0x400, 'acme'));
      emitTask(pick(['acme-ctl', 'acme-agent', 'java', 'python3']), R() < 0.3 ? 'D' : 'S', frames);
      continue;
    }
    const r = R();
    if (r < 0.0025) {
      // A lock chain: holder blocked on I/O while holding the lock, then its waiters.
      const name = `&dev${chainNo}->state_lock`;
      chainNo++;
      const site = pick(LOCK_SITES);
      const hc = pick(['acme-ctl', 'acme-agent', 'udevd', 'fio']);
      const h = emitTask(hc, 'D', IO_WAIT, { user: true });
      held.push({ pid: h, comm: hc, locks: [{ addr: lockOf(name), name, at: `${site}+0x31/0x170 [acme]` }] });
      stats.lockHolders++;
      const n = int(3, 12);
      for (let k = 0; k < n; k++) {
        const comm = pick(['acme-stat', 'collectd', 'node_exporter', 'acme-ctl']);
        const w = emitTask(comm, 'D', mutexWait(site, pick(['acme_ioctl', 'acme_sysfs_show'])), { user: true });
        held.push({ pid: w, comm, locks: [{ addr: lockOf(name), name, at: `${site}+0x8e/0x170 [acme]` }] });
        stats.lockWaiters++;
      }
    } else if (r < 0.12) {
      const cpu = int(0, CPUS - 1);
      emitTask(`kworker/${cpu}:${int(0, 3)}${R() < 0.3 ? 'H' : ''}`, 'I', IDLE_WORKER);
      stats.kworkers++;
    } else if (r < 0.15) {
      const cpu = int(0, CPUS - 1);
      emitTask(
        `kworker/u${CPUS * 2}:${int(0, 40)}`,
        'D',
        [
          ...IO_WAIT.slice(0, 6),
          fr('writeback_sb_inodes', 0x1fc, 0x4a0),
          fr('__writeback_inodes_wb', 0x4c, 0xe0),
          fr('wb_writeback', 0x1d7, 0x290),
          fr('wb_workfn', 0x2a4, 0x4f0),
          fr('process_one_work', 0x1f4, 0x3c0),
          fr('worker_thread', 0x53, 0x3e0),
          ...KTHREAD,
        ],
        { wq: `writeback wb_workfn (flush-8:${cpu % 16})` },
      );
      stats.kworkers++;
    } else if (r < 0.155) {
      emitTask(pick(['stress-ng', 'gcc', 'cc1', 'ld']), 'R', RUNNING, { user: true });
    } else {
      const s = pick(SLEEP_STACKS);
      const comm = pick(s.comm).replace('%c', String(int(0, CPUS - 1)));
      emitTask(comm, 'S', s.frames, { user: s.user });
    }
  }
  // lockdep's list after the task dump (sysrq-d / debug_show_all_locks).
  out.line(`${p()}`);
  out.line(`${p()}Showing all locks held in the system:`);
  for (const h of held) {
    out.line(`${p()}${h.locks.length} lock${h.locks.length > 1 ? 's' : ''} held by ${h.comm}/${h.pid}:`);
    h.locks.forEach((l, k) => out.line(`${p()} #${k}: ${l.addr} (${l.name}){+.+.}-{3:3}, at: ${l.at}`));
  }
  out.line(`${p()}`);
  out.line(`${p()}=============================================`);
  out.close();
  return { ...stats, bytes: out.bytes, lines: out.lines, lockNames: lockAddr.size };
}

// ---- kind: crash `foreach bt` ------------------------------------------------------------
const siteAddrs = new Map();
/** The return address of `fn` when called from `caller`: stable for one generated kernel. */
function siteAddr(fn, caller) {
  const key = `${fn} ${caller}`;
  if (!siteAddrs.has(key)) siteAddrs.set(key, textAddr());
  return siteAddrs.get(key);
}

function genCrash(path, bytes) {
  R = rng(0xc4a5);
  const out = new Out(path);
  const stats = { tasks: 0, cpus: CPUS };
  out.line('crash> sys');
  out.line('      KERNEL: /usr/lib/debug/lib/modules/4.18.0-553.8.1.el8_10.x86_64/vmlinux');
  out.line('    DUMPFILE: /var/crash/127.0.0.1-2024-06-02-09:41:07/vmcore  [PARTIAL DUMP]');
  out.line(`        CPUS: ${CPUS}`);
  out.line('     RELEASE: 4.18.0-553.8.1.el8_10.x86_64');
  out.line('       PANIC: "sysrq: SysRq : Trigger a crash"');
  out.line('crash> foreach bt');
  let pid = 1;
  const bodies = [
    ...SLEEP_STACKS.map((s) => ({ frames: s.frames, user: s.user, comm: s.comm })),
    { frames: IDLE_WORKER, user: false, comm: ['kworker/%c:1'] },
    { frames: IO_WAIT, user: true, comm: ['rsync', 'tar', 'dd'] },
  ];
  while (out.size < bytes) {
    const b = pick(bodies);
    const comm = pick(b.comm).replace('%c', String(int(0, CPUS - 1)));
    out.line(
      `PID: ${String(pid).padEnd(6, ' ')} TASK: ${kaddr()}  CPU: ${String(int(0, CPUS - 1)).padEnd(3, ' ')} COMMAND: "${comm}"`,
    );
    pid += int(1, 3);
    const base = 'ffffb8a1' + hex(int(0, 0xffff), 4);
    let off = int(0x800, 0xc00);
    const frames = b.frames.filter((f) => !f.fn.startsWith('? '));
    frames.forEach((f, k) => {
      off += int(0x8, 0x90);
      // One kernel image: a return address is fixed by the function and its call site
      // (the caller), as in a real vmcore; stack addresses differ per task.
      out.line(
        `${k < 10 ? ' ' : ''}#${k} [${base}${hex(off, 4)}] ${f.fn} at ${siteAddr(f.fn, frames[k + 1]?.fn ?? '')}${f.mod ? ` [${f.mod}]` : ''}`,
      );
    });
    if (b.user) {
      out.line(
        `    RIP: 00007f${hex(int(0, 0xfffffffff), 10)}  RSP: 00007ffd${hex(int(0, 0xffffffff), 8)}  RFLAGS: 00000246`,
      );
      out.line(`    RAX: ffffffffffffffda  RBX: 0000000000000003  RCX: 00007f${hex(int(0, 0xfffffffff), 10)}`);
      out.line(`    ORIG_RAX: 00000000000000e8  CS: 0033  SS: 002b`);
    }
    out.line('');
    stats.tasks++;
  }
  out.line('crash> ');
  out.close();
  return { ...stats, bytes: out.bytes, lines: out.lines };
}

// ---- kind: hard lockup with NMI backtraces for all CPUs -----------------------------------
function genNmi(path, bytes) {
  R = rng(0x4e4d);
  const out = new Out(path);
  const clk = new Clock(3.1);
  const p = () => clk.ts();
  const stats = { cpus: CPUS, rounds: 0, backtraces: 0, skipped: 0, noiseLines: 0 };
  const rel = '5.15.0-113-generic #123-Ubuntu';
  const hw = 'Hardware name: Supermicro SYS-2049U-TR4/X11QPH+, BIOS 3.5 07/28/2022';
  const NOISE = [
    () => `e1000e 0000:00:1f.6 eno1: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx`,
    () => `EXT4-fs (dm-${int(0, 9)}): mounted filesystem with ordered data mode. Opts: (null). Quota mode: none.`,
    () =>
      `audit: type=1400 audit(${int(1700000000, 1700999999)}.${int(100, 999)}:${int(1, 9999)}): apparmor="STATUS" operation="profile_load" profile="unconfined" name="/usr/sbin/cupsd" pid=${int(100, 60000)} comm="apparmor_parser"`,
    () => `IPv6: ADDRCONF(NETDEV_CHANGE): veth${hex(int(0, 0xffffff), 7)}: link becomes ready`,
    () => `docker0: port ${int(1, 64)}(veth${hex(int(0, 0xffffff), 7)}) entered forwarding state`,
    () =>
      `TCP: request_sock_TCP: Possible SYN flooding on port ${int(1, 65535)}. Sending cookies.  Check SNMP counters.`,
    () => `nvme nvme${int(0, 7)}: ${int(8, 64)}/0/0 default/read/poll queues`,
    () =>
      `perf: interrupt took too long (${int(2500, 9000)} > ${int(2500, 9000)}), lowering kernel.perf_event_max_sample_rate to ${int(10000, 80000)}`,
  ];
  const noise = (n) => {
    for (let k = 0; k < n; k++) {
      out.line(`${p()}${pick(NOISE)()}`);
      stats.noiseLines++;
    }
  };
  out.line(
    `${p()}Linux version ${rel.split(' ')[0]} (buildd@lcy02-amd64-100) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0) ${rel.split(' ')[1]} SMP`,
  );
  out.line(`${p()}smpboot: Allowing ${CPUS} CPUs, 0 hotplug CPUs`);
  const spin = [
    fr('? nmi_cpu_backtrace.cold', 0x32, 0x69),
    fr('? nmi_cpu_backtrace_handler', 0x11, 0x20),
    fr('? nmi_handle', 0x5e, 0x120),
    fr('? default_do_nmi', 0x45, 0x120),
    fr('? exc_nmi', 0x112, 0x150),
    fr('? end_repeat_nmi', 0x16, 0x67),
    fr('? native_queued_spin_lock_slowpath', 0x6b, 0x2b0),
  ];
  const spinTask = [
    fr('_raw_spin_lock_irqsave', 0x3d, 0x50),
    fr('acme_tx_complete', 0x2c, 0x140, 'acme'),
    fr('acme_napi_poll', 0x1b2, 0x3a0, 'acme'),
    fr('__napi_poll', 0x2b, 0x1c0),
    fr('net_rx_action', 0x27d, 0x300),
    fr('__do_softirq', 0xd9, 0x2e7),
    fr('irq_exit_rcu', 0x8c, 0xb0),
    fr('common_interrupt', 0x8a, 0xa0),
  ];
  const lockAddr = 'ffff94b0' + hex(0x4c1d3a40, 8);
  const lockupRound = () => {
    const hot = int(0, CPUS - 1);
    out.line(`${p()}NMI watchdog: Watchdog detected hard LOCKUP on cpu ${hot}`);
    out.line(
      `${p()}Modules linked in: acme(OE) xt_conntrack nf_nat nf_conntrack bridge stp llc overlay nvme nvme_core e1000e`,
    );
    out.line(`${p()}CPU: ${hot} PID: ${int(1000, 60000)} Comm: acme-irq/${hot} Tainted: G           OE     ${rel}`);
    out.line(`${p()}${hw}`);
    out.line(`${p()}RIP: 0010:acme_hw_wait_idle+0x44/0x90 [acme]`);
    out.line(
      `${p()}Code: 48 8b 47 18 8b 00 a8 01 75 0b f3 90 48 8b 47 18 <8b> 00 a8 01 74 f5 c3 cc cc cc cc 0f 1f 44 00 00 55 48 89 e5 41 54`,
    );
    out.line(`${p()}RSP: 0018:ffffb8a1c3a6f968 EFLAGS: 00000046`);
    out.line(`${p()}RAX: 0000000000000000 RBX: ${lockAddr} RCX: 0000000000000000`);
    out.line(`${p()}RDX: 0000000000000000 RSI: 0000000000000001 RDI: ${lockAddr}`);
    out.line(`${p()}Call Trace:`);
    out.line(`${p()} <NMI>`);
    for (const f of [
      fr('? show_regs.cold', 0x1a, 0x1f),
      fr('? watchdog_overflow_callback.cold', 0x1e, 0x70),
      fr('? __perf_event_overflow', 0x57, 0x100),
      fr('? perf_event_nmi_handler', 0x2a, 0x50),
      fr('? nmi_handle', 0x5e, 0x120),
      fr('? acme_hw_wait_idle', 0x44, 0x90, 'acme'),
    ])
      out.line(`${p()} ${frameText(f)}`);
    out.line(`${p()} </NMI>`);
    out.line(`${p()} <TASK>`);
    for (const f of [
      fr('acme_hw_wait_idle', 0x44, 0x90, 'acme'),
      fr('acme_reset_ring', 0x81, 0x210, 'acme'),
      fr('acme_irq_thread', 0x1c4, 0x2e0, 'acme'),
      fr('irq_thread_fn', 0x20, 0x60),
      fr('irq_thread', 0xfc, 0x1b0),
      ...KTHREAD,
    ])
      out.line(`${p()} ${frameText(f)}`);
    out.line(`${p()} </TASK>`);
    out.line(
      `${p()}Sending NMI from CPU ${hot} to CPUs 0-${hot - 1 < 0 ? 0 : hot - 1}${hot + 1 < CPUS ? `,${hot + 1}-${CPUS - 1}` : ''}:`,
    );
    for (let c = 0; c < CPUS; c++) {
      if (c === hot) continue;
      if (R() < 0.35) {
        out.line(`${p()}NMI backtrace for cpu ${c} skipped: idling at intel_idle+0x68/0xc0`);
        stats.skipped++;
        continue;
      }
      stats.backtraces++;
      out.line(`${p()}NMI backtrace for cpu ${c}`);
      out.line(
        `${p()}CPU: ${c} PID: ${int(0, 60000)} Comm: ${pick(['nginx', 'swapper/' + c, 'ksoftirqd/' + c, 'java', 'acme-irq/' + c])} Tainted: G           OE     ${rel}`,
      );
      out.line(`${p()}${hw}`);
      out.line(`${p()}RIP: 0010:native_queued_spin_lock_slowpath+0x6b/0x2b0`);
      out.line(
        `${p()}Code: 0f ba 2b 08 0f 92 c2 8b 03 0f b6 d2 c1 e2 08 30 e4 09 d0 a9 00 01 ff ff 0f 85 e8 01 00 00 85 c0 74 0e 8b 03 84 c0 74 08 f3 90 <8b> 03 84 c0 75 f8 b8 01 00`,
      );
      out.line(`${p()}RSP: 0018:ffffb8a1${hex(int(0, 0xffffff), 8)} EFLAGS: 00000002`);
      out.line(`${p()}RAX: 0000000000000101 RBX: ${lockAddr} RCX: 0000000000000000`);
      out.line(`${p()}RDX: 0000000000000000 RSI: 0000000000000001 RDI: ${lockAddr}`);
      out.line(`${p()}Call Trace:`);
      out.line(`${p()} <NMI>`);
      for (const f of spin) out.line(`${p()} ${frameText(f)}`);
      out.line(`${p()} </NMI>`);
      out.line(`${p()} <IRQ>`);
      for (const f of spinTask) out.line(`${p()} ${frameText(f)}`);
      out.line(`${p()} </IRQ>`);
    }
    stats.rounds++;
  };
  noise(100);
  do {
    lockupRound();
    noise(Math.min(int(200, 2000), Math.max(0, Math.floor((bytes - out.size) / 120))));
  } while (out.size < bytes);
  out.line(`${p()}Kernel panic - not syncing: Hard LOCKUP`);
  out.close();
  return { ...stats, bytes: out.bytes, lines: out.lines };
}

// ---- kind: lockdep held-locks list -----------------------------------------------------------
function genLockdep(path, bytes) {
  R = rng(0x10cd);
  const out = new Out(path);
  const clk = new Clock(967.351421);
  const p = () => clk.ts();
  const stats = { tasks: 0, locks: 0, none: 0 };
  const classes = [
    '&type->s_umount_key#30',
    '&mm->mmap_lock',
    'sb_writers#3',
    '&sb->s_type->i_mutex_key#13',
    'rtnl_mutex',
    '&p->lock',
    '&of->mutex',
    'kn->active#4',
    'cgroup_mutex',
    'cpu_hotplug_lock',
    '(wq_completion)events',
    '(work_completion)(&(&dev->stats_work)->work)',
    'rcu_read_lock',
    '&rq->__lock',
    'jbd2_handle',
  ];
  const sites = [
    'do_remount_sb+0x3a/0x1d0',
    '__do_page_fault+0x103/0x4c0',
    'mnt_want_write+0x1c/0x50',
    'do_last+0x26d/0x8b0',
    'rtnl_lock+0x15/0x20',
    'seq_read_iter+0x59/0x4b0',
    'kernfs_seq_start+0x2a/0xb0',
    'kernfs_fop_read_iter+0x110/0x1c0',
    'cgroup_kn_lock_live+0x4f/0x110',
    'cpus_read_lock+0x10/0x20',
    'process_one_work+0x1c4/0x5b0',
    'process_one_work+0x1c4/0x5b0',
    'rcu_lock_acquire+0x0/0x30',
    'raw_spin_rq_lock_nested+0x1b/0x80',
    'start_this_handle+0xfb/0x520',
  ];
  const comms = [
    'kworker/%c:1',
    'systemd-udevd',
    'bash',
    'ip',
    'sshd',
    'postgres',
    'java',
    'kswapd0',
    'jbd2/dm-0-8',
    'containerd-shim',
    'node_exporter',
  ];
  out.line(`${p()}INFO: task mount:3127 blocked for more than 120 seconds.`);
  out.line(`${p()}      Not tainted 5.15.0-113-generic #123-Ubuntu`);
  out.line(`${p()}Showing all locks held in the system:`);
  let pid = 1;
  let old = false;
  while (out.size < bytes * 0.995) {
    const comm = pick(comms).replace('%c', String(int(0, CPUS - 1)));
    pid += int(1, 4);
    if (R() < 0.2) {
      out.line(`${p()}no locks held by ${comm}/${pid}.`);
      stats.none++;
      stats.tasks++;
      continue;
    }
    if (R() < 0.01) old = !old;
    const n = int(1, 4);
    out.line(`${p()}${n} lock${n > 1 ? 's' : ''} held by ${comm}/${pid}:`);
    for (let k = 0; k < n; k++) {
      const c = int(0, classes.length - 1);
      if (old) out.line(`${p()} #${k}:  (${classes[c]}){++++..}, at: [<${textAddr()}>] ${sites[c]}`);
      else out.line(`${p()} #${k}: ${kaddr()} (${classes[c]}){+.+.}-{3:3}, at: ${sites[c]}`);
      stats.locks++;
    }
    stats.tasks++;
  }
  out.line(`${p()}`);
  out.line(`${p()}=============================================`);
  out.close();
  return { ...stats, bytes: out.bytes, lines: out.lines };
}

// ---- adversarial shapes (issue 20) ---------------------------------------------------------
const genBlocked = (path, bytes) => genSysrq(path, bytes, { seed: 0xb10c, blocked: 0.6, holders: new Map() });
const genStacks = (path, bytes) => genSysrq(path, bytes, { seed: 0x57ac, distinct: true });

// Every CPU waits in csd_lock_wait for a cross-CPU call the target never runs.
function genCsd(path, bytes) {
  R = rng(0xc5d0);
  const out = new Out(path);
  const clk = new Clock(5021.7);
  const p = () => clk.ts();
  const stats = { cpus: CPUS, rounds: 0, backtraces: 0 };
  const rel = '5.15.0-113-generic #123-Ubuntu';
  const wait = [
    fr('smp_call_function_many_cond', 0x2d2, 0x380),
    fr('? flush_tlb_func', 0x1a0, 0x1a0),
    fr('on_each_cpu_cond_mask', 0x1e, 0x30),
    fr('flush_tlb_mm_range', 0x10c, 0x140),
    fr('ptep_clear_flush', 0x4d, 0x60),
    fr('wp_page_copy', 0x1b6, 0x6b0),
    fr('__handle_mm_fault', 0x5c3, 0x750),
    fr('handle_mm_fault', 0xd8, 0x2c0),
    fr('do_user_addr_fault', 0x1c2, 0x660),
    fr('exc_page_fault', 0x77, 0x170),
    fr('asm_exc_page_fault', 0x22, 0x30),
  ];
  out.line(`${p()}Linux version ${rel.split(' ')[0]} (buildd@lcy02-amd64-100) ${rel.split(' ')[1]} SMP`);
  out.line(`${p()}smpboot: Allowing ${CPUS} CPUs, 0 hotplug CPUs`);
  // The CPU that never answers stays the same across rounds, as on a real machine.
  const target = int(0, CPUS - 1);
  do {
    for (let c = 0; c < CPUS; c++) {
      if (c === target) continue;
      out.line(
        `${p()}smp: csd: Detected non-responsive CSD lock (#1) on CPU#${c}, waiting 5000000${int(100, 999)} ns for CPU#${String(target).padStart(2, '0')} flush_tlb_func+0x0/0x1a0(0xffffb8a1${hex(int(0, 0xffffff), 8)}).`,
      );
      out.line(`${p()}smp: csd: CSD lock (#1) unresponsive.`);
    }
    out.line(`${p()}watchdog: BUG: soft lockup - CPU#${int(0, CPUS - 1)} stuck for 22s! [java:${int(1000, 60000)}]`);
    out.line(`${p()}Sending NMI from CPU 0 to CPUs 1-${CPUS - 1}:`);
    for (let c = 0; c < CPUS; c++) {
      stats.backtraces++;
      out.line(`${p()}NMI backtrace for cpu ${c}`);
      out.line(`${p()}CPU: ${c} PID: ${int(1000, 60000)} Comm: java Tainted: G             L    ${rel}`);
      if (c === target) {
        out.line(`${p()}RIP: 0010:acme_hw_poll+0x3c/0x90 [acme]`);
        out.line(`${p()}Call Trace:`);
        out.line(`${p()} <IRQ>`);
        for (const f of [
          fr('acme_hw_poll', 0x3c, 0x90, 'acme'),
          fr('acme_irq', 0x81, 0x210, 'acme'),
          fr('__handle_irq_event_percpu', 0x3b, 0x190),
          fr('handle_irq_event', 0x39, 0x60),
          fr('handle_edge_irq', 0x8c, 0x230),
          fr('__common_interrupt', 0x43, 0xb0),
          fr('common_interrupt', 0x81, 0xa0),
        ])
          out.line(`${p()} ${frameText(f)}`);
        out.line(`${p()} </IRQ>`);
        continue;
      }
      out.line(`${p()}RIP: 0010:smp_call_function_many_cond+0x2d2/0x380`);
      out.line(`${p()}RSP: 0018:ffffb8a1${hex(int(0, 0xffffff), 8)} EFLAGS: 00000202`);
      out.line(`${p()}Call Trace:`);
      out.line(`${p()} <TASK>`);
      for (const f of wait) out.line(`${p()} ${frameText(f)}`);
      out.line(`${p()} </TASK>`);
    }
    stats.rounds++;
  } while (out.size < bytes);
  out.close();
  return { ...stats, bytes: out.bytes, lines: out.lines };
}

// One task holding every lock of the list.
function genHeld(path, bytes) {
  R = rng(0x4e1d);
  const out = new Out(path);
  const clk = new Clock(967.351421);
  const p = () => clk.ts();
  const perLine = 110;
  const n = Math.max(1, Math.floor(bytes / perLine));
  out.line(`${p()}INFO: task mount:3127 blocked for more than 120 seconds.`);
  out.line(`${p()}      Not tainted 5.15.0-113-generic #123-Ubuntu`);
  out.line(`${p()}Showing all locks held in the system:`);
  out.line(`${p()}${n} locks held by acme-fuzz/4242:`);
  for (let k = 0; k < n; k++)
    out.line(
      `${p()} #${k}: ${kaddr()} (&adev->ring_lock#${k % 997}){+.+.}-{3:3}, at: acme_ring_lock+0x${hex(int(0x10, 0x300), 2)}/0x300 [acme]`,
    );
  out.line(`${p()}`);
  out.line(`${p()}=============================================`);
  out.close();
  return { locks: n, bytes: out.bytes, lines: out.lines };
}

// One task whose stack never ends (runaway recursion), then ordinary sleeping tasks.
function genDeep(path, bytes) {
  R = rng(0xdee9);
  const out = new Out(path);
  const clk = new Clock(77.1);
  const p = () => clk.ts();
  const depth = Math.min(200_000, Math.max(1000, Math.floor((bytes * 0.9) / 50)));
  out.line(`${p()}sysrq: Show State`);
  out.line(`${p()}task:acme-walk       state:D stack:    0 pid: 4242 ppid:     1 flags:0x00004000`);
  out.line(`${p()}Call Trace:`);
  out.line(`${p()} <TASK>`);
  out.line(`${p()} __schedule+0x3f6/0xa40`);
  out.line(`${p()} schedule+0x5b/0xd0`);
  for (let k = 0; k < depth; k++) out.line(`${p()} acme_walk_node+0x${hex(0x40 + (k % 3) * 0x10, 2)}/0x200 [acme]`);
  out.line(`${p()} </TASK>`);
  let pid = 5000;
  while (out.size < bytes) {
    const s = pick(SLEEP_STACKS);
    out.line(
      `${p()}task:${pick(s.comm)
        .replace('%c', String(int(0, CPUS - 1)))
        .padEnd(15, ' ')} state:S stack:    0 pid:${String(pid++).padStart(5, ' ')} ppid:     1 flags:0x00000000`,
    );
    out.line(`${p()}Call Trace:`);
    out.line(`${p()} <TASK>`);
    for (const f of s.frames) out.line(`${p()} ${frameText(f)}`);
    out.line(`${p()} </TASK>`);
  }
  out.close();
  return { depth, bytes: out.bytes, lines: out.lines };
}

const GEN = {
  sysrq: genSysrq,
  crash: genCrash,
  nmi: genNmi,
  lockdep: genLockdep,
  blocked: genBlocked,
  stacks: genStacks,
  csd: genCsd,
  held: genHeld,
  deep: genDeep,
};

mkdirSync(OUT, { recursive: true });
let manifest = {};
try {
  manifest = JSON.parse((await import('node:fs')).readFileSync(join(OUT, 'manifest.json'), 'utf8'));
} catch {
  manifest = {};
}
for (const size of SIZES) {
  for (const kind of KINDS) {
    if (!GEN[kind]) throw new Error(`unknown kind ${kind}`);
    const name = `${kind}-${size}mb.txt`;
    const t0 = performance.now();
    const stats = GEN[kind](join(OUT, name), Math.round(size * 1024 * 1024));
    manifest[name] = { kind, sizeMB: size, ...stats };
    console.log(
      `${name.padEnd(22)} ${(stats.bytes / 1048576).toFixed(1).padStart(6)} MB  ${String(stats.lines).padStart(9)} lines  ${((performance.now() - t0) / 1000).toFixed(1)} s  ${JSON.stringify(Object.fromEntries(Object.entries(stats).filter(([k]) => !['bytes', 'lines'].includes(k) && typeof stats[k] !== 'object')))}`,
    );
  }
}
writeFileSync(join(OUT, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
