// lockdep (kernel/locking/lockdep.c):
//
//   Showing all locks held in the system:                       (debug_show_all_locks)
//   2 locks held by kworker/0:1/12:                             (lockdep_print_held_locks)
//    #0: ffff888100c4d548 ((wq_completion)events){+.+.}-{0:0}, at: process_one_work+0x1c4/0x5b0   (print_lock)
//    #0:  (&mm->mmap_sem){++++++}, at: [<ffffffff8104b0f3>] __do_page_fault+0x103/0x4c0          (3.x/4.x)
//   no locks held by bash/1234.
//   =============================================
//
//   WARNING: possible circular locking dependency detected    (print_circular_bug_header)
//   5.10.0 #1 Not tainted
//   ------------------------------------------------------
//   syz-executor/1234 is trying to acquire lock:
//   ffff8880a1b2c3d4 (&mm->mmap_lock){++++}-{3:3}, at: __might_fault+0xa0/0x120
//   but task is already holding lock:
//   ffff8880… (&pipe->mutex/1){+.+.}-{3:3}, at: pipe_lock+0x5a/0x70
//   which lock already depends on the new lock.
//   the existing dependency chain (in reverse order) is:
//   -> #1 (&pipe->mutex/1){+.+.}-{3:3}:
//          lock_acquire+0x…                                     (the chain's saved traces)
//   Possible unsafe locking scenario: … *** DEADLOCK ***
//   stack backtrace:                                            (then `CPU: N PID: …` + trace)

import type { Span } from '../../contract.js';
import { HeldLockRecord, type LockdepChainRecord, type LockFactRecord, type TaskRef } from '../records.js';
import type { FormatParser, ParseContext } from '../parser.js';
import type { LineTable } from '../../text/lines.js';
import { span } from '../parser.js';
import { strayLine } from '../interleave.js';
import { armCallOfLine, frameOfLine, parseFrameLine } from '../frames.js';
import type { FrameTable } from '../frame-table.js';
import { readTrace } from './call-trace.js';
import { LOCKDEP_HEADLINE as HEADLINE, LOCKDEP_REPORTS } from '../../knowledge/lockdep.js';
import { dmesgState } from './state.js';

const RULE = /^(?:={10,120}|-{10,120})$/;
// 2.6.18–2.6.2x print_kernel_version(): the release and the build number alone
// (`2.6.19-rc1-mm1 #4`: init_utsname()->version up to its first space), no taint.
const VERSION = /^\d{1,2}\.\d{1,3}\S{0,80} #\d{1,6}(?: (?:Not tainted|Tainted: ).{0,80})?$|^(?:Not tainted|Tainted: )/;
// A mail client wrapped an old-format lock line before its module tag:
// `(&adap->bus_lock){--..}, at: [<f8902177>] i2c_transfer+0x23/0x40` / `[i2c_core]`.
const WRAPPED_MODULE = /^\[[\w-]{1,60}\]$/;
// … or after the site's address: `#0:  (&inode->i_mutex/1){--..}, at: [<c015f50b>]` / `lookup_create+0x1d/0x73`.
const WRAPPED_SITE = /^[\w.]{1,120}\+0x[0-9a-f]{1,8}\/0x[0-9a-f]{1,8}(?: \[[\w-]{1,60}\])?$/;

