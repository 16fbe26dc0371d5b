// Titles in syzkaller's naming (google/syzkaller pkg/report/linux.go + report.go), so a
// hang found here carries the name syzbot files it under.
//
// The kernel knowledge is data: REPORTS lists the report kinds (header regex, title
// format, alternative title, which stack region to read and which frames to skip);
// FRAME_SKIP is syzkaller's global skip list. The engine (`titleFor`) walks a region
// the way syzkaller's extractStackFrameImpl does: each `line` part finds the next line
// matching its regex (taking its captured function as a frame), each `trace` part takes
// frame lines until the next `Call Trace`-like line. Skipped frames are dropped; the
// extractor then picks the frame (default: the first).

import type { Kind } from '../contract.js';
import type { Records } from '../parse/records.js';
import type { LineTable } from '../text/lines.js';

type Part = { trace: true } | { re: RegExp };
type Extractor = (frames: string[]) => string | null;

interface ReportRule {
  kind: Exclude<Kind, 'blocked_tasks' | 'unknown'>;
  header: RegExp;
  /** Title with `%` for the frame; without `%` the title takes no frame. */
  fmt: string;
  /** syzkaller's `alt` format (`stall in %`). */
  alt?: string;
  parts?: Part[];
  /** Tried when `parts` yields no frame (syzkaller's parts2). */
  parts2?: Part[];
  skip?: string[];
  /** The captured frame is taken as is (syzkaller `report:` regexes, no skip list). */
  noSkip?: boolean;
  /** A report that a watchdog report of the same kind, when the text has one, names
   *  better (a CSD-lock timeout before the soft lockup it turns into). */
  weak?: boolean;
  extractor?: Extractor;
}

// syzkaller's {{FUNC}} and {{PC}}.
const FUNC = String.raw`([a-zA-Z0-9_]{1,128})(?:\.|\+)`;
const PC = String.raw`\[<?(?:0x)?[0-9a-f]{1,16}>?\]`;
const TRACE: Part = { trace: true };
const line = (re: string): Part => ({ re: new RegExp(re) });
/** linuxRipFrame: `RIP: 0010:fn+`, `IP: [<…>] fn+`, `pc : fn+`, `PC is at fn+`, `NIP […] fn+`. */
const RIP = line(String.raw`(?:IP|NIP|pc |PC is at):? (?:(?:[0-9]{1,4}:)?(?:${PC} {1,4}){0,2}${FUNC}|(?:[0-9]{1,4}:)?0x[0-9a-f]{1,16})`);
const CALL_TRACE = line(String.raw`Call (?:T|t)race:|Backtrace:`);
const WHICH_BECAME = line(String.raw`which became .{1,64} at:`);
const AT_FUNC = line(String.raw`at: (?:${PC} {1,4})?${FUNC}`);
/** linuxStackParams.stackStartRes: a new stack starts (ends a `trace` part). */
const STACK_START = /Call (?:T|t)race|Allocated:|Allocated by task \d|Freed:|Freed by task \d|[^k] backtrace(?: \(crc [0-9a-f]*\))?:|Backtrace:/;
/** linuxStackParams.frameRes. */
const FRAME = new RegExp(String.raw`^ {0,16}(?:${PC} ){0,2}${FUNC}`);
/** The arm frame style: `[<80117f44>] (fn) from [<80de347c>] (caller+0xe4/0x138)` names two frames. */
const FRAME_ARM = new RegExp(String.raw`^ {0,16}${PC} \(([a-zA-Z0-9_.]{1,128})\) from ${PC} \(${FUNC}`);
/** Lines syzkaller drops as questionable (`? fn+0x…/0x…`, unreliable frames). */
const QUESTIONABLE = new RegExp(String.raw`^(?:${PC} )?\? {1,4}[a-zA-Z0-9_.]{1,128}\+0x[0-9a-f]{1,8}/`);

