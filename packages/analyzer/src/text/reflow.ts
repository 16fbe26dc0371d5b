// Undo what mail clients, web pages and people do to a capture on its way to the user,
// before any parser reads it: lines wrapped mid-record are joined again, a header glued
// onto the line before is split off, a web copy's blank line after every line and the
// sender's `(...snipped...)` marks are dropped. Every line keeps the numbers of the
// lines it came from as uploaded (LineTable.no / endNo), so evidence points at the
// upload: a record joined from two physical lines spans both.
//
// One pass over the lines, each looked at once with at most one line of look-ahead; the
// wrap width is one histogram of line widths (made only when an unprefixed line could
// be a continuation). When nothing changes the table is returned as it is.

import { HUNG_TASK_ECHO_LINE, HUNG_TASK_ECHO_OPENER } from '../knowledge/hung-task-lines.js';
import { isWholeLockdepLine } from '../knowledge/lockdep.js';
import {
  LINE_DEPTH_SHIFT,
  LINE_FLOWED,
  LINE_PREFIXED,
  LINE_SYSLOG_ONLY,
  LineTable,
  MAX_LINE,
  type LineShape,
  withoutTrailingLevel,
} from './lines.js';

/** Narrowest wrap a mail client applies (RFC 5322 asks for 78; clients use 72-80). */
const MIN_WRAP = 60;
/** Widest wrap a text without log prefixes is joined at (mail clients wrap at 72-78): a
 *  text with a wider line that could have been broken was not wrapped by a client. */
const MAX_WRAP = 80;
/** A piece this narrow inside a wrapped record is what a second wrap left over. */
const ORPHAN = 32;
/** Fields that must line up for two lines to be rows of one table (sameColumns). */
const TABLE_FIELDS = 4;
/** Lines near the wrap column that show a text was wrapped there. */
const WALL = 4;
/** Most physical lines one record is joined from: a kernel line is at most 1 KiB, and a
 *  quoted-printable body wrapped again by a reply cuts a `Code:` line into 8 pieces or more. */
const MAX_PARTS = 16;

/** A frame decode_stacktrace.sh printed, up to its first source location:
 *  `fn (kernel/sched/core.c:5258`, `fn (./arch/x86/include/asm/preempt.h:84`, `fn (??:?)`. */