// `%s/%d is trying to acquire lock:` (print_circular_bug_header, print_deadlock_bug);
// print_bad_irq_dependency adds the irq context: `kworker/0:4/5097 [HC0[0]:SC0[0]:HE0:SE1]
// is trying to acquire:`, then `and this task is already holding:`.
const TRYING = /^(.{1,16}?)\/(\d{1,10})(?: \[HC\d\[\d\]:SC\d\[\d\]:HE\d:SE\d\])? is trying to acquire(?: lock)?:$/;
const HOLDING = /^(?:but task is already holding lock|and this task is already holding):$/;
// print_lock / print_lock_name: `ADDR (name){usage}-{wait:inner}, at: fn+off/len`.
const LOCK =
  /^(?:#(\d{1,3}): {1,2})?(?:([0-9a-f]{8,16}|\(____ptrval____\)) {1,2})?\((.{1,256}?)\)\{([^}]{0,16})\}(-\{\d{1,2}:\d{1,2}\})?(?:, at: (?:\[<[0-9a-f]{8,16}>\] )?(\S{1,200}))?/;
// get_usage_chars (kernel/locking/lockdep.c): two characters per irq state (HARDIRQ, then
// SOFTIRQ), the class's usage for write and then for read: `.` unused, `+` / `-` / `?`
// used. A class never taken for read (every second character `.`) but taken for write is
// exclusive. Trusted only with the wait-type suffix `-{N:M}` (5.9+ print_lock_name):
// the usage characters meant other things in older formats.
const EXCLUSIVE_USAGE = /^(?:[+\-?]\.|\.\.)+$/;
const WRAPPED_AT = /^at: (?:\[<[0-9a-f]{8,16}>\] )?(\S{1,200})$/;
// The same, in a held-lock list: the site may be followed by its source file (syzbot).
const HELD_WRAPPED_AT = /^at: (?:\[<[0-9a-f]{8,16}>\] )?(\S{1,200})/;
const HELD_BY = /^(\d{1,4}) locks? held by (.{1,16}?)\/(\d{1,10}):$/;
const NONE_HELD = /^no locks held by (.{1,16}?)\/(\d{1,10})\.$/;
const SHOW_ALL = /^Showing all locks held in the system:$/;
const CHAIN = /^-> #\d{1,3} \(|state was registered at:$/;
// print_bad_irq_dependency's account of the two lock classes: the lock lines after these
// name classes, not locks the task holds or wants.
const IRQ_CLASSES =
  /^(?:which would create a new lock dependency:|but this new dependency connects an? [\w-]{1,40} lock:|to an? [\w-]{1,40} lock:|the dependencies between [\w -]{1,80}:)$/;
const CHAIN_ENTRY = /^-> #(\d{1,3}) \((.{1,256}?)\)\{[^}]{0,16}\}/;
// print_irq_inversion_bug: `swapper/0/0 just changed the state of lock:`, that lock, then
// `but this lock took another, SOFTIRQ-unsafe lock in the past:` (it was held while the
// other, irq-unsafe class was taken) or `but this lock was taken by another, HARDIRQ-safe
// lock in the past:` (the other, irq-safe class was held while it was taken), the other
// class. Either way the classes form a cycle: the irq-safe one is held while the chain to
// the irq-unsafe one is taken, and an interrupt that takes the irq-safe one can arrive
// while the irq-unsafe one is held with interrupts enabled.
const CHANGED = /^(.{1,16}?)\/(\d{1,10}) just changed the state of lock:$/;
// print_freed_lock_bug: the reporter, then the held lock inside the freed range.
const FREEING = /^(.{1,16}?)\/(\d{1,10}) is freeing memory \S{1,40}, with a lock still held there!$/;
// lockdep_sys_exit (`leaving the kernel`), print_held_locks_bug before 4.x (`exiting`):
// the reporter, then its held-lock list.
const LEAVING = /^(.{1,16}?)\/(\d{1,10}) is (?:leaving the kernel|exiting) with locks still held!$/;
// A sentence that introduces a lock line, with that line's address joined onto it.
const GLUED_ADDR = /^(.{1,300}:) ([0-9a-f]{8,16})$/;
const INTRODUCES_LOCK =
  /(?:is trying to acquire(?: lock)?|already holding(?: lock)?|just changed the state of lock|\] takes|lock in the past|(?:safe|unsafe) lock):$/;