// linuxStackParams.skipPatterns: generic frames never named in a title.
const FRAME_SKIP = [
  '__sanitizer', '__asan', 'kasan', 'hwasan', '__msan', 'kmsan', 'kcsan_setup_watchpoint', 'check_memory_region',
  'check_heap_object', 'check_object', 'read_word_at_a_time', '(read|write)_once_.*nocheck', 'print_address_description',
  'panic', 'invalid_op', 'report_bug', 'fixup_bug', 'print_report', 'print_usage_bug', 'do_error', '_trap$|do_trap',
  'show_stack', 'dump_stack', 'walk_stack', 'dump_backtrace', 'warn_slowpath', 'warn_alloc', 'warn_bogus', '__warn',
  'alloc_page', 'k?v?(?:m|z|c)alloc', 'krealloc', 'kmem_cache', 'allocate_slab', '__alloc_frozen_pages_noprof',
  'folio_(?:alloc|unlock)', 'filemap_alloc_folio', '__filemap_get_folio', 'find_or_create_page', 'do_read_cache_folio',
  'read_cache_page', 'pagecache_get_page', 'grab_cache_page_write_begin', 'slab_', 'debug_object', 'timer_is_static_object',
  'work_is_static_object', '__might_fault', 'print_unlock', 'imbalance_bug', 'lockdep', 'bh_enable', 'bh_disable',
  'perf_trace', 'lock_acquire', 'lock_release', 'lock_class', 'mark_lock', '(reacquire|mark)_held_locks', 'raw_spin_rq',
  'spin_lock', 'spin_trylock', 'spin_unlock', 'read_lock', 'read_trylock', 'write_lock', 'write_trylock', 'read_unlock',
  'write_unlock', '^down$', 'down_read', 'down_write', 'down_read_trylock', 'down_write_trylock', 'down_trylock', 'up_read',
  'up_write', '^mutex_', '^__mutex_', '^rt_mutex_', 'owner_on_cpu', 'osq_lock', 'osq_unlock',
  'atomic(64)?_(dec|inc|read|set|or|xor|and|add|sub|fetch|xchg|cmpxchg|try)', '(set|clear|change|test)_bit', '__wake_up',
  '^refcount_', '^kref_', 'ref_tracker', 'seqprop_assert', 'memcpy', 'memcmp', 'memset', 'memchr', 'memmove', 'memdup',
  'strcmp', 'strncmp', 'strcpy', 'strlcpy', 'strncpy', 'strscpy', 'strlen', 'strstr', 'strnstr', 'strnlen', 'strchr',
  'strdup', 'strndup', 'copy_to_user', 'copy_from_user', 'copy_to_iter', 'copy_from_iter', 'copy_page_to_iter',
  'copy_page_from_iter', 'copy_folio_to_iter', '^copyin$', '^copyout$', 'put_user', 'get_user', 'might_fault', 'might_sleep',
  'list_add', 'list_del', 'list_replace', 'list_move', 'list_splice', '^rb_', '^__rb_', '_indirect_thunk_', 'string',
  'pointer', 'snprintf', 'scnprintf', 'kasprintf', 'kvasprintf', 'printk', 'va_format', 'dev_info', 'dev_notice', 'dev_warn',
  'dev_err', 'dev_alert', 'dev_crit', 'dev_emerg', 'program_check_exception', 'program_check_common', 'del_timer',
  'flush_work', '__cancel_work_timer', 'cancel_work_sync', 'try_to_grab_pending', 'flush_workqueue', 'drain_workqueue',
  'destroy_workqueue', 'queue_work', 'finish_wait', 'kthread_stop', 'kobject_', 'add_uevent_var', 'get_device_parent',
  'device_add', 'device_del', 'device_unregister', 'device_destroy', 'device_release', 'devres_release_all',
  'hwrng_unregister', 'i2c_del_adapter', '__unregister_client', 'device_for_each_child', 'rollback_registered',
  'unregister_netdev', 'sysfs_remove', 'device_remove_file', 'tty_unregister_device', 'dummy_urb_enqueue', 'usb_kill_urb',
  'usb_kill_anchored_urbs', 'usb_control_msg', 'usb_hcd_submit_urb', 'usb_submit_urb', '^complete$', 'wait_for_completion',
  '^kv?free$', 'kfree_skb', 'readb$', 'readw$', 'readl$', 'readq$', 'writeb$', 'writew$', 'writel$', 'writeq$', 'logic_in',
  'logic_out', '^crc\\d+', 'crc_itu_t', '__might_resched', 'assertfail', '^iput$', '^iput_final$', '^ihold$',
  'hex_dump_to_buffer', 'print_hex_dump', '^klist_', '(trace|lockdep)_(hard|soft)irq', '^(un)?lock_page',
  'stack_trace_consume_entry', 'arch_stack_walk', 'stack_trace_save', 'insert_work', '__queue_delayed_work',
  'queue_delayed_work_on', 'ida_free', 'do_(kernel|translation)_fault', 'do_mem_abort', 'el1_abort',
  'el1h_64_sync(?:_handler)?', 'print_tainted', 'xas_(?:start|load|find)', 'find_lock_entries', 'truncate_inode_pages_range',
  '__phys_addr', '__fortify_report', 'cleanup_srcu_struct', 'rhashtable_lookup', 'extract_(user|iter)_to_sg', 'drop_nlink',
  '^get_taint$', '^put_device$', 'lock_timer_base', '__timer_delete_sync', 'sk_stop_timer_sync', '__mod_timer', 'fast_dput',
  'dput',
];