const DECODED_FRAME = /^[A-Za-z_.$][\w.$]{0,127} \((?:(?:\.{0,2}\/)?[\w/.+-]{1,200}\.[chS]:[\d?]|\?\?:\?)/;

// Lines that begin a record of their own in a text without log prefixes: a wrapped
// line's continuation is none of these (it is the middle of a message). Each pattern is
// anchored and bounded.
const OPENERS: readonly RegExp[] = [
  /^\[(?:<|[ \d]|[TC] ?\d|[0-9a-f]{8,16} :)/, // `[<ffffffff81234567>] fn`, `[  12.3]`, `[T123]`, sparc32's `[f0067d00 :`
  // a 32-bit ARM call line printed without addresses (dump_backtrace_entry without
  // CONFIG_KALLSYMS' `[<pc>]`s, arch/arm/kernel/traps.c): `(__schedule) from (schedule+0x5b/0x90)`
  // (or cut after `from`, the caller on the next line)
  /^\([A-Za-z_.$][\w.$]{0,127}(?: \[[\w-]{1,64}\])?\) from(?: \(|$)/,
  // powerpc's frame `[c000003fbed3fb40] [c00000000003a824] fn+0x234/0x5b0` (show_stack prints
  // the stack pointer first, arch/powerpc/kernel/process.c) and show_regs' `NIP [c0…] fn`,
  // `LR [c0…] fn` lines: the stack pointer of a 64-bit kernel starts with a letter.
  // (A frame wrapped before its symbol leaves the two addresses alone on their line.)
  /^\[[0-9a-f]{8,16}\] \[[0-9a-f]{8,16}\](?: |$)/,
  /^(?:NIP|LR) {1,2}\[[0-9a-f]{8,16}\] /,
  // a crash bt frame whose `#N` the sender cut: `[ffffa7a8e96bbac0] __schedule at ffff…`
  /^\[[0-9a-f]{8,16}\] [A-Za-z_.$][\w.$]{0,127} at [0-9a-f]/,
  /^<[/A-Z\d]/, // `<IRQ>`, `</NMI>`, `<4>`
  /^#\d/, // crash frames `#3 [ffff…]`, lockdep's `#0: ffff…`
  /^\? /, // an unreliable frame
  /^[A-Za-z_.$][\w.$]{0,127}\+0x[0-9a-f]/, // a frame `fn+0x1a/0x60`
  // a crash bt frame with its `#N [sp]` columns cut (`_raw_spin_lock at ffffffffb89a667a`),
  // and a section of such a bt named in brackets (`[IRQ stack]`, `[End of IRQ stack]`)
  /^[A-Za-z_.$][\w.$]{0,127}(?:\+(?:0x[0-9a-f]{1,8}|\d{1,8}))? at [0-9a-f]{6,16}(?: \[[\w-]{1,64}\])?$/,
  /^\[(?:End of )?[A-Za-z]{1,12}(?: exception)? stack\]$/,
  // syzkaller's inlined frame `inode_lock_nested include/linux/fs.h:853 [inline]`
  /^[A-Za-z_.$][\w.$]{0,127} [\w/.-]{1,200}\.[chS]:\d{1,6}(?::\d{1,4})? \[inline\]$/,
  // a frame decode_stacktrace.sh printed, `fn (kernel/sched/core.c:5258 …) ` (it leaves a
  // space at the end, which is no format=flowed soft break)
  DECODED_FRAME,
  /^[\w .()/-]{1,40}:(?: |$)/, // `Call Trace:`, `RIP: 0010:…`, `CPU: 3 PID: 1`, `x29: …`, `pc : …`
  // (a bare `crash>` too: the prompt a session prints between commands; `crash64>` is
  // the same prompt of a crash installed under another name)
  /^(?:task:|PID: |crash[\w.-]{0,16}>(?: |$)|Workqueue: |Modules linked in:)/,
  /^\d{1,4} locks? held by /,
  HUNG_TASK_ECHO_OPENER, // the hung-task report's second line
  /^(?:-{2,}|={3,}|\*{2,}|`{3})/, // rules, and a markdown code fence around a pasted capture
  /^[A-Z][a-z]{1,20} [a-z]/, // a sentence
  /^\S{1,16} {1,16}[RSDTZIXPW] {1,8}\S/, // an old sysrq task line `cifsd   D    0 981715 …`
  /^[$#>] /, // shell prompts, a quote
  /^\$\d{1,6} = /, // crash/gdb `p` output `$6 = -131932026909888`
  /^\[?[\w.-]{1,32}@[\w.-]{1,64}[\s:~\]]/, // `[root@host ~]# …`, `user@host:~$ …`
  /^0x[0-9a-f]{6,16} </, // crash `dis` lines `0xffffffff8392fc70 <fn+48>: …`
  /^\/[\w.+-]{1,64}(?:\/[\w.+-]{1,64}){0,16}:/, // a file's lines: `grep` output, `dis -l` sources
  /^==> /, // `tail` naming the file that follows
  /^[a-z][a-z ,()]{0,80}:$/, // lockdep's `other info that might help us debug this:`
  // lockdep's report sentences and a lock class line `(&(&priv->lock)->rlock#2){-.....}`
  /^(?:but (?:this|task is)|and (?:this task|interrupts could)|which (?:lock already|would create)|to an? [\w-]{1,40} lock:)/,
  /^\(.{1,256}\)\{[-+.?0-9a-zA-Z]{0,16}\}/,
  /^(?:[0-9a-f]{8,16}|\(____ptrval____\)) \(.{1,256}\)\{[-+.?0-9a-zA-Z]{0,16}\}/, // a lock line with its address
  /^\{[A-Z][A-Z-]{2,30}\} state was registered at:$/, // lockdep's usage trace (print_usage_bug)
  /^[\w.-]{1,32} {1,16}\d{1,10} {1,8}\d{1,3}\.\d /, // a `ps aux` row `root  31969  0.0 …`
  /^\d{1,10} {1,8}\d{1,10} {1,4}\d{1,5} {1,4}[0-9a-f]{8,16} {1,4}[A-Z]{2} /, // a crash `ps` row `31459  1  6  ffff88e9c8de8000  UN …`
  /^[^\s;]{1,64};[^\s;]/, // folded stacks `comm;frame;frame 1234`
  // A row of raw stack words (show_stack before 4.x: 4 per row on 64-bit, 8 on 32-bit).
  // A client that wraps a row leaves one or two words for the next line; three or more
  // are the kernel's next row.
  /^[0-9a-f]{8,16}(?: {1,4}[0-9a-f]{8,16}){2,7}$/,
];

// In a text whose lines carry log prefixes, a continuation is any unprefixed line except
// what starts another capture pasted right after the log (a shell or crash prompt, a
// crash task header) or the sender's prose (SENTENCE, below).
const FOREIGN_OPENERS: readonly RegExp[] = [
  /^crash[\w.-]{0,16}>(?: |$)/,
  // hangscope-collect's section headers (its kernel log is followed by the next section)
  // and the marker before each later capture of an incident (summary/captures.ts).
  /^=== hangscope[ -]/,
  /^PID: {1,8}\d/,
  /^\[?[\w.-]{1,32}@[\w.-]{1,64}[\s:~\]]/, // `[root@host ~]# …`, `user@host:~$ …`
  /^[$#] /,
  /^\d{4}[/-]\d\d[/-]\d\d[ T]\d\d:\d\d/, // another program's log line (syzkaller's `2018/08/03 14:36:29 …`)
  /^`{3}/, // the markdown code fence that ends a pasted log
  // A lockdep lock line `ADDR (class){usage}…` printed without the log's prefix (a
  // MediaTek `[name:lockdep&]` tag is on the report's sentences only): a record of its own.
  /^(?:[0-9a-f]{8,16}|\(____ptrval____\)) \(.{1,256}\)\{[-+.?0-9a-zA-Z]{0,16}\}/,
];

/** The sender's prose after a log: a sentence. (A kernel message's rest may read as one,
 *  `Usage count = 6`; see sandwiched().) */
const SENTENCE = /^[A-Z][a-z]{1,20} [a-z]{1,20} /;
/** A token that opens a bracket it does not close: `[snd_soc_fsl_xcvr` (a module's build id wrapped). */
const UNCLOSED = /^[[(][^\])]{0,80}$/;
/** Fields that continue a line and never start one: crash's `PID: N  TASK: …  CPU: N  COMMAND: "…"`,
 *  show_regs' `CPU: N PID: N Comm: … Tainted: …`, spin_dump's `lock: …, .magic: …, .owner: …/N,
 *  .owner_cpu: N` (kernel/locking/spinlock_debug.c). */
const CONTINUING = /^(?:COMMAND: "|TASK: [0-9a-f]{8,16}\b|Comm: \S|Tainted: [A-Z ]|\.(?:magic|owner|owner_cpu): \S)/;
/** Stack or memory words (`bt -f`, `rd`): one or two of them alone on a line (fewer than the
 *  kernel's and crash's rows hold) are the rest of a wrapped row. */
const HEX_WORD = /^[0-9a-f]{8,16}$/;
const HEX_WORDS = /^[0-9a-f]{8,16}(?: {1,4}[0-9a-f]{8,16})?$/;
/**
 * A record a client cut right after a label, its value alone on the next line. Each pair
 * is the label's line (as the record's last piece) and the value: crash's frame
 * `#3 [ffff…] fn at` then its address (and module); a register dump's `… RCX:` then the
 * register's word; crash's `… CPU: 3 COMMAND:` then `"runc:[2:INIT]"` (or a comm cut at its
 * space, `COMMAND: "VM` then `Thread"`); dump_stack's `… Comm: sh Not tainted` then the
 * release; a crash `ps` row
 * cut before its COMM, then the COMM; a frame's `[module` then its build id. None of
 * these labels ends a line the kernel or crash prints, so the pair is a wrap whatever the
 * text's width.
 */
const DANGLING: readonly (readonly [label: RegExp, value: RegExp])[] = [
  [/^#\d{1,5} \[[0-9a-f]{8,16}\] \S{1,160} at$/, /^[0-9a-f]{8,16}(?: \[[\w-]{1,64}\])?$/],
  [/^(?:[A-Za-z][A-Za-z0-9_]{0,8} ?: {0,3}[0-9a-f]{4,16} {1,4}){1,6}[A-Za-z][A-Za-z0-9_]{0,8} ?:$/, HEX_WORD],
  [/ COMMAND:$/, /^"[^"]{0,64}"$/],
  // crash's task header (`PID: 1354  TASK: ff48…  CPU: 33  COMMAND: "…"`, also in `ps -m`
  // rows) cut after `TASK:` or `CPU:`, the rest of the header on the next line
  [
    /(?:^|[\] ])PID: {1,8}\d{1,10} {1,8}TASK:$/,
    /^[0-9a-f]{8,16}(?: {1,8}CPU: {1,8}\d{1,5})?(?: {1,8}COMMAND: "[^"]{0,64}"?)?$/,
  ],
  [/(?:^|[\] ])PID: {1,8}\d{1,10} {1,8}TASK: [0-9a-f]{8,16} {1,8}CPU:$/, /^\d{1,5}(?: {1,8}COMMAND: "[^"]{0,64}"?)?$/],
  // a frame's module cut before its build id: `fn+0x207/0x290 [cfg80211` then `2571f5…ce]`
  [/\+0x[0-9a-f]{1,8}\/0x[0-9a-f]{1,8} \[[\w-]{1,64}$/, /^[0-9a-f]{40}\]$/],
  [/ COMMAND: "[^"]{1,16}$/, /^[^"]{1,16}"$/], // a comm with a space (`"VM Thread"`) cut at it
  // dump_stack's `CPU: 1 PID: 128 Comm: sh Not tainted` then `6.9.0-rc4 #1`, or cut before `#1`
  [
    /(?:^| )Comm: \S.{0,40} (?:Not tainted|Tainted: [A-Z ]{1,40})$/,
    /^\d{1,2}\.\d{1,3}\S{0,80}(?: #\d{1,6})?(?: .{0,60})?$/,
  ],
  [/(?:^| )Comm: \S.{0,40} (?:Not tainted|Tainted: [A-Z ]{1,40}) \d{1,2}\.\d{1,3}\S{0,80}$/, /^#\d{1,6}(?: .{0,60})?$/],
  [
    /^(?:> {0,2})?\d{1,10} {1,8}\d{1,10} {1,8}\d{1,5} {1,8}[0-9a-f]{8,16} {1,8}[A-Z]{2} {1,8}\d{1,3}\.\d {1,8}\d{1,12} {1,8}\d{1,12}$/,
    /^\S{1,64}$/,
  ],
  // a `ps aux` row cut before its COMMAND (a path, `[kthread]` or `-bash`), which a row
  // never starts with
  [
    /^[\w.\-+]{1,32} {1,12}\d{1,9} {1,6}\d{1,4}\.\d {1,6}\d{1,3}\.\d {1,12}\d{1,12} {1,12}\d{1,12} {1,8}\S{1,16} {1,8}[RSDTtZXIWPK][<NLsl+]{0,6} {1,8}\S{1,12} {1,8}\d{1,9}:\d\d(?::\d\d)? ?$/,
    /^[/[-]\S{0,200}(?: .{0,200})?$/,
  ],
  // powerpc's watchdog headline cut before the address it names:
  // `watchdog: CPU 16 self-detected hard LOCKUP @` then `.do_raw_spin_lock+0x90/0x1d0`
  // (arch/powerpc/kernel/watchdog.c prints `… LOCKUP @ %pS`)
  [/ LOCKUP @$/, /^[A-Za-z_.$][\w.$]{0,127}\+0x[0-9a-f]{1,8}\/0x[0-9a-f]{1,8}(?: \[[\w-]{1,64}\])?$/],
  // sched_show_task's line cut right after a label (`task:kworker/0:1  state:D stack:26640 pid:`)
  // then the value and the fields after it (`1872 ppid:     2 flags:0x00000428`); a value
  // alone on its line is left to the width rules, a label after prose is not a field's.
  [
    /(?:^|[a-z_]{1,16}: {0,8}\S{1,40} {1,8})[a-z_]{1,16}: ?$/,
    /^(?:\d{1,10}|0x[0-9a-f]{1,16})(?: {1,8}[a-z_]{1,16}: {0,8}\S{1,40}){1,8}$/,
  ],
];

/** One `name:value` field (sched_show_task's `pid:2619`, `flags:0x00004000`), and a line of them. */
// 5.14–6.x pad some values (`stack:    0 pid: 2133 ppid:     2`): a space may follow the colon.
const FIELD = /(?:^|\s)[a-z_]{1,16}: {0,8}\S{1,40}$/;
const PADDED_FIELD = /^[a-z_]{1,16}: /;
const TASK_LINE = /^task:\S/;
const FIELDS = /^[a-z_]{1,16}: {0,8}\S{1,40}(?: {1,8}[a-z_]{1,16}: {0,8}\S{1,40}){0,8}$/;
/** An acquire site on its own: `__driver_attach+0x19c/0x2c0`, `[<c05937fd>] ps2_command+0x6a/0x2bd`. */
// The start of an acquire site cut by a quoted-printable soft break: `file_start_wr=`,
// `vfs_write+0x2=` (its rest on the next line).
const QP_SITE_START = /^[A-Za-z_][\w.]{0,120}(?:\+[0-9a-fx/]{0,24})?=$/;
// A lockdep lock line's address alone (print_lock: `ADDR (name){usage}-{…}, at: site`
// after `is trying to acquire lock:` / `but task is already holding lock:`), and the name
// and usage that follow it (kernel/locking/lockdep.c). (A held-lock list's `#N: ADDR`
// alone is a console line of its own: print_lock's pieces are KERN_CONT printks, which a
// busy console splits; the list's parser reads them so.)
const LOCK_ADDRESS_ALONE = /^[0-9a-f]{8,16}$/;
/** A lockdep lock line cut before its `at:` (`#0: ffff… (&sb->s_type->i_mutex_key#21){+.+.}-{3:3},`):
 *  print_lock writes `, at: ` before the site, so a line ending in the usage and a comma goes
 *  on with `at:`. */
const LOCK_BEFORE_AT = /\)\{[-+.?]{2,12}\}(?:-\{\d{1,2}:\d{1,2}\})?,$/;
const LOCK_NAME_USAGE = /^\(.{1,240}\)\{[-+.?]{2,12}\}/;
const SITE =
  /^(?:\[<[0-9a-f]{6,16}>\] ?)?[A-Za-z_.$][\w.$]{0,127}\+0x[0-9a-f]{1,8}\/0x[0-9a-f]{1,8}(?: \[[\w-]{1,64}\])?$/;
/** The same site as syzkaller's symbolizer prints it, with its source line:
 *  `do_truncate+0x20c/0x310 fs/open.c:64`, or an inlined function's
 *  `inode_lock include/linux/fs.h:802 [inline]` (syzkaller's pkg/report adds the source
 *  line to each frame it symbolizes). */
const SYZ_SITE =
  /^[A-Za-z_.$][\w.$]{0,127}(?:\+0x[0-9a-f]{1,8}\/0x[0-9a-f]{1,8}(?: \[[\w-]{1,64}\])? [\w/.+-]{1,200}\.[chS]:\d{1,6}|(?: [\w/.+-]{1,200}\.[chS]:\d{1,6}(?::\d{1,4})? \[inline\]))$/;
/** sparc32's show_stack prints each frame with two printk calls, `[%08lx : ` and `%pS ] `,
 *  that a 4.9+ printk puts on two lines: `[f0067d00 : ` then `do_raw_spin_lock+0xa8/0xd8 ] `
 *  (arch/sparc/kernel/process_32.c). The second half is the rest of the first. */
const SPARC_PC = /^\[[0-9a-f]{8,16} :$/;
const SPARC_SYM =
  /^(?:[A-Za-z_.$][\w.$]{0,127}\+0x[0-9a-f]{1,8}\/0x[0-9a-f]{1,8}(?: \[[\w-]{1,64}\])?|0x[0-9a-f]{1,16}) \]$/;
/** A `Code:` line's bytes (`<49>` marks the faulting one, `(…)` a 2-byte opcode) wrapped
 *  onto the next lines: nothing but byte pairs. */
const CODE_HEAD = /^Code: /;
const CODE_BYTES = /^(?:[<(]?[0-9a-f]{2}[>)]?(?: |$)){4,40}$/;
/** A lockdep record's end cut after the site's address: `…, at: [<ffffffff81165c5d>]`. */
const AT_ADDRESS = /, at: \[<[0-9a-f]{6,16}>\]$/;
/** A separator line: lockdep's and the kernel's `-----` / `=====` rules. */
const RULE = /^[-=*_~]{3,}$/;
// A 5.x+ task line cut after its state, and the fields that follow the state there.
/** No physical lines (joinedText's sets, where a caller keeps none). */
const NONE: ReadonlySet<number> = new Set();
const TASK_STATE_CUT = /^task:\S{1,64} {1,16}state:[A-Za-z]{1,2}$/;
const STACK_FIELD_REST = /^(?:running task {1,8})?stack: {0,8}\d{1,8} pid: {0,8}\d{1,10}\b/;
/** A 32-bit ARM backtrace entry cut after its caller's address (`… from [<c02bb87c>]`,
 *  or before it, `… from`), and the rest a client moved to the next line. */
const ARM_FROM_ADDRESS = /\) from \[<[0-9a-f]{8,16}>\]$/;
const ARM_CALLER_REST = /^\([A-Za-z_.$][\w.$]{0,127}\+0x[0-9a-f]{1,8}\/0x[0-9a-f]{1,8}(?: \[[\w-]{1,64}\])?\)$/;
const ARM_ADDRESS_REST =
  /^\[<[0-9a-f]{8,16}>\] \([A-Za-z_.$][\w.$]{0,127}\+0x[0-9a-f]{1,8}\/0x[0-9a-f]{1,8}(?: \[[\w-]{1,64}\])?\)$/;
/** show_regs' `CPU: … Comm: … Tainted: G S          OE     6.1.0 #1` cut inside its taint
 *  flags: print_tainted() (kernel/panic.c) writes one letter or one space per taint bit, so a
 *  client that breaks in a run of those spaces leaves the rest of the flags, indented by the
 *  spaces it kept, then the release (`          OE    6.1.0 #1`). No kernel line starts so. */
const TAINT_CUT = /(?:^| )Tainted: [A-Z](?:[A-Z ]{0,30}[A-Z])?$/;
const TAINT_REST = /^[A-Z](?:[A-Z ]{0,30}[A-Z])?(?: {2,16}\S.{0,120})?$/;
/** The end of a 2.4–2.6.18 task line, which never starts a line: `(L-TLB)` / `(NOTLB)`. */
const TLB_MARK = /^\((?:L-TLB|NOTLB)\)$/;
/** How the rest of a message goes on (a word in lower case, a number), and a frame's start. */
const MID_MESSAGE = /^[a-z0-9]/;
const FRAME_START = /^[A-Za-z_.$][\w.$]{0,127}\+0x/;
/** A crash or shell prompt with its command. */
const PROMPT = /^(?:crash[\w.-]{0,16}> |\[?[\w.-]{1,32}@[\w.-]{1,64}[\s:~\]][^#$]{0,64}[#$] )/;
/** A frame decode_stacktrace.sh printed, `fn (file.c:N file.h:M (discriminator 2))`, up
 *  to its list of source locations, and one piece of that list (a location, `??:?`, the
 *  words of a `(discriminator N)`): a client wraps the list anywhere between its pieces. */
const DECODED_HEAD = /^(?:\? )?[A-Za-z_.$][\w.$]{0,127} \(/;
const LOCATION_PIECE =
  /^(?:\(?(?:\.{0,2}\/)?[\w/.+-]{1,200}\.[chS]:(?:\d{1,6}|\?)|\?\?:\?|\(discriminator|\d{1,6})\)*$/;
const MODULE_WORD = /^\[?[\w-]{1,64}\]?$/;
/** A function's name alone on a line (a frame whose location list was wrapped off). */
const FUNCTION_ALONE = /^(?:\? )?[A-Za-z_.$][\w.$]{0,127}$/;
/** arm64's mark of a frame read from the registers (`(P)`, 6.13+) or a trace's `(T)`. */
const FRAME_MARK = /^\([TP]\)$/;
/** A frame and a bare module name after it, `kvm_set_memslot+0x3de/0x680 kvm` (how
 *  decode_stacktrace.sh leaves a module's frame it has no debug info for): the name is
 *  no piece of a frame the next line's `kvm_vm_ioctl+0x11da/0x18d0` finishes. */
const FRAME_THEN_MODULE = /\+0x[0-9a-f]{1,8}\/0x[0-9a-f]{1,8} [\w-]{1,64}$/;
/** A frame `fn+0x1a/0x60` (what a hard wrap inside the offset splits). */
const FRAME_TOKEN = /^(?:\[<[0-9a-f]{6,16}>\] ?)?[A-Za-z_.$][\w.$]{0,127}\+0x[0-9a-f]{1,8}\/0x[0-9a-f]{1,8}$/;

/** A line the sender put where they cut something: `...`, `[...]`, `(...snipped...)`, `<snip>`,
 *  `<...>`. */
const CUT_MARK =
  /^(?:\.{3,}|\u2026|\[ ?(?:\.{3}|\u2026|snip(?:ped)?) ?\]|\( ?(?:\.{3}|\u2026)? ?(?:snip(?:ped)?|cut)? ?(?:\.{3}|\u2026)? ?\)|<\s?(?:snip(?:ped)?|\.{3}|\u2026)\s?>|-{2,} ?snip ?-{2,}|\.{3} ?snip(?:ped)? ?\.{3})$/i;

/** The sender's note in place of what they cut: `[... NMI backtraces of the other CPUs trimmed ...]`. */
const CUT_NOTE = /^(?:\[ ?(?:\.{3}|\u2026)[^\]]{1,230}\]|\( ?(?:\.{3}|\u2026)[^)]{1,230}\))$/;

// Headers that begin a record and that a lost line end glues onto the line before
// (`x0 : 0000000000000300 Call trace:`, `(t=21031 jiffies g=324821 q=95837) NMI backtrace for cpu 33`).
const NMI_HEADER = 'NMI backtrace for cpu ';
const GLUED = ['Call Trace:', 'Call trace:', 'INFO: task ', NMI_HEADER];
/** What a line holding one of GLUED or `INFO: task` holds (`INFO: task ` holds `INFO: task`). */
const GLUED_WORDS = ['Call Trace:', 'Call trace:', 'INFO: task', NMI_HEADER];
/** quoted-printable's escape of `=` itself. */
const QP_EQUALS = '=3D';
/** quoted-printable's escape of UTF-8 U+00A0, the no-break space a mail client (Thunderbird)
 *  writes for runs of spaces: `PID: 310=C2=A0=C2=A0=C2=A0 TASK:`. */
const QP_NBSP = '=C2=A0';
const QP_NBSP_ALL = /=C2=A0/g;

/** An escape only quoted-printable writes: of `=` itself, of a line's trailing space or tab,
 *  or of a UTF-8 character's first two bytes. */
const QP_SURE_ESCAPE = /=3D|=(?:20|09)$|=[C-F][0-9A-F]=[89AB][0-9A-F]/;

/** A quoted-printable escape of a printable ASCII character, a tab or a space (RFC 2045 6.7). */
const QP_ESCAPE = /=(09|2[0-9A-F]|[3-6][0-9A-F]|7[0-9A-E])/g;

/** A line's trailing space or tab, which quoted-printable must encode (`…+0x64/0x1a0=20`,
 *  RFC 2045 6.7 rule 3). */
const QP_TRAILING = /=(?:20|09)$/;
/** The same, where pieces of a joined line ended (a space follows it there). */
const QP_TRAILING_IN_JOIN = /=(?:20|09)(?= |$)/g;

/** Outlook's quoted-printable writes each line end as an escaped line feed followed by a
 *  soft break (`INFO: task cryptomgr_test:314 blocked for more than 120 seconds.=0A=`):
 *  the line ends there, the `=` after it joins nothing. */
const QP_ENCODED_LF = '=0A=';
/** The same where a line ends (the last line of such a body keeps no soft break). */
const QP_ENCODED_LF_END = /=(?:0D=)?0A=?$/;

/** What follows `INFO: task ` in a hung-task headline: `comm:pid blocked …`. */
const TASK_HEADLINE_REST = /^\S{1,64}:\d{1,10} (?:blocked|is blocked)/;
/** All that follows `NMI backtrace for cpu ` when it is the header (lib/nmi_backtrace.c):
 *  prose that names a CPU's backtrace goes on after the number. */
const NMI_HEADER_REST = /^\d{1,5}(?: skipped: idling at \S{1,200})?$/;

/** HTML mail drops the space after `INFO: task`: `INFO: taskbash:2644 blocked …`. */
const TASK_SPACE_LOST = /(^|\s)INFO: task(?=\S{1,64}:\d{1,10} (?:blocked|is blocked))/;

const depthOf = (flags: number) => flags >> LINE_DEPTH_SHIFT;

export function reflow(t: LineTable): LineTable {
  const shape = t.shape;
  if (!shape || t.length === 0) return t;
  const n = t.length;
  const double = doubleSpaced(t, shape);
  const qp = quotedPrintable(t, shape);
  let width = -1; // wrap width, made when first needed

  // Output: logical line k is physical lines first[k]..last[k]; `joinTight` marks a
  // physical line joined to the one before without a space (a frame cut in its offset).
  let first: Int32Array | null = null;
  let last: Int32Array | null = null;
  let count = 0;
  const tight = new Set<number>();
  const soft = new Set<number>(); // joined after a quoted-printable `=`
  const texts = new Map<number, string>(); // logical lines whose text is not a plain join
  const splits: { at: number; parts: string[] }[] = [];
  let identity = true;

  // The physical lines that hold a glued header's words, `INFO: task` (whose space HTML
  // mail may have lost; `INFO: task ` holds it too) or, in an undecoded quoted-printable
  // body, `=3D` or `=C2=A0`: found by one search of the input per word, in order (most lines hold
  // none, and are not looked at again).
  // An undecoded quoted-printable body also escapes `=` itself (`cpus=3D1`), and a space
  // or tab at a line's end (`=20`, `=09`): the escapes of a line that holds `=3D` are
  // decoded (a line without one may be plain text beside the body, where `hung=30s`
  // means what it says).
  const marked = t.linesContaining(qp ? [...GLUED_WORDS, QP_EQUALS, QP_NBSP] : GLUED_WORDS);
  let nextMarked = marked.next();

  // A joined record starts at a ` [`: lines without one are not made into strings to
  // look (asked in increasing order, as the finder wants).
  const holdsBracket = t.finder(' [');

  // Made once, not once per line: reflow runs on every line of every input.
  const widthOnce = () => (width < 0 ? (width = wrapWidth(t, shape)) : width);
  const become = () => {
    // The first change: the lines so far map one to one.
    identity = false;
    first = new Int32Array(n);
    last = new Int32Array(n);
    for (let k = 0; k < count; k++) first[k] = last[k] = k;
  };
  const emit = (a: number, b: number) => {
    if (identity && (a !== count || b !== a)) become();
    if (!identity) {
      first![count] = a;
      last![count] = b;
    }
    count++;
  };

  let i = 0;
  while (i < n) {
    if (t.blank(i)) {
      // A web copy's blank line between two lines of the text.
      if (double && i > 0 && i + 1 < n && !empty(t, shape, i - 1) && !empty(t, shape, i + 1)) {
        if (identity) become();
        i++;
        continue;
      }
      // `Dec 10 09:07:48 host kernel:` with its message wrapped onto the next line; or any
      // log prefix (`> > Jan 23 … kernel: [285737.522769]`) whose message a client moved
      // whole to the next line, unquoted when the prefix was quoted: the message did not
      // fit beside the prefix, and the line is not prefixed itself.
      const msg = double && i + 2 < n && t.blank(i + 1) ? i + 2 : i + 1;
      if (
        msg < n &&
        !t.blank(msg) &&
        (shape.flags[i] & LINE_SYSLOG_ONLY
          ? depthOf(shape.flags[msg]) === depthOf(shape.flags[i])
          : shape.flags[i] & LINE_PREFIXED &&
            !(shape.flags[msg] & LINE_PREFIXED) &&
            depthOf(shape.flags[msg]) <= depthOf(shape.flags[i]) &&
            shape.widths[i] + 1 + firstToken(t.trimmed(msg)).length > MIN_WRAP)
      ) {
        const end = continuation(t, shape, msg, i, double, qp, widthOnce, tight, soft);
        emit(i, end);
        i = end + 1;
        continue;
      }
      emit(i, i);
      i++;
      continue;
    }
    if (isCutMark(t, i)) {
      if (identity) become();
      i++;
      continue;
    }
    const end = continuation(t, shape, i, i, double, qp, widthOnce, tight, soft);
    emit(i, end);
    i = end + 1;
  }

  // Glued headers and lost spaces, read only on lines that hold one (native search).
  for (let k = 0; k < count; k++) {
    const a = identity ? k : first![k];
    const b = identity ? k : last![k];
    // A header in GLUED is cut off only where other text comes before it (splitGlued):
    // a line that starts with `Call Trace:` (every task of a sysrq-t dump) holds none.
    let glued = false;
    let gluedAnywhere = false;
    let lost = false;
    let escaped = false;
    // A line of an undecoded quoted-printable body that ends in an encoded space: in such
    // a body a literal `=` is `=3D`, so `=20` at a line's end is the space (`=20` left
    // there hides the end of a frame or a header from the parsers).
    let trailing = false;
    // (A dropped line before this one — a cut mark — is no part of any.)
    while (!nextMarked.done && nextMarked.value < a) nextMarked = marked.next();
    while (!nextMarked.done && nextMarked.value <= b) {
      const words = t.text(nextMarked.value);
      for (let g = 0; g < GLUED.length; g++) {
        const at = words.indexOf(GLUED[g]);
        if (at < 0) continue;
        gluedAnywhere = true;
        if (at > 0 || nextMarked.value !== a || words.indexOf(GLUED[g], 1) > 0) glued = true;
      }
      if (words.includes('INFO: task')) lost = true;
      if (qp && (words.includes(QP_EQUALS) || words.includes(QP_NBSP))) escaped = true;
      nextMarked = marked.next();
    }
    // A line that ends in an escaped line feed (`=0A=`), which ends the logical line.
    let encodedLf = false;
    if (qp) {
      for (let p = a; p <= b; p++)
        if ((t.lastCode(p) === 48 || t.lastCode(p) === 57) && QP_TRAILING.test(t.text(p))) trailing = true;
      const lastCode = t.lastCode(b);
      if ((lastCode === 61 || lastCode === 65) && QP_ENCODED_LF_END.test(t.text(b))) encodedLf = true;
    }
    // Console records a mail client joined onto one line (Outlook: `… ]------------
    // [30880.159530] WARNING: CPU: 60 …`): each `[time]` after other text starts a record.
    // Decoding or mending the text moves its characters: splitGlued then decides alone.
    if (escaped || trailing || lost || encodedLf) glued = gluedAnywhere;
    const records = shape.flags[a] & LINE_PREFIXED && holdsBracket(a) && recordJoinedAt(t.text(a), 1) > 0;
    const joinedRecords =
      records || (b > a && shape.flags[a] & LINE_PREFIXED && joinedRecordIn(t, a + 1, b, holdsBracket));
    if (!glued && !lost && !escaped && !trailing && !encodedLf && !joinedRecords) continue;
    let text = joinedText(t, a, b, tight, soft);
    if (encodedLf) text = text.replace(QP_ENCODED_LF_END, '');
    if (escaped)
      text = text.replace(QP_NBSP_ALL, ' ').replace(QP_ESCAPE, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    else if (trailing) text = text.replace(QP_TRAILING_IN_JOIN, '').trimEnd();
    if (lost && TASK_SPACE_LOST.test(text)) text = text.replace(TASK_SPACE_LOST, '$1INFO: task ');
    const records2 = joinedRecords ? splitRecords(text) : [text];
    const parts = glued ? records2.flatMap(splitGlued) : records2;
    if (parts.length > 1) splits.push({ at: k, parts });
    else if (text !== joinedText(t, a, b, tight, soft)) texts.set(k, text);
    else continue;
    if (identity) become();
  }

  if (identity) return t;
  return build(t, first!, last!, count, tight, soft, texts, splits);
}

/** Column rows: both lines have at least TABLE_FIELDS fields, each of the first ones
 *  starting or (right-aligned numbers) ending in the same column in both, and padding
 *  (two spaces or more) before one of them. */
function sameColumns(a: string, b: string): boolean {
  let padded = false;
  let pa = 0;
  let pb = 0;
  for (let k = 0; k < TABLE_FIELDS; k++) {
    const sa = pa;
    const sb = pb;
    while (pa < a.length && a.charCodeAt(pa) === 32) pa++;
    while (pb < b.length && b.charCodeAt(pb) === 32) pb++;
    if (pa >= a.length || pb >= b.length) return false;
    if (k > 0 && (pa - sa >= 2 || pb - sb >= 2)) padded = true;
    const startA = pa;
    const startB = pb;
    while (pa < a.length && a.charCodeAt(pa) !== 32) pa++;
    while (pb < b.length && b.charCodeAt(pb) !== 32) pb++;
    if (startA !== startB && pa !== pb) return false;
  }
  return padded;
}

/** The line after k (in a double-spaced text, after the blank line between two pieces). */
function nextLine(t: LineTable, shape: LineShape, double: boolean, k: number): number {
  return double && k + 2 < t.length && empty(t, shape, k + 1) && !empty(t, shape, k + 2) ? k + 2 : k + 1;
}

/** Line j is alone between prefixed lines: the line after it carries a log prefix too. */
function sandwiched(t: LineTable, shape: LineShape, double: boolean, j: number): boolean {
  const after = nextLine(t, shape, double, j);
  return after < t.length && (shape.flags[after] & LINE_PREFIXED) !== 0;
}

/** The quote goes on (or ends) at line k: the rest (at `restDepth`) of a wrapped quoted
 *  line is over. A line quoted less deeply than the quote but more than the rest goes on
 *  with an outer quote: a reply quoted a quote-rest and wrapped the lot again
 *  (`> > task:… pid: 340`, `ppid: =`, `>     2 flags:…`). */
function endsQuoteAt(t: LineTable, shape: LineShape, depth: number, restDepth: number, k: number): boolean {
  if (k >= t.length || empty(t, shape, k)) return true;
  const d = depthOf(shape.flags[k]);
  return d > restDepth && d <= depth;
}

/** Line j (of flags `f`, shallower than the quote at `depth`) is the unquoted rest of a
 *  wrapped quoted line: the quote goes on or ends after it, or after one more such line.
 *  A line longer than twice the wrap (a `Code:` line, a module list, a decoded lockdep
 *  line) leaves a longer run of such lines: each but the last is then full, the first
 *  word of the next piece would not have fitted on it within the wrap column `w`. */
function quoteRestEnds(
  t: LineTable,
  shape: LineShape,
  double: boolean,
  depth: number,
  j: number,
  f: number,
  w: () => number,
): boolean {
  const full = (k: number, next: number) => shape.widths[k] + 1 + firstToken(t.trimmed(next)).length > w();
  for (let k = j, n = 0; n < MAX_PARTS; n++) {
    const after = nextLine(t, shape, double, k);
    if (endsQuoteAt(t, shape, depth, depthOf(f), after)) return true;
    if (depthOf(shape.flags[after]) !== depthOf(f) || empty(t, shape, after)) return false;
    if (n === 1 && !(full(j, k) && full(k, after))) return false;
    if (n > 1 && !full(k, after)) return false;
    k = after;
  }
  return false;
}

/**
 * The last physical line of the record that starts at line `from` (its first physical
 * line is `head`, which differs from `from` when `head` is a syslog prefix with nothing
 * after it): the lines after it that continue it, as a wrapping mail client left them.
 * In a double-spaced text the blank line between two pieces is stepped over.
 */
function continuation(
  t: LineTable,
  shape: LineShape,
  from: number,
  head: number,
  double: boolean,
  qp: boolean,
  wrapWidth: () => number,
  tight?: Set<number>,
  soft?: Set<number>,
): number {
  const prefixed = (shape.flags[head] & LINE_PREFIXED) !== 0;
  const depth = depthOf(shape.flags[head]);
  let end = from;
  let prev = from; // the piece joined before `end`
  // The raw width of the line being continued, its quoted-printable soft breaks joined:
  // a client wrapped the decoded text, the encoder then broke it again at 76 columns.
  let endWidth = shape.widths[from];
  let pieceWidth = 0; // endWidth before the last piece was joined
  let parts = 1;
  let length = t.trimmedLength(from);
  // A decoded frame whose location list a client wrapped: the list's rest follows.
  // (Read once a line that may continue it is found: most lines end at the next prefix.)
  let open = -1;
  for (
    let j = nextLine(t, shape, double, end);
    j < t.length && parts < MAX_PARTS;
    j = nextLine(t, shape, double, end)
  ) {
    const f = shape.flags[j];
    if (t.blank(j) || f & LINE_PREFIXED || isCutMark(t, j)) break;
    if (open < 0) open = openLocations(t.trimmed(from));
    const c = t.trimmed(j);
    const before = t.text(end);
    // quoted-printable's soft line break: `memcg_test_=` then `1`; the encoder breaks
    // anywhere, also right before a space (`blocked=` then ` for`).
    const qpSoft = qp && before.endsWith('=') && !before.endsWith('==') && !before.endsWith(QP_ENCODED_LF);
    // lockdep's held-lock record `#0: ffff… (&dev->mutex){....}-{4:4}, at:` with its
    // acquire site wrapped onto the next line, indented or not.
    // Before 4.x the site had its address first, and a client breaks after that too:
    // `…, at: [<ffffffff81165c5d>]` then `suitable_migration_target+0x19d/0x1e0`.
    // (A reply that quoted such a record and wrapped it again leaves `at:` alone, unquoted.)
    const atLabel = before.endsWith(', at:') || (end !== from && before.trim() === 'at:' && t.text(prev).endsWith(','));
    const decodedSite = atLabel && DECODED_FRAME.test(c);
    // `at:` alone after a lock line cut before it (a wrap, then a reply's wrap again).
    const atCut = (c === 'at:' || c.startsWith('at: ')) && LOCK_BEFORE_AT.test(before);
    const atSite =
      atCut ||
      ((atLabel || AT_ADDRESS.test(before)) && SITE.test(c)) ||
      (atLabel && SYZ_SITE.test(c)) ||
      // … or only the start of the site, cut again by a quoted-printable soft break.
      (qp && atLabel && QP_SITE_START.test(c)) ||
      // print_lock cut after the lock's address: `ffff9435aae95c88` then
      // `((work_completion)(&svm_bo->eviction_work)){+.+.}-{0:0}, at: …`.
      (end === from && LOCK_ADDRESS_ALONE.test(t.trimmed(end)) && LOCK_NAME_USAGE.test(c)) ||
      decodedSite ||
      // An ARM call line `[<pc>] (fn+0x0/0x45c) from [<lr>] (caller+0x160/0x188)` cut
      // after or before the caller's address; an old task line cut before `(NOTLB)`.
      (ARM_FROM_ADDRESS.test(before) && ARM_CALLER_REST.test(c)) ||
      (before.endsWith(') from') && (ARM_ADDRESS_REST.test(c) || ARM_CALLER_REST.test(c))) ||
      TLB_MARK.test(c) ||
      (SPARC_PC.test(t.trimmed(end)) && SPARC_SYM.test(c)) ||
      (TAINT_CUT.test(before) && TAINT_REST.test(c)) ||
      (CODE_HEAD.test(t.trimmed(head)) && CODE_BYTES.test(c)) ||
      // sched_show_task's line cut after its state (`task:syz-executor178 state:R`), the
      // rest indented on the next line (`  stack:26960 pid: 6870 ppid:  6869 flags:…`).
      // (The task line may be in pieces itself, cut by quoted-printable soft breaks.)
      (STACK_FIELD_REST.test(c) &&
        TASK_STATE_CUT.test(
          end === from ? t.trimmed(end) : joinedText(t, from, end, tight ?? NONE, soft ?? NONE).trim(),
        ));
    // (An undecoded quoted-printable body may break the list again at 76 columns: `…:116=`.)
    const piece = qp && c.endsWith('=') ? c.slice(0, -1) : c;
    // A decoded frame cut before its list, `rcu_preempt_deferred_qs_handler` then
    // `(kernel/rcu/tree_plugin.h:647) (P)`: the list opens on the next line.
    const listRest =
      open > 0
        ? locationDepth(piece, 0, open)
        : end === from && piece.charCodeAt(0) === 40 /* ( */ && FUNCTION_ALONE.test(before.trim())
          ? locationDepth(piece, 1, 1)
          : -1;
    // A continuation starts where the record's own indentation does (a block indented as
    // a whole keeps it on every line); deeper is the next record's (a frame, a register).
    // Not so after a long log-prefixed line: its rest, unprefixed, keeps the space the
    // client broke at when the message had two there (`state:R  running task`), and
    // goes on mid-message (lower case, not a frame); `[FAILED] …` is a record of its own.
    // (A line wrapped twice, at 80 and again at 72, leaves a short piece after the long
    // one: the message goes on after it as it did after the long one.)
    const midMessage =
      prefixed &&
      (endWidth >= MIN_WRAP || (parts > 1 && endWidth < ORPHAN && pieceWidth >= MIN_WRAP)) &&
      MID_MESSAGE.test(c) &&
      !FRAME_START.test(c);
    // sched_show_task's line (`task:kworker/0:3 state:D … ppid:2`) with its last fields
    // wrapped and indented by the client: no record the kernel prints is fields alone.
    const taskFields = TASK_LINE.test(t.trimmed(from)) && FIELD.test(before) && FIELDS.test(c);
    if (t.indent(j) > t.indent(head) && !atSite && listRest < 0 && !taskFields && !qpSoft && !midMessage) break;
    // A client that wraps a quoted line leaves the rest unquoted, before the next quoted
    // line or the end of the quote.
    // After that unquoted rest, the quote's next line is the next record.
    // (Unless that rest ends in a label whose value the quote's next line holds.)
    // (Or a decoded frame's location list still open, which the quote's next line goes on with.)
    // (Or the quoted line was itself the wrapped start of a longer one before it was quoted:
    // a log-prefixed line whose rest the next quoted line holds unprefixed, or a line that
    // ends in format=flowed's space. Both are read as in the text before it was quoted,
    // against the width the quoted line had with its rest.)
    if (
      depthOf(shape.flags[end]) < depth &&
      depthOf(f) === depth &&
      !dangling(t.trimmed(end), c) &&
      !atSite &&
      listRest < 0 &&
      !prefixed &&
      !(shape.flags[end] & LINE_FLOWED)
    )
      break;
    if (depthOf(f) !== depth && !(depthOf(f) < depth && quoteRestEnds(t, shape, double, depth, j, f, wrapWidth))) break;
    if (length + 1 + c.length > MAX_LINE) break;
    const cut = lastToken(before);
    // A rule (`-----`, `=====`) is a line of its own: a client breaks only at a space.
    // So is the hung-task report's complete second line: what follows is the task line.
    // So is a lockdep report's headline (the version line after it is printed on its own),
    // and each of the report's other fixed lines.
    if (RULE.test(t.trimmed(end)) || HUNG_TASK_ECHO_LINE.test(t.trimmed(end)) || isWholeLockdepLine(t.trimmed(end)))
      break;
    // A label's value alone on the line after it ends the record: what follows is the
    // next record, however short the value's line is.
    if (dangling(t.trimmed(end), c)) {
      // (A quoted-printable soft break is no space: `COMMAND: "kwo=` then `rker/u114:1"`.)
      if (qpSoft) soft?.add(j);
      end = j;
      break;
    }
    // A hard wrap inside a frame's offset: `…+0x1a/` then `0x60` (not a break at the space
    // after `[<ffffffff843718ba>]`, which the frame has too).
    if (
      endWidth >= 40 &&
      !FRAME_TOKEN.test(cut) &&
      !FRAME_THEN_MODULE.test(before) &&
      FRAME_TOKEN.test(cut + firstToken(c)) &&
      !FRAME_TOKEN.test(cut + ' ' + firstToken(c))
    ) {
      tight?.add(j);
    } else if (qpSoft) {
      soft?.add(j);
    } else if (
      atSite ||
      listRest >= 0 ||
      (UNCLOSED.test(cut) && endWidth >= 40) ||
      (endWidth >= MIN_WRAP - 10 && (CONTINUING.test(c) || (HEX_WORD.test(cut) && HEX_WORDS.test(c))))
    ) {
      // `, at:` then its site; `[snd_soc_fsl_xcvr` then `ac1b3138…]`; `… CPU: 19` then
      // `COMMAND: "…"`; a `bt -f` / `rd` line of stack words with its last words wrapped.
    } else {
      const full = endWidth + 1 + firstToken(c).length;
      const flowed = (shape.flags[end] & LINE_FLOWED) !== 0 && full > MIN_WRAP && endWidth >= MIN_WRAP - 20;
      // A line wrapped twice (at 76, then at 72) leaves a short piece between two long ones.
      const orphan = parts > 1 && endWidth < ORPHAN && !soft?.has(end);
      if (prefixed) {
        if ((full <= MIN_WRAP && !orphan) || FOREIGN_OPENERS.some((re) => re.test(c))) break;
        // A sentence is the sender's, unless it is the one unprefixed line between two
        // prefixed ones and the line before it reaches the text's wrap column: a kernel
        // message's rest (`… waiting for lo to become free.` then `Usage count = 6`).
        if (
          SENTENCE.test(c) &&
          !(sandwiched(t, shape, double, j) && full > wrapWidth() && endWidth >= wrapWidth() - WALL * 3)
        )
          break;
      } else {
        // `task:… pid:276182 ppid:2` then `flags:0x00004000`: a list of fields cut between two
        const fields = endWidth >= MIN_WRAP - 10 && FIELD.test(before) && FIELDS.test(c);
        // (A padded first field, `ppid:     2`, looks like an opener's `label: value`.)
        if (!(fields && PADDED_FIELD.test(c)) && OPENERS.some((re) => re.test(c))) break;
        // A command at a crash or shell prompt is followed by its output, not its rest.
        if (PROMPT.test(t.trimmed(head))) break;
        // A table's next row (`ps`, `top`, crash's `ps`): its fields start in the columns of
        // the row before, which a wrapped line's rest does not line up with.
        if (sameColumns(t.text(end), t.text(j)) || (end !== from && sameColumns(t.text(from), t.text(j)))) break;
        if (!flowed && !orphan && !fields) {
          const w = wrapWidth();
          // Each quote level added after the wrap widens the lines by its mark (`> `).
          if (w < MIN_WRAP - 10 || w > MAX_WRAP + 2 * depth || full <= w || endWidth < w - 24) break;
        }
      }
    }
    if (open > 0 || listRest >= 0) open = Math.max(0, listRest);
    else if (decodedSite) open = openLocations(c);
    length += 1 + c.length;
    parts++;
    pieceWidth = endWidth;
    // (A quoted line's unquoted rest: the line was as wide as both before the client wrapped it.)
    // (So was a line of an undecoded quoted-printable body that a client wrapped again
    // before its soft break: `…Comm: ifmgr` then `Taint=` then `ed:` is one 76-column line.)
    endWidth = qpSoft
      ? endWidth - 1 + shape.widths[j]
      : (depthOf(f) < depth && depthOf(shape.flags[end]) === depth) || (qp && c.endsWith('=') && !c.endsWith('=='))
        ? endWidth + 1 + shape.widths[j]
        : shape.widths[j];
    prev = end;
    end = j;
  }
  return end;
}

/** How many parentheses of a decoded frame's location list are still open at the end
 *  of line `s` (its pieces from `from` on, `depth` open before them): 0 when the list
 *  closed (a module's name may follow), -1 when a piece is not one of the list's. */
function locationDepth(s: string, from: number, depth: number): number {
  const end = s.trimEnd().length;
  for (let p = from; p < end;) {
    let q = s.indexOf(' ', p);
    if (q < 0 || q > end) q = end;
    const piece = s.slice(p, q);
    if (depth === 0) return q === end && (MODULE_WORD.test(piece) || FRAME_MARK.test(piece)) ? 0 : -1;
    if (!LOCATION_PIECE.test(piece)) return -1;
    for (let k = 0; k < piece.length; k++) {
      const c = piece.charCodeAt(k);
      if (c === 40 /* ( */) depth++;
      else if (c === 41 /* ) */ && --depth < 0) return -1;
    }
    p = q + 1;
  }
  return depth;
}

/** The open parentheses a decoded frame's line leaves (0 when it is none or is whole). */
function openLocations(s: string): number {
  if (s.charCodeAt(s.length - 1) === 41 /* ) */ || s.indexOf(' (') < 0) return 0;
  const m = DECODED_HEAD.exec(s);
  return m ? Math.max(0, locationDepth(s, m[0].length, 1)) : 0;
}

/**
 * Is the text quoted-printable that nobody decoded (a mail archive's raw body)? Lines
 * that end in `=`, the soft line break, followed by more text: at least three of them,
 * one at least as wide as a wrap; or six, whatever their width (a reply that wrapped such
 * a body again leaves them short: `…task:httpd` then `sta=` then `te:R`).
 */
function quotedPrintable(t: LineTable, shape: LineShape): boolean {
  let soft = 0;
  let wide = 0;
  const enough = () => soft >= 6 || (soft >= 3 && wide >= 1);
  for (let i = 0; i + 1 < t.length && !enough(); i++) {
    // An underline of `=====` is not a break, nor `pid =` (a client breaks at spaces).
    if (t.lastCode(i) !== 61 /* = */ || t.text(i).endsWith('==') || t.text(i).endsWith(' =')) continue;
    if (!t.blank(i + 1) || (i + 2 < t.length && !t.blank(i + 2))) {
      soft++;
      // QP breaks lines at 76 columns.
      if (shape.widths[i] >= MIN_WRAP) wide++;
    }
  }
  if (enough()) return true;
  // A quoted-printable body that a client wrapped again (at 72, or quoting it) cuts the
  // 76-column lines before their `=`, so no soft break is wide any more; its escape of `=`
  // itself (`idle=3D75a`), of a trailing space, or of a UTF-8 character (`5:17=E2=80=AFPM`,
  // the narrow no-break space Gmail writes in its reply header) still says what it is.
  if (soft < 3) return false;
  for (let i = 0; i < t.length; i++) if (QP_SURE_ESCAPE.test(t.text(i))) return true;
  return false;
}

/** A blank line as uploaded (a syslog prefix without its message is not one). */
function empty(t: LineTable, shape: LineShape, i: number): boolean {
  return t.blank(i) && (shape.flags[i] & LINE_SYSLOG_ONLY) === 0;
}

/** Is `value` the rest of `label`, cut right after it (DANGLING)? */
function dangling(label: string, value: string): boolean {
  for (const [l, v] of DANGLING) if (v.test(value) && l.test(label)) return true;
  return false;
}

function firstToken(s: string): string {
  const k = s.indexOf(' ');
  return k < 0 ? s : s.slice(0, k);
}
function lastToken(s: string): string {
  const k = s.lastIndexOf(' ');
  return k < 0 ? s : s.slice(k + 1);
}

function isCutMark(t: LineTable, i: number): boolean {
  const c = t.firstCode(i);
  // `.`, `…`, `[`, `(`, `<`, `-`
  if (c !== 46 && c !== 0x2026 && c !== 91 && c !== 40 && c !== 60 && c !== 45) return false;
  const n = t.trimmedLength(i);
  if (n <= 24) return CUT_MARK.test(t.trimmed(i));
  return n <= 240 && CUT_NOTE.test(t.trimmed(i));
}

/**
 * Is the text double-spaced, a blank line after every line (a copy from a web page)?
 * Its first 400 lines decide: lines are followed by one blank line and then text, almost
 * never directly by text.
 */
function doubleSpaced(t: LineTable, shape: LineShape): boolean {
  const n = Math.min(t.length, 400);
  let alternating = 0;
  let adjacent = 0;
  for (let i = 0; i + 1 < n; i++) {
    if (empty(t, shape, i)) continue;
    if (!empty(t, shape, i + 1)) adjacent++;
    else if (i + 2 < t.length && !empty(t, shape, i + 2)) alternating++;
  }
  return alternating >= 5 && adjacent * 10 <= alternating;
}

/**
 * The column a mail client wrapped the text at: the widest line that holds a space
 * after its indentation (a client breaks every such line at its wrap column, so none is
 * wider), if lines pile up below it as a client leaves them (at least WALL lines within
 * 10 columns of it); 0 when they do not. A text nobody wrapped gets its widest line's
 * width, mostly beyond MAX_WRAP.
 */
function wrapWidth(t: LineTable, shape: LineShape): number {
  const breakable = (i: number) => !t.blank(i) && t.trimmed(i).indexOf(' ') >= 0;
  let w = 0;
  for (let i = 0; i < t.length; i++) if (shape.widths[i] > w && breakable(i)) w = shape.widths[i];
  let wall = 0;
  for (let i = 0; i < t.length && wall < WALL; i++) if (shape.widths[i] >= w - 10 && breakable(i)) wall++;
  return wall >= WALL ? w : 0;
}

/** Text of physical lines a..b joined: the first keeps its indentation. */
function joinedText(t: LineTable, a: number, b: number, tight: ReadonlySet<number>, soft: ReadonlySet<number>): string {
  let s = t.text(a);
  for (let p = a + 1; p <= b; p++) {
    if (s === '') s = t.text(p);
    else if (soft.has(p)) s = s.slice(0, -1) + t.text(p);
    else if (!t.blank(p)) s += (tight.has(p) ? '' : ' ') + t.trimmed(p); // (a web copy's blank lines are stepped over)
  }
  return s;
}

/**
 * Where a dmesg record joined after other text starts in `s` at or after `from`: the
 * index of the ` ` before its `[  123.456789]` (six fraction digits, as printk prints
 * them), or -1. Read by hand: each ` [` is looked at once.
 */
function recordJoinedAt(s: string, from: number): number {
  for (let k = s.indexOf(' [', from); k >= 0; k = s.indexOf(' [', k + 2)) {
    let p = k + 2;
    while (p < s.length && p - k < 9 && s.charCodeAt(p) === 32) p++;
    const d = p;
    while (p < s.length && p - d < 9 && s.charCodeAt(p) >= 48 && s.charCodeAt(p) <= 57) p++;
    if (p === d || s.charCodeAt(p) !== 46 /* . */) continue;
    const f = ++p;
    while (p < s.length && p - f < 7 && s.charCodeAt(p) >= 48 && s.charCodeAt(p) <= 57) p++;
    if (p - f === 6 && s.charCodeAt(p) === 93 /* ] */ && s.charCodeAt(p + 1) === 32) return k;
  }
  return -1;
}

/** Does a physical line of a..b (each joined after the record's first) hold a joined record? */
function joinedRecordIn(t: LineTable, a: number, b: number, holdsBracket: (i: number) => boolean): boolean {
  for (let p = a; p <= b; p++) if (holdsBracket(p) && recordJoinedAt(t.text(p), 0) >= 0) return true;
  return false;
}

/** The text cut before each joined record, the record's `[time]` (and caller id) removed
 *  as the line reader removes a line's own. */
function splitRecords(text: string): string[] {
  const parts: string[] = [];
  let rest = text;
  for (let guard = 0; guard < 64; guard++) {
    const at = recordJoinedAt(rest, 1);
    if (at < 0) break;
    // (The joined record's printk level, `<4> [308.553799]`, ends the text before it.)
    const head = withoutTrailingLevel(rest.slice(0, at).trimEnd());
    if (head.trim() !== '') parts.push(head);
    rest = rest.slice(rest.indexOf(']', at) + 2);
    const caller = /^\[ {0,8}[TC]\d{1,9}\] ?/.exec(rest);
    if (caller) rest = rest.slice(caller[0].length);
  }
  parts.push(withoutTrailingLevel(rest));
  return parts;
}

/** The text cut before each header in GLUED that follows other text and a space. */
function splitGlued(text: string): string[] {
  const parts: string[] = [];
  let rest = text;
  for (let guard = 0; guard < 8; guard++) {
    let at = -1;
    for (const g of GLUED) {
      const k = rest.indexOf(g, 1);
      // (syzbot's title glues on with no space at all: `… in do_page_mkwriteINFO: task syz:4876 blocked`)
      const after = k < 0 ? '' : rest.slice(k + g.length);
      const glued =
        g === NMI_HEADER
          ? rest.charCodeAt(k - 1) === 32 && NMI_HEADER_REST.test(after)
          : rest.charCodeAt(k - 1) === 32 || (g === 'INFO: task ' && TASK_HEADLINE_REST.test(after));
      if (k > 0 && glued && rest.slice(0, k).trim() !== '' && (at < 0 || k < at)) at = k;
    }
    if (at < 0) break;
    parts.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at);
  }
  parts.push(rest);
  return parts;
}

function build(
  t: LineTable,
  first: Int32Array,
  last: Int32Array,
  count: number,
  tight: Set<number>,
  soft: Set<number>,
  texts: Map<number, string>,
  splits: { at: number; parts: string[] }[],
): LineTable {
  const out: string[] = [];
  const nos: number[] = [];
  const endNos: number[] = [];
  const callers = new Map<number, string>();
  let s = 0;
  for (let k = 0; k < count; k++) {
    const a = first[k];
    const b = last[k];
    let caller: string | null = null;
    for (let p = a; p <= b && caller === null; p++) caller = t.caller(p);
    const parts =
      s < splits.length && splits[s].at === k ? splits[s++].parts : [texts.get(k) ?? joinedText(t, a, b, tight, soft)];
    for (const text of parts) {
      if (caller !== null) callers.set(out.length, caller);
      out.push(text);
      nos.push(t.no(a));
      endNos.push(t.endNo(b));
    }
  }
  return LineTable.of(
    out,
    Int32Array.from(nos),
    Int32Array.from(endNos),
    callers.size ? callers : null,
    t.uploadedLines,
  );
}