// print_unlock_imbalance_bug: `%s/%d is trying to release lock (class) at:`, then the caller.
const RELEASING = /^(.{1,16}?)\/(\d{1,10}) is trying to release lock \((.{1,256})\) at:$/;
const INVERSION_OTHER = /^but this lock (took|was taken by) another, [\w-]{1,40} lock in the past:$/;
// print_bad_irq_dependency: the new dependency (held -> wanted) `connects a HARDIRQ-irq-safe
// lock:` (held, or a class the held one was taken under) `to a HARDIRQ-irq-unsafe lock:`
// (wanted, or a class taken under it): the same cycle, closed by an interrupt.
const CONNECTS_SAFE = /^but this new dependency connects an? [\w-]{1,40}-safe lock:$/;
const TO_UNSAFE = /^to an? [\w-]{1,40}-unsafe lock:$/;
// `Chain exists of:` then `A --> B --> C` (print_circular_lock_scenario and the irq
// scenarios): the classes from the first to the last, each taken while the one before was held.
const CHAIN_EXISTS = /^Chain exists of:(?: (.{1,1000}))?$/;
const ARROWS = / --> /;
// print_usage_bug: `inconsistent {SOFTIRQ-ON-W} -> {IN-SOFTIRQ-W} usage.` — the new usage
// `IN-…` is the task taking the lock in interrupt context (mark_usage on acquire); `…-ON-…`
// is the task holding it while it enables interrupts (mark_held_locks).
const USAGE = /^inconsistent \{([\w-]{1,40})\} -> \{([\w-]{1,40})\} usage\.$/;
// print_usage_bug: `syz-executor/123 [HC0[0]:SC1[1]:HE1:SE0] takes:`
const TAKES = /^(.{1,16}?)\/(\d{1,10}) \[HC\d\[\d\]:SC\d\[\d\]:HE\d:SE\d\] takes:$/;
const PROSE =
  /^(?:which lock already depends on the new lock\.|the existing dependency chain \(in reverse order\) is:|other info that might help us debug this:|Possible (?:interrupt )?unsafe locking scenario:|and interrupts could create inverse lock ordering between them\.|local_irq_disable\(\);|Chain exists of:|\*\*\* DEADLOCK \*\*\*|May be due to missing lock nesting notation|stack backtrace:|CPU\d{1,3} {2,40}(?:CPU\d{1,3})?|-{4} {2,40}(?:-{4})?|(?:lock|rlock|lock_irqsave|spin_lock|mutex_lock|read_lock|write_lock)\(.{1,200}\);|<Interrupt>|[\w&>(). \-/#]{1,200} --> [\w&>(). \-/#]{1,200}|\[ BUG: .{1,100}\]|INFO: lockdep is turned off\.|but there are no more locks to release!|the dependencies between .{1,200}|irq event stamp: \d{1,20}|(?:hard|soft)irqs last {1,2}(?:en|dis)abled at .{1,300}|inconsistent \{.{1,100}\} usage\.|.{1,40} takes:)$/;

function ref(comm: string, pid: string): TaskRef {
  return { pid: Number(pid), comm, taskAddr: null };
}

interface LockLine {
  index: number | null;
  addr: string | null;
  name: string;
  at: string | null;
  /** Never taken for read, by the usage bits (see EXCLUSIVE_USAGE). */
  exclusive: boolean;
}

function lockLine(t: string): LockLine | null {
  const m = LOCK.exec(t);
  if (!m) return null;
  return {
    index: m[1] !== undefined ? Number(m[1]) : null,
    addr: m[2] && !m[2].startsWith('(') ? m[2].toLowerCase() : null,
    name: m[3],
    at: m[6] ?? null,
    exclusive: m[5] !== undefined && EXCLUSIVE_USAGE.test(m[4]) && /[+\-?]/.test(m[4]),
  };
}

/** What a lockdep report states of one of its lock lines: who holds it, or who waits. */
function lockdepFact(l: LockLine, who: { owner?: TaskRef; waiters: TaskRef[] }, at: Span): LockFactRecord {
  return { addr: l.addr, name: l.name, at: l.at, ...who, span: at, format: 'lockdep' };
}

function heldLock(ctx: ParseContext, holder: TaskRef, l: LockLine, line: number): HeldLockRecord {
  return new HeldLockRecord(
    holder,
    l.addr,
    ctx.intern(l.name),
    l.at === null ? null : ctx.intern(l.at),
    l.index ?? 0,
    line,
    l.exclusive,
  );
}

/** `N locks held by comm/pid:` + ` #k: …` lines, and the `Showing all locks held` wrapper. */
export const heldLocksParser: FormatParser = {
  name: 'lockdep_held_locks',
  startChars: 'S0123456789n',
  starts(line) {
    const t = line.trimmed;
    // A list starts with its header or a holder line: `N locks held by …`, `no locks held
    // by …` (a digit or an `n` first, so most lines are not searched for ' held by ').
    const c = t.charCodeAt(0);
    if (c === 83 /* S */) return t.startsWith('Showing all locks held');
    return ((c >= 48 && c <= 57) || c === 110) /* n */ && t.includes(' held by ');
  },
  parse(lines, i, ctx) {
    let j = i;
    let holder: TaskRef | null = null;
    for (; j < lines.length; j++) {
      const t = lines.trimmed(j);
      let m: RegExpExecArray | null;
      if (SHOW_ALL.test(t)) continue;
      if ((m = HELD_BY.exec(t))) {
        // Comms repeat (threads, kworkers): one string each, not one per holder line.
        holder = ref(ctx.intern(m[2]), m[3]);
        continue;
      }
      if ((m = NONE_HELD.exec(t))) {
        holder = null;
        continue;
      }
      if (
        t === '' &&
        j > i &&
        j + 1 < lines.length &&
        (HELD_BY.test(lines.trimmed(j + 1)) || RULE.test(lines.trimmed(j + 1)))
      )
        continue;
      if (RULE.test(t) && j > i && /^=+$/.test(t)) {
        j++;
        break;
      }
      let l = t.startsWith('#') ? lockLine(t) : null;
      if (!l && holder && SPLIT_HEAD.test(t)) {
        const joined = joinSplitLock(lines, j);
        if (joined) {
          l = joined.lock;
          ctx.records.heldLocks.push(heldLock(ctx, holder, l, lines.no(j)));
          j = joined.end - 1;
          continue;
        }
      }
      if (l && holder) {
        // The rest of the line a mail client wrapped: the module tag, or (old format,
        // wrapped after the address) the site with its tag.
        const next = j + 1 < lines.length ? lines.trimmed(j + 1) : '';
        const site = (l.at === null || l.at.startsWith('[<')) && WRAPPED_SITE.test(next);
        if (site) l.at = next.split(' ')[0];
        // … or after the class's `{…}-{4:4},`: `at: hugetlb_wp+0xf88/0x3440` (format=flowed).
        const wrappedAt = l.at === null && t.endsWith(',') ? HELD_WRAPPED_AT.exec(next) : null;
        if (wrappedAt) l.at = wrappedAt[1];
        ctx.records.heldLocks.push(heldLock(ctx, holder, l, lines.no(j)));
        if (site || wrappedAt || WRAPPED_MODULE.test(next)) j++;
        continue;
      }
      break;
    }
    return j > i ? j : null;
  },
};

// A held-lock line cut where printk records were cut (syzkaller consoles, 6.x): `#0: ADDR`,
// `#1:` or `#5: ADDR (` alone, the rest on the lines after it: the class
// (`(fs_reclaim){+.+.}-{0:0}`, `ADDR (class){…}`, `rcu_read_lock){....}-{1:2}, at: …`) and
// the site, one `, at: fn …` line per inlined frame (the last is the real call).
const SPLIT_HEAD = /^#\d{1,3}:(?: {1,2}[0-9a-f]{8,16})?(?: \()?$/;
const SPLIT_AT = /^,? ?at: (?:\[<[0-9a-f]{8,16}>\] )?(\S{1,200})/;
/** Most lines one split held-lock entry spans (head, class, several `, at:` sites). */
const SPLIT_PARTS = 12;

/** The held-lock entry split over the lines from `i`, and the line after it; null when
 *  the lines after the head are not its pieces. */
function joinSplitLock(lines: LineTable, i: number): { lock: LockLine; end: number } | null {
  const head = lines.trimmed(i);
  if (i + 1 >= lines.length) return null;
  const next = lines.trimmed(i + 1);
  // `#5: ADDR (` + `rcu_read_lock){…}…`; else `#0: ADDR` + ` (class){…}`, `#1:` + `ADDR (class){…}`.
  const text = head.endsWith('(') ? head + next : `${head} ${next}`;
  const l = lockLine(text);
  if (!l) return null;
  let end = i + 2;
  // The same entry once per inlined frame (`rcu_read_lock){....}-{1:2}, at: …`), then
  // `, at:` lines: the last site read is the call.
  const tail = head.endsWith('(') ? next.slice(0, next.indexOf('){') + 2) : null;
  while (end < lines.length && end - i < SPLIT_PARTS) {
    const t = lines.trimmed(end);
    const at = SPLIT_AT.exec(t);
    if (at) l.at = at[1];
    else if (tail && t.startsWith(tail)) l.at = lockLine(`(${t}`)?.at ?? l.at;
    else break;
    end++;
  }
  return { lock: l, end };
}

/** How far after a lockdep report a dependency chain without a headline still belongs
 *  to it (the sender cut the report with a few lines of comment). */
const CHAIN_CONTINUES_WITHIN = 40;
const CHAIN_INTRO = 'the existing dependency chain (in reverse order) is:';

/** A lockdep deadlock report: headline, the trying/holding locks, chains, scenario. Also
 *  a report pasted from its dependency chain on (`the existing dependency chain …` or the
 *  first `-> #N (lock){…}:`), with no headline: print_circular_bug prints that chain, so it
 *  is a possible circular deadlock — or the rest of the report just before, cut by the
 *  sender's comment. */
export const lockdepReportParser: FormatParser = {
  name: 'lockdep_report',
  startChars: 'W[t-',
  starts(line) {
    const t = line.trimmed;
    return (
      t.startsWith('WARNING: ') ||
      t.startsWith('[ INFO: ') ||
      t.startsWith('[ BUG: ') ||
      t === CHAIN_INTRO ||
      (t.startsWith('-> #') && CHAIN_ENTRY.test(t))
    );
  },
  parse(lines, i, ctx: ParseContext) {
    const t0 = lines.trimmed(i);
    const h = HEADLINE.exec(t0);
    const row = h ? LOCKDEP_REPORTS.find((r) => r.re.test(h[1])) : undefined;
    if (h) return row ? readReport(lines, i, i + 1, ctx, row.subtype) : null;
    if (t0 === CHAIN_INTRO) {
      // Only with its first link right after it (blank lines between): an intro line
      // alone is no report, and is turned away after a look at three lines.
      let k = i + 1;
      while (k < lines.length && k <= i + 3 && lines.blank(k)) k++;
      if (k >= lines.length || k > i + 3 || !CHAIN_ENTRY.test(lines.trimmed(k))) return null;
    } else if (!CHAIN_ENTRY.test(t0)) return null;
    return readReport(lines, i, i, ctx, null);
  },
};

/** A report quoted from its `comm/pid is trying to acquire lock:` line on, without the
 *  headline and rules above it (a reply quotes only the part it answers). The kind of
 *  report is told by what follows: a dependency chain is print_circular_bug's; the same
 *  lock class wanted and held is print_deadlock_bug's (recursive). */
export const lockdepHeadlessParser: FormatParser = {
  name: 'lockdep_report',
  starts(line) {
    const t = line.trimmed;
    return (t.endsWith(' is trying to acquire lock:') || t.endsWith(' is trying to acquire:')) && TRYING.test(t);
  },
  parse(lines, i, ctx: ParseContext) {
    return readReport(lines, i, i, ctx, HEADLESS);
  },
};
const IDLE_COMM = /^swapper\/(\d{1,5})$/;
/** readReport's subtype for a report read from its trying line: decided by its body. */
const HEADLESS = 'headless';

/**
 * Reads a lockdep report's body from line j. `subtype` null: the report has no headline
 * here (line i is its dependency chain); it continues the report just before, if any,
 * else it stands as a circular-dependency report of its own with no task.
 */
function readReport(lines: LineTable, i: number, j: number, ctx: ParseContext, subtype: string | null): number | null {
  const st = dmesgState(ctx);
  const prev =
    subtype === null && st.lastLockdep && !st.lastLockdep.chained && i - st.lastLockdep.end <= CHAIN_CONTINUES_WITHIN
      ? st.lastLockdep
      : null;
  // The lock classes the task wants and holds (for a headless report's kind).
  let wanted: string | null = null;
  let wantedAddr: string | null = null;
  let heldSame = false;
  // The report says it is print_circular_bug's: by its headline, or by the line that
  // states the order (`which lock already depends on the new lock.`).
  const fromHeadline = subtype === 'circular';
  let depends = false;
  let task: TaskRef | null = prev ? prev.task : null;
  let mode:
    | 'none'
    | 'trying'
    | 'holding'
    | 'chain'
    | 'changed'
    | 'other'
    | 'safe'
    | 'unsafe'
    | 'arrows'
    | 'takes'
    | 'owned'
    | 'release' = 'none';
  const chain: LockdepChainRecord['entries'] = [];
  // The irq reports' classes (CHANGED, INVERSION_OTHER, CONNECTS_SAFE, TO_UNSAFE), the
  // held class, `Chain exists of:`'s classes, and where each name was read.
  const irq: { changed?: string; other?: string; forward?: boolean; safe?: string; unsafe?: string; held?: string } =
    {};
  let arrows: string[] | null = null;
  let inIrq = false;
  // The line that names the reporter.
  let taskAt: number | null = null;
  const seenAt = new Map<string, Span>();
  // The address of a lock line a mail client wrapped after it, which reflow joined onto
  // the sentence before (`… is trying to acquire: ffff8881066fa368`): the next lock line
  // printed without an address gets it.
  let gluedAddr: string | null = null;
  for (; j < lines.length; j++) {
    let t = lines.trimmed(j);
    if (t === '') continue;
    let m: RegExpExecArray | null;
    if (RULE.test(t) || VERSION.test(t)) continue;
    if (t.length > 18 && (m = GLUED_ADDR.exec(t)) && INTRODUCES_LOCK.test(m[1])) {
      t = m[1];
      gluedAddr = m[2];
    }
    if ((m = TRYING.exec(t))) {
      // A report read from its trying line ends at the next one (another report): a run
      // of trying lines is read one line at a time, never rescanned.
      if (subtype === HEADLESS && j > i) break;
      task = ref(m[1], m[2]);
      taskAt = j;
      mode = 'trying';
      continue;
    }
    if ((m = TAKES.exec(t))) {
      task = ref(m[1], m[2]);
      taskAt = j;
      mode = inIrq ? 'takes' : 'holding';
      continue;
    }
    if ((m = USAGE.exec(t))) {
      inIrq = m[2].startsWith('IN-');
      continue;
    }
    if ((m = CHANGED.exec(t))) {
      task = ref(m[1], m[2]);
      taskAt = j;
      mode = 'changed';
      continue;
    }
    if ((m = FREEING.exec(t)) || (m = LEAVING.exec(t)) || (m = RELEASING.exec(t))) {
      task = ref(m[1], m[2]);
      taskAt = j;
      mode = t.includes(' is freeing memory ') ? 'owned' : m[3] !== undefined ? 'release' : 'none';
      continue;
    }
    // The caller of the unbalanced unlock (print_ip_sym): where it happened, no lock.
    if (mode === 'release' && (parseFrameLine(ctx.frames, t, lines.no(j)) || /^\[<[0-9a-f]{8,16}>\]/.test(t))) {
      mode = 'none';
      continue;
    }
    if ((m = INVERSION_OTHER.exec(t))) {
      irq.forward = m[1] === 'took';
      mode = 'other';
      continue;
    }
    if (CONNECTS_SAFE.test(t) || TO_UNSAFE.test(t)) {
      mode = t.startsWith('to ') ? 'unsafe' : 'safe';
      continue;
    }
    if ((m = CHAIN_EXISTS.exec(t))) {
      mode = 'arrows';
      if (!m[1]) continue;
    }
    if (mode === 'arrows' && ARROWS.test(t)) {
      const rest = t.startsWith('Chain exists of:') ? t.slice('Chain exists of:'.length) : t;
      arrows = rest.split(ARROWS).map((x) => x.trim());
      for (const a of arrows) seenAt.set(a, span(lines, j, j + 1));
      mode = 'none';
      continue;
    }
    if (HOLDING.test(t)) {
      mode = 'holding';
      continue;
    }
    if (CHAIN.test(t)) {
      mode = 'chain';
      let ce = CHAIN_ENTRY.exec(t);
      // `-> #0 (console_owner` / `){-...}-{0:0}:`: the link's name cut where a printk
      // record was cut.
      if (!ce && j + 1 < lines.length && lines.trimmed(j + 1).startsWith('){')) {
        ce = CHAIN_ENTRY.exec(t + lines.trimmed(j + 1));
        if (ce) j++;
      }
      if (ce) chain.push({ index: Number(ce[1]), name: ce[2], frames: [], span: span(lines, j, j + 1) });
      continue;
    }
    // The saved stack traces of each chain link: frames, not any task's stack, but
    // they say where each lock was taken (used to tie a blocked task to a link).
    if (mode === 'chain') {
      const f = parseFrameLine(ctx.frames, t, lines.no(j));
      if (f) {
        const last = chain[chain.length - 1];
        if (last) {
          last.frames.push(f.fn);
          last.span.endLine = lines.no(j);
        }
        continue;
      }
    }
    const l = /^(?:[0-9a-f]{8,16} |\(____ptrval____\) |\()/.test(t) ? lockLine(t) : null;
    if (l && l.addr === null && gluedAddr !== null) l.addr = gluedAddr;
    gluedAddr = null;
    // A mail client wrapped the old format's lock line before its site:
    // `(pgdat_init_rwsem){++++.+},` / `at: [<ffffffff8424c7fb>] page_alloc_init_late+0xc7/0xe6`.
    const lockFrom = j;
    if (l && l.at === null && t.endsWith(',') && j + 1 < lines.length) {
      const at = WRAPPED_AT.exec(lines.trimmed(j + 1));
      if (at) {
        l.at = at[1];
        j++;
      }
    }
    if (l && l.at !== null && j + 1 < lines.length && WRAPPED_MODULE.test(lines.trimmed(j + 1))) j++;
    if (l && !seenAt.has(l.name)) seenAt.set(l.name, span(lines, lockFrom, j + 1));
    if (l && (mode === 'other' || mode === 'safe' || mode === 'unsafe')) {
      if (mode === 'other') irq.other ??= l.name;
      else if (mode === 'safe') irq.safe ??= l.name;
      else irq.unsafe ??= l.name;
      mode = 'none';
      continue;
    }
    if (l && task && mode === 'owned') {
      // The lock the reporter holds in the memory it frees (print_freed_lock_bug).
      ctx.records.lockFacts.push(lockdepFact(l, { owner: task, waiters: [] }, span(lines, lockFrom, j + 1)));
      mode = 'none';
      continue;
    }
    if (l && task && (mode === 'changed' || mode === 'takes')) {
      // `changed`: mark_lock found the inversion as the task took the lock (or, holding it,
      // enabled interrupts): either way the task holds it once lockdep has reported.
      // `takes`: taking it in interrupt context, where it was also taken with that
      // interrupt enabled: the task waits for it.
      irq.changed ??= l.name;
      ctx.records.lockFacts.push(
        lockdepFact(
          l,
          mode === 'changed' ? { owner: task, waiters: [] } : { waiters: [task] },
          span(lines, lockFrom, j + 1),
        ),
      );
      mode = 'none';
      continue;
    }
    if (l && task) {
      if (mode === 'holding') irq.held ??= l.name;
      if (mode === 'trying' && wanted === null) {
        wanted = l.name;
        wantedAddr = l.addr;
      } else if (mode === 'holding' && l.name === wanted) heldSame = true;
      if (mode === 'trying')
        ctx.records.lockFacts.push(lockdepFact(l, { waiters: [task] }, span(lines, lockFrom, j + 1)));
      else if (mode === 'holding') {
        ctx.records.heldLocks.push(heldLock(ctx, task, { ...l, index: 0 }, lines.no(lockFrom)));
        // print_deadlock_bug on two instances of one class (a missing nesting annotation,
        // or a real ABBA between instances): the held instance is half of what the report
        // is about, so it is stated as held by the task even though nobody waits for it.
        if (l.name === wanted && l.addr !== null && wantedAddr !== null && l.addr !== wantedAddr)
          ctx.records.lockFacts.push(lockdepFact(l, { owner: task, waiters: [] }, span(lines, lockFrom, j + 1)));
      }
      continue;
    }
    // `[<ffffffff…>] fn` continuation of an old-style lock line.
    if (/^\[<[0-9a-f]{8,16}>\]/.test(t) && mode !== 'none') continue;
    if (IRQ_CLASSES.test(t)) {
      mode = 'none';
      continue;
    }
    // A backtrace with no `CPU: N PID:` line of its own (2.6/early 3.x) is the reporter's
    // stack: lockdepBacktraceParser gives it to the reporter.
    if (t === 'stack backtrace:' && task && !cpuLineNext(lines, j)) break;
    if (PROSE.test(t)) {
      if (t === DEPENDS) depends = true;
      mode = mode === 'chain' ? 'none' : mode;
      continue;
    }
    // Another context's line printed into the middle of the report (the console
    // interleaves: `netlink: 44 bytes leftover …`), when the report goes on after it.
    if (strayLine(lines, i, j, (t) => isReportLine(ctx.frames, t, mode))) continue;
    // Held-lock lists and the `stack backtrace:` dump are left to their own parsers.
    break;
  }
  // A chain with no lock in it (an intro line alone) says nothing.
  if (subtype === null && chain.length === 0) return null;
  if (subtype === HEADLESS) {
    // A trying line alone (no lock after it) is no report.
    if (wanted === null) return null;
    subtype = chain.length === 0 && heldSame ? 'recursive' : 'circular';
  }
  // The reporter is a task of the dump even when its stack was cut (an idle task, pid 0,
  // is left to its `CPU: N PID: 0` line, which says which CPU's it is).
  // An idle task (pid 0) is one per CPU, named `swapper/N` for CPU N since 3.x
  // (kernel/sched/core.c init_idle); plain `swapper` (2.6) says no CPU and is left to its
  // `CPU: N PID: 0` line.
  const idleCpu = task?.pid === 0 ? IDLE_COMM.exec(task.comm ?? '') : null;
  if (!prev && task && taskAt !== null && task.pid !== null && (task.pid > 0 || idleCpu))
    ctx.records.addTask({
      ...task,
      state: null,
      cpu: idleCpu ? Number(idleCpu[1]) : null,
      frames: [],
      onCpu: false,
      span: span(lines, taskAt, taskAt + 1),
      format: 'lockdep',
    });
  if (!prev)
    ctx.records.reports.push({
      kind: 'deadlock',
      header: lines.trimmed(i),
      task,
      subtype: subtype ?? 'circular',
      span: span(lines, i, j),
      format: 'lockdep',
    });
  st.lockdepReporter = task ? { task, index: j } : null;
  const chained = chain.length > 0;
  if (prev?.implied) {
    // The chain of the report just before, printed after the sender's comment: it
    // replaces the ends completed from that report's header, whose #0 (the new lock) it
    // keeps when it was cut before its own.
    const at = ctx.records.lockdepChains.indexOf(prev.implied);
    if (at >= 0) ctx.records.lockdepChains.splice(at, 1);
    const newLock = prev.implied.entries.find((e) => e.index === 0);
    if (chained && newLock && !chain.some((e) => e.index === 0)) chain.push(newLock);
  } else if (subtype === 'circular' && (fromHeadline || depends))
    completeCutChain(chain, wanted, irq.held ?? null, seenAt);
  let chainRec: LockdepChainRecord | null = null;
  if (chain.length) {
    chainRec = {
      reporter: task,
      entries: chain,
      span: span(lines, i, j),
      ...(chain.some((e) => e.implied) ? { cut: true as const } : {}),
    };
    ctx.records.lockdepChains.push(chainRec);
  }
  st.lastLockdep = {
    end: j,
    task,
    subtype: subtype ?? prev?.subtype ?? 'circular',
    chained,
    implied: !chained && chainRec ? chainRec : null,
  };
  if (!chainRec) {
    const names = irqCycle(subtype, irq, wanted, arrows);
    if (names.length)
      ctx.records.lockdepChains.push({
        reporter: task,
        entries: names.map((name, index) => ({ index, name, frames: [], span: seenAt.get(name) ?? span(lines, i, j) })),
        span: span(lines, i, j),
        irq: true,
      });
  }
  return j;
}

const DEPENDS = 'which lock already depends on the new lock.';

/**
 * A circular report whose dependency chain was cut (by the sender, a web page's excerpt,
 * a log line limit) still states the cycle: print_circular_bug's `-> #0` is always the
 * new lock (its trace is the reporter's acquisition) and the highest entry the lock the
 * reporter holds, and `which lock already depends on the new lock.` says a chain from the
 * one to the other exists (kernel/locking/lockdep.c check_noncircular, print_circular_bug).
 * The missing ends are added from the report's own lock lines, marked implied: the links
 * between them that were cut are not invented, only the dependency the report states.
 */
function completeCutChain(
  chain: LockdepChainRecord['entries'],
  wanted: string | null,
  held: string | null,
  seenAt: Map<string, Span>,
): void {
  if (wanted === null || held === null || wanted === held) return;
  const wantedSpan = seenAt.get(wanted);
  const heldSpan = seenAt.get(held);
  if (!wantedSpan || !heldSpan) return;
  if (chain.length === 0) chain.push({ index: 1, name: held, frames: [], span: heldSpan, implied: true });
  if (!chain.some((e) => e.index === 0))
    chain.push({ index: 0, name: wanted, frames: [], span: wantedSpan, implied: true });
}

/**
 * The classes of an irq report's cycle, from the irq-safe class to the irq-unsafe one, each
 * taken while the one before was held; an interrupt that takes the first while the last is
 * held closes it. One class (print_usage_bug taking it in interrupt context): the class
 * against itself. None when the report was cut before its classes.
 */
function irqCycle(
  subtype: string | null,
  irq: { changed?: string; other?: string; forward?: boolean; safe?: string; unsafe?: string; held?: string },
  wanted: string | null,
  arrows: string[] | null,
): string[] {
  let ends: [string, string] | null = null;
  if (subtype === 'irq_inversion' && irq.changed && irq.other)
    ends = irq.forward ? [irq.changed, irq.other] : [irq.other, irq.changed];
  // print_usage_bug: the class against itself, whether the task takes it in the
  // interrupt (`{…-ON-W} -> {IN-…-W}`, irq.changed) or holds it with the interrupt enabled
  // (`{IN-…-W} -> {…-ON-W}`, irq.held): lockdep's scenario is one CPU holding it when the
  // interrupt that takes it arrives.
  if (subtype === 'inconsistent') return irq.changed ? [irq.changed] : irq.held ? [irq.held] : [];
  if (subtype === 'irq_order') {
    const all = [irq.safe, irq.held, wanted, irq.unsafe].filter((x): x is string => !!x);
    const out = all.filter((x, k) => k === 0 || x !== all[k - 1]);
    if (arrows && arrows.length >= 2 && out.includes(arrows[0]) && out.includes(arrows[arrows.length - 1]))
      return arrows;
    return out.length >= 2 ? out : [];
  }
  if (!ends) return [];
  if (arrows && arrows.length >= 2 && arrows[0] === ends[0] && arrows[arrows.length - 1] === ends[1]) return arrows;
  return ends[0] === ends[1] ? [ends[0]] : ends;
}

/** Is the first non-blank line within two after `j` a `CPU: N PID: N Comm:` line? */
function cpuLineNext(lines: LineTable, j: number): boolean {
  for (let k = j + 1; k < lines.length && k <= j + 3; k++) {
    if (lines.blank(k)) continue;
    return lines.trimmed(k).startsWith('CPU: ');
  }
  return false;
}

// lockdep's reports end with `stack backtrace:` and dump_stack() of the current task —
// the reporter. Since 2.6.2x dump_stack prints `CPU: N PID: N Comm: …` first (read by
// cpuDumpParser); before, the frames follow at once and name no task:
//   stack backtrace:
//    [<c0405167>] show_trace_log_lvl+0x54/0xfd
// Such a trace is the task the report named (`kseriod/111 is trying to acquire lock:`).
const STACK_BACKTRACE = 'stack backtrace:';
/** How far after its report a bare backtrace may follow (the reporter's held-lock list,
 *  at most MAX_LOCK_DEPTH = 48 entries, is printed between them). */
const BACKTRACE_WITHIN = 120;

export const lockdepBacktraceParser: FormatParser = {
  name: 'lockdep_backtrace',
  startChars: 's',
  starts: (line) => line.trimmed === STACK_BACKTRACE,
  parse(lines, i, ctx) {
    const st = dmesgState(ctx);
    const rep = st.lockdepReporter;
    if (!rep || i < rep.index || i - rep.index > BACKTRACE_WITHIN || cpuLineNext(lines, i)) return null;
    let k = i + 1;
    while (k < lines.length && k <= i + 3 && lines.blank(k)) k++;
    if (k >= lines.length) return null;
    const tr = readTrace(lines, k, ctx.frames);
    if (tr.frames.length === 0) return null;
    st.lockdepReporter = null;
    // The current task, running the lock acquisition lockdep stopped to report.
    ctx.records.addTask({
      ...rep.task,
      state: 'R',
      cpu: null,
      frames: tr.frames,
      frameLines: tr.frameLines,
      onCpu: true,
      span: span(lines, i, tr.end),
      format: 'lockdep_backtrace',
    });
    for (const s of tr.strays) ctx.strays.push(s);
    return tr.end;
  },
};

/** A line of the report itself (what the parse loop above takes), in `mode`. */
function isReportLine(table: FrameTable, t: string, mode: string): boolean {
  return (
    RULE.test(t) ||
    VERSION.test(t) ||
    TRYING.test(t) ||
    TAKES.test(t) ||
    HOLDING.test(t) ||
    CHAIN.test(t) ||
    IRQ_CLASSES.test(t) ||
    PROSE.test(t) ||
    (/^(?:[0-9a-f]{8,16} |\(____ptrval____\) |\()/.test(t) && lockLine(t) !== null) ||
    (mode === 'chain' && frameOfLine(table, t) !== undefined)
  );
}

// Traces lockdep saved for a lock class, printed in its reports (kernel/locking/lockdep.c
// print_lock_class_header, print_bad_irq_dependency, print_lock_dependencies): where the
// lock `became HARDIRQ-irq-safe at:`, each usage (`IN-HARDIRQ-W at:`, `SOFTIRQ-ON-W at:`,
// `INITIAL USE at:`, `INITIAL READ USE at:`), where a dependency was made (`... acquired
// at:`), and the class key (`... key      at: [<…>] __key.8+0x0/0x40`). They are history —
// the lock was taken there once — not the stack of any task: read here so they do not
// become stacks of unknown tasks waiting on the locks they show taken.
const SAVED_TRACE =
  /^(?:(?:\.\.\. )?which became [\w-]{1,40} at:|(?:IN-(?:HARD|SOFT)IRQ|(?:HARD|SOFT)IRQ-ON)-[RW] at:|INITIAL (?:READ )?USE at:|\.\.\. acquired at:)$/;
const CLASS_KEY = /^\.\.\. key {1,10}at: \[<[0-9a-f]{8,16}>\] \S{1,200}$/;

const savedTraceLine = (table: FrameTable, t: string) =>
  SAVED_TRACE.test(t) ||
  CLASS_KEY.test(t) ||
  t === '...' ||
  frameOfLine(table, t) !== undefined ||
  armCallOfLine(table, t) !== undefined;

export const lockdepSavedTraceParser: FormatParser = {
  name: 'lockdep_saved_trace',
  startChars: 'wIHS.',
  starts(line) {
    const t = line.trimmed;
    return SAVED_TRACE.test(t) || CLASS_KEY.test(t);
  },
  parse(lines, i, ctx) {
    const table = ctx.frames;
    const ours = (t: string) => savedTraceLine(table, t);
    let j = i;
    for (; j < lines.length; j++) {
      const t = lines.trimmed(j);
      if (t === '' && j > i) {
        // A blank line inside (the `which became … at:` header is followed by one).
        if (
          j + 1 < lines.length &&
          (frameOfLine(table, lines.trimmed(j + 1)) || armCallOfLine(table, lines.trimmed(j + 1)))
        )
          continue;
        break;
      }
      // `...` stands for frames lockdep skipped.
      if (ours(t)) continue;
      // Only with printk caller ids: another context's line printed into the trace.
      if (strayLine(lines, i, j, ours, false)) continue;
      break;
    }
    return j > i ? j : null;
  },
};