// linuxStackParams.stripFramePrefixes: syscall wrappers name the syscall (first match strips).
const STRIP_PREFIXES = ['SYSC_', 'SyS_', 'sys_', '__x64_', '__ia32_', '__arm64_', '____sys_', '___sys_', '__sys_', '__se_', '__se_sys_', '__do_sys_', 'compat_SYSC_', 'compat_SyS_', 'ksys_'];

// linuxStallAnchorFrames: where a stall's representative frame is found (the frame
// printed just before the first anchor: the syscall, work item, timer or fop callback).
export const STALL_ANCHORS = [
  'process_one_work', 'do_syscall_', 'do_fast_syscall_', 'sysenter_dispatch', 'tracesys_phase2', 'el0_svc_handler',
  'invoke_syscall', 'ret_fast_syscall', 'netif_receive_skb', 'do_softirq', 'call_timer_fn', '_run_timers',
  'run_timer_softirq', 'hrtimer_run', 'run_ksoftirqd', 'smpboot_thread_fn', '^kthread$', 'start_secondary',
  'cpu_startup_entry', 'ret_from_fork', 'vfs_write', 'vfs_read', 'vfs_iter_read', 'vfs_iter_write', 'do_iter_read',
  'do_iter_write', 'call_read_iter', 'call_write_iter', 'new_sync_read', 'new_sync_write', 'vfs_ioctl', 'ksys_ioctl',
  'compat_ioctl', 'compat_sys_ioctl', 'blkdev_driver_ioctl', 'blkdev_ioctl', '^call_read_iter', '^call_write_iter',
  'do_iter_readv_writev', '^call_mmap', 'mmap_region', 'do_mmap', 'do_dentry_open', 'vfs_open', '^sock_sendmsg',
  '^sock_recvmsg', '^sock_release', '^__sock_release', '^setsockopt$', 'kernel_setsockopt', 'sock_common_setsockopt',
  '^listen$', 'kernel_listen', 'sk_common_release', '^sock_mmap', '^accept$', 'kernel_accept', '^sock_do_ioctl',
  '^sock_ioctl', '^compat_sock_ioctl', '^nfnetlink_rcv_msg', '^rtnetlink_rcv_msg', '^netlink_dump',
  '^(sys_)?(socketpair|connect|ioctl)', '__do_fault', 'do_page_fault', '^page_fault$', '__fput', 'task_work_run',
  'exit_to_usermode', 'smp_call_function', 'tasklet_action', 'tasklet_hi_action',
].map((s) => new RegExp(s));

/** linuxStallFrameExtractor: the frame before the first anchor (smp_call_function itself). */
const stallFrame: Extractor = (frames) => {
  let prev = frames[0];
  for (const f of frames) {
    if (STALL_ANCHORS.some((re) => re.test(f))) return f.includes('smp_call_function') ? `smp_call_function${RAW_MARK}${f}` : prev;
    prev = f;
  }
  return null;
};

// linuxHangTaskFrameExtractor: hangs on RCU grace periods and rtnl_lock are grouped
// under one name; otherwise the first frame that is not a generic wait/lock function.
const HANG_ANCHORS: [string, string | null][] = [
  ['rtnl_lock', null],
  ['synchronize_rcu', 'synchronize_rcu'],
  ['synchronize_srcu', 'synchronize_rcu'],
  ['synchronize_net', 'synchronize_rcu'],
  ['synchronize_sched', 'synchronize_rcu'],
];
const HANG_SKIP = ['sched', '_lock', '_slowlock', 'down', 'rwsem', 'completion', 'kthread', 'wait', 'synchronize', 'context_switch', '__switch_to', 'cancel_delayed_work', 'rcu_barrier'];
const hangFrame: Extractor = (frames) => {
  for (const f of frames) {
    for (const [anchor, repl] of HANG_ANCHORS) if (f.includes(anchor)) return repl && repl !== f ? `${repl}${RAW_MARK}${f}` : f;
  }
  return frames.find((f) => !HANG_SKIP.some((s) => f.includes(s))) ?? null;
};
/** Separates a canonical frame from the raw one it replaced (for alt titles). */
const RAW_MARK = '\u0000';

const DEADLOCK_AT = (trigger: string): Part[] => [line(trigger), AT_FUNC];

/** The report kinds, in syzkaller's table order. */
export const REPORTS: ReportRule[] = [
  // "INFO:" group
  { kind: 'deadlock', header: /INFO: possible circular locking dependency detected/, fmt: 'possible deadlock in %', parts: DEADLOCK_AT('is trying to acquire lock'), noSkip: true },
  { kind: 'deadlock', header: /INFO: possible irq lock inversion dependency detected/, fmt: 'possible deadlock in %', parts: DEADLOCK_AT('just changed the state of lock'), noSkip: true },
  { kind: 'deadlock', header: /INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected/, fmt: 'possible deadlock in %', parts: DEADLOCK_AT('is trying to acquire'), noSkip: true },
  { kind: 'deadlock', header: /INFO: possible recursive locking detected/, fmt: 'possible deadlock in %', parts: DEADLOCK_AT('is trying to acquire lock'), noSkip: true },
  { kind: 'deadlock', header: /INFO: inconsistent lock state/, fmt: 'inconsistent lock state in %', parts: DEADLOCK_AT('takes'), noSkip: true },
  {
    kind: 'rcu_stall',
    header: /INFO: rcu_(?:preempt|sched|bh) (?:self-)?detected(?: expedited)? stall/,
    fmt: 'INFO: rcu detected stall in %',
    alt: 'stall in %',
    parts: [line('apic_timer_interrupt'), RIP, TRACE],
    parts2: [line('(?:apic_timer_interrupt|Exception stack|el1h_64_irq)'), TRACE],
    skip: ['apic_timer_interrupt', 'rcu'],
    extractor: stallFrame,
  },
  { kind: 'hung_task', header: /INFO: task .{0,64} blocked (?:in I\/O wait )?for more than \d{1,10} seconds/, fmt: 'INFO: task hung in %', alt: 'hang in %', parts: [CALL_TRACE, TRACE], extractor: hangFrame },
  { kind: 'hung_task', header: /INFO: task .{0,64} can't die for more than .{0,20} seconds/, fmt: "INFO: task can't die in %", alt: 'hang in %', parts: [CALL_TRACE, TRACE], skip: ['schedule'] },
  // "BUG:" group
  { kind: 'soft_lockup', header: /BUG: soft lockup/, fmt: 'BUG: soft lockup in %', alt: 'stall in %', parts: [RIP, CALL_TRACE, TRACE], extractor: stallFrame },
  { kind: 'workqueue_lockup', header: /BUG: workqueue lockup/, fmt: 'BUG: workqueue lockup' },
  // "WARNING:" group
  { kind: 'deadlock', header: /WARNING: possible circular locking dependency detected/, fmt: 'possible deadlock in %', parts: [AT_FUNC, AT_FUNC, TRACE], skip: ['process_one_work', 'flush_workqueue', 'drain_workqueue', 'destroy_workqueue'] },
  { kind: 'deadlock', header: /WARNING: possible irq lock inversion dependency detected/, fmt: 'possible deadlock in %', parts: DEADLOCK_AT('just changed the state of lock'), noSkip: true },
  { kind: 'deadlock', header: /WARNING: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected/, fmt: 'possible deadlock in %', parts: DEADLOCK_AT('is trying to acquire'), noSkip: true },
  // Newer kernels' `HARDIRQ-safe -> HARDIRQ-unsafe`: named after where the lock became
  // irq-safe (the first `which became …-safe at:` trace), not the reporting stack — that
  // one is lockdep's own (check_irq_usage, print_bad_irq_dependency).
  { kind: 'deadlock', header: /WARNING: (?:HARDIRQ|SOFTIRQ)-(?:READ-)?safe -> (?:HARDIRQ|SOFTIRQ)-(?:READ-)?unsafe lock order detected/, fmt: 'possible deadlock in %', parts: [WHICH_BECAME, TRACE] },
  { kind: 'deadlock', header: /WARNING: possible recursive locking detected/, fmt: 'possible deadlock in %', parts: DEADLOCK_AT('is trying to acquire lock'), noSkip: true },
  { kind: 'deadlock', header: /WARNING: inconsistent lock state/, fmt: 'inconsistent lock state in %', parts: DEADLOCK_AT('takes'), noSkip: true },
  // Hard lockups have no syzkaller title of their own; named like soft lockups.
  { kind: 'hard_lockup', header: /Watchdog detected hard LOCKUP on cpu/, fmt: 'BUG: hard lockup in %', alt: 'stall in %', parts: [RIP, CALL_TRACE, TRACE], extractor: stallFrame },
  // powerpc's own hard-lockup headlines (arch/powerpc/kernel/watchdog.c).
  { kind: 'hard_lockup', header: /CPU \d{1,5} self-detected hard LOCKUP @ |CPU \d{1,5} detected hard LOCKUP on other CPUs/, fmt: 'BUG: hard lockup in %', alt: 'stall in %', parts: [RIP, CALL_TRACE, TRACE], extractor: stallFrame },
  // kernel/smp.c csd_lock_wait_toolong (CONFIG_CSD_LOCK_WAIT_DEBUG): a CPU spinning for
  // another CPU to run a cross-CPU call; named after the call that is not run. No
  // syzkaller title of its own.
  { kind: 'soft_lockup', header: /csd: Detected non-responsive CSD lock/, fmt: 'csd: non-responsive CSD lock in %', alt: 'stall in %', parts: [line(String.raw`waiting \d{1,20} ns for CPU#\d{1,5} ${FUNC}`)], noSkip: true, weak: true },
];

const SKIP_ALL = FRAME_SKIP.map((s) => new RegExp(s));

/** syzkaller's stripFrames: the shortest of the frame with one syscall-wrapper prefix removed. */
function stripPrefix(fn: string): string {
  let out = fn;
  for (const p of STRIP_PREFIXES) if (fn.startsWith(p) && fn.length > p.length && fn.length - p.length < out.length) out = fn.slice(p.length);
  return out;
}

/**
 * A C++ (Itanium ABI) symbol's function name without its parameters, as syzkaller's
 * demangle.Filter(NoParams) gives it: `_Z8fakeNameiii` → `fakeName`, `_ZN3foo3barEv` →
 * `foo::bar`. Anything else, or a mangling beyond plain names, is returned as it is.
 */
export function demangledName(fn: string): string {
  if (!fn.startsWith('_Z')) return fn;
  let p = 2;
  const nested = fn[p] === 'N';
  if (nested) p++;
  const names: string[] = [];
  while (p < fn.length) {
    const m = /^[1-9]\d{0,3}/.exec(fn.slice(p, p + 4));
    if (!m) break;
    const len = Number(m[0]);
    p += m[0].length;
    if (p + len > fn.length) return fn;
    names.push(fn.slice(p, p + len));
    p += len;
    if (!nested) break;
  }
  if (names.length === 0 || (nested && fn[p] !== 'E')) return fn;
  return names.join('::');
}

/** Walk `parts` over `text` (the report's lines) like extractStackFrameImpl; return raw frames. */
function collectFrames(text: string[], parts: Part[], skip: RegExp[]): string[] {
  const frames: string[] = [];
  const keep = (raw: string | undefined) => {
    const f = raw && demangledName(raw);
    if (f && !skip.some((re) => re.test(f))) frames.push(f);
  };
  let k = 0;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p];
    if ('trace' in part) {
      for (; k < text.length; k++) {
        const ln = text[k];
        if (STACK_START.test(ln)) {
          k++;
          break;
        }
        const next = parts[p + 1];
        if (next && 're' in next) {
          const m = next.re.exec(ln);
          if (m) {
            keep(m[1]);
            p++;
            k++;
            break;
          }
        }
        const m = FRAME.exec(ln);
        if (m) keep(m[1]);
        else {
          const a = FRAME_ARM.exec(ln);
          if (a) {
            keep(a[1]);
            keep(a[2]);
          }
        }
      }
    } else {
      for (; k < text.length; k++) {
        const m = part.re.exec(text[k]);
        if (m) {
          keep(m[1]);
          k++;
          break;
        }
      }
    }
  }
  return frames;
}

/**
 * The report's frame: `named` as the title gives it, `raw` as printed (for alt titles).
 * Like syzkaller, the extractor sees the frames with their syscall-wrapper prefixes
 * stripped (so `compat_SyS_ioctl` is the `ioctl` stall anchor).
 */
function frameFor(rule: ReportRule, text: string[]): { named: string; raw: string } | null {
  if (!rule.parts) return null;
  const skip = rule.noSkip ? [] : [...SKIP_ALL, ...(rule.skip ?? []).map((s) => new RegExp(s))];
  const extract = rule.extractor ?? ((f: string[]) => f[0] ?? null);
  for (const parts of [rule.parts, rule.parts2]) {
    if (!parts) continue;
    const frames = collectFrames(text, parts, skip);
    const stripped = frames.map(stripPrefix);
    const f = stripped.length ? extract(stripped) : null;
    if (!f) continue;
    // An extractor that renamed its frame (`synchronize_rcu` for `synchronize_rcu_expedited`) marks the one it picked.
    const [named, picked] = f.includes(RAW_MARK) ? f.split(RAW_MARK) : [f, f];
    const at = stripped.indexOf(picked);
    return { named, raw: at >= 0 ? frames[at] : picked };
  }
  return null;
}

/** Words one of which every REPORTS header contains (checked by a test). */
export const HEADER_WORDS = ['INFO:', 'BUG:', 'WARNING:', 'LOCKUP', 'CSD lock'];

/**
 * Which report kind decides a text that holds several: the one that stopped the machine.
 * The panic says so when printed (`Kernel panic - not syncing: Hard LOCKUP` after the RCU
 * stall it ended); else a CPU that locked up explains an RCU stall, which explains hung
 * tasks, which explain a stuck workqueue (and lockdep's report names the deadlock itself).
 */
export const KIND_PRIORITY: Exclude<Kind, 'blocked_tasks' | 'unknown'>[] = ['deadlock', 'hard_lockup', 'soft_lockup', 'rcu_stall', 'hung_task', 'workqueue_lockup'];

export function decisiveKind<K extends Kind>(present: Iterable<K>, panicKind: Kind | null | undefined): K | null {
  const set = new Set<Kind>(present);
  if (panicKind && set.has(panicKind)) return panicKind as K;
  for (const k of KIND_PRIORITY) if (set.has(k)) return k as K;
  return null;
}

export interface OtherReport {
  kind: Kind;
  title: string;
  /** Its header's line in the input (1-based). */
  line: number;
}

/** Lines of the report, as syzkaller sees them: from the header on, questionable frames dropped. */
function reportText(lines: LineTable, from: number, maxLines = 2000): string[] {
  const out: string[] = [];
  // With printk caller ids, a report's lines carry its context ([T123] or [C5]): lines of
  // other contexts are other CPUs' or tasks' output interleaved on the console.
  const ctx = lines.caller(from);
  for (let i = from; i < lines.length && out.length < maxLines; i++) {
    if (ctx && lines.caller(i) && lines.caller(i) !== ctx) continue;
    const t = lines.trimmed(i);
    if (QUESTIONABLE.test(t) && !t.includes('<EOI>')) continue;
    // powerpc marks the same doubt after the frame: a first frame from a stale link register.
    if (t.endsWith(' (unreliable)')) continue;
    out.push(lines.text(i));
  }
  return out;
}

export function computeTitle(lines: LineTable, records: Records): { title: string; altTitles: string[]; kind: Kind; others: OtherReport[] } | null {
  // The first header of each report rule, in text order. The text is read here rather
  // than through the records so the title follows syzkaller's own line-level rules even
  // where our parsers read a damaged report differently. Which report names the text is
  // then the one that stopped the machine (decisiveKind); syzkaller takes the first,
  // which is the same report whenever one report led to the next.
  const firstOf = new Map<ReportRule, number>();
  // Every header holds one of these words: only the lines that do are read.
  for (const i of lines.linesContaining(HEADER_WORDS)) {
    const t = lines.trimmed(i);
    if (t.length < 10) continue;
    let rule = REPORTS.find((r) => r.header.test(t));
    // A task name holding a newline splits the headline: read it joined with the next line.
    if (!rule && i + 1 < lines.length && t.length < 40) {
      const joined = t + ' ' + lines.trimmed(i + 1);
      rule = REPORTS.find((r) => r.header.test(joined));
    }
    if (rule && !firstOf.has(rule)) {
      firstOf.set(rule, i);
      if (firstOf.size === REPORTS.length) break;
    }
  }
  if (firstOf.size === 0) return null;
  const kind = decisiveKind([...firstOf.keys()].map((r) => r.kind), records.panic?.kind);
  // Of the decisive kind: the first header, a watchdog's before a weak one.
  let rule: ReportRule | undefined;
  let start = -1;
  for (const [r, i] of firstOf) {
    if (r.kind !== kind) continue;
    if (!rule || (rule.weak && !r.weak) || (!!rule.weak === !!r.weak && i < start)) {
      rule = r;
      start = i;
    }
  }
  if (!rule) return null;
  const main = titleOf(rule, lines, start);
  // The other reports, each kind once, in text order: listed, not lost.
  const others: OtherReport[] = [];
  const seen = new Set<string>([main.title]);
  for (const [r, i] of [...firstOf].sort((a, b) => a[1] - b[1])) {
    if (r === rule) continue;
    const o = titleOf(r, lines, i);
    if (seen.has(o.title)) continue;
    seen.add(o.title);
    others.push({ kind: r.kind, title: o.title, line: lines.no(i) });
  }
  return { ...main, others };
}

function titleOf(rule: ReportRule, lines: LineTable, start: number): { title: string; altTitles: string[]; kind: Kind } {
  const frame = frameFor(rule, reportText(lines, start));
  if (!rule.fmt.includes('%')) return { title: rule.fmt, altTitles: [], kind: rule.kind };
  if (!frame) return { title: rule.fmt.replace(' in %', '').replace('%', ''), altTitles: [], kind: rule.kind };
  // A frame the extractor renamed (`synchronize_rcu` for `synchronize_rcu_expedited`) keeps the raw one for alt titles.
  const canonical = frame.named;
  const variants = [...new Set([canonical, frame.named, frame.raw])];
  const title = rule.fmt.replace('%', canonical);
  const altTitles = [...variants.slice(1).map((v) => rule!.fmt.replace('%', v)), ...(rule.alt ? variants.map((v) => rule!.alt!.replace('%', v)) : [])];
  return { title, altTitles: [...new Set(altTitles)].filter((a) => a !== title), kind: rule.kind };
}
