// "The same capture from another boot": a dump's pids, addresses, timestamps and CPU
// numbers changed consistently, wherever the kernel's formats print them, for tests that
// check what must not depend on them (the fingerprint). Conservative by design: a number
// is changed only where its context says what it is, so the rewritten text tells the
// same story; numbers it cannot place are left alone.

export interface Remap {
  /** Added to every kernel address (a multiple of 2 MB: alignment and flag bits kept, as
   *  KASLR and another boot's allocations move them). */
  addressDelta: bigint;
  /** Added to every pid ≥ 100 (0 idle, 1 init, 2 kthreadd and the early kthreads stay). */
  pidDelta: number;
  /** Added to every dmesg timestamp, in microseconds. */
  timeDeltaUs: number;
  /** CPU numbers reversed within 0..max (max: the highest CPU the text names). */
  reverseCpus: boolean;
}

/** Kernel-space addresses, 64-bit (`ffff8801d8cfe250`, `0xffffffff8232bf0e`), leaving the
 *  top 16 MB (`ffffffffffffff13` is -237, a register holding an error code, not an address). */
const ADDR64 = /(?<![0-9A-Za-z_])(0x)?(ffff[0-9a-f]{12}|FFFF[0-9A-F]{12})(?![0-9A-Za-z_])/g;
const NOT_ADDRESS_FROM = 0xffffffffff000000n;

/** 32-bit kernel addresses where the format says they are addresses: `[<c05937fd>]`
 *  (frames), `[c05937fd]` (crash), `c05937fd (&lock->class)` (lockdep). */
const ADDR32 = /(\[<?)([c-f][0-9a-f]{7})(>?\])|(?<=^\s*(?:#\d{1,3}: {1,2})?)([c-f][0-9a-f]{7})(?= \()/gm;

/** A kernel address gdb printed as a signed long (an owner word without `-x`:
 *  `counter = -104752898236224` is 0xffffa0ba50b620c0): from 0xffff000000000000 up to
 *  0xfffff00000000000, so a count like -4294967297 is left alone. */
const SIGNED_ADDR64 = /(?<![\w.])-(\d{14,15})(?![\w.])/g;
const SIGNED_FROM = 0xffff000000000000n;
const SIGNED_UPTO = 0xfffff00000000000n;

function shiftAddresses(text: string, delta: bigint): string {
  const delta32 = Number(delta & 0x0fe00000n);
  return text
    .replace(SIGNED_ADDR64, (m, dec: string) => {
      const v = (1n << 64n) - BigInt(dec);
      if (v < SIGNED_FROM || v >= SIGNED_UPTO) return m;
      const out = (v + delta) & 0xffffffffffffffffn;
      return '-' + ((1n << 64n) - out).toString(10);
    })
    .replace(ADDR64, (m, x: string | undefined, hex: string) => {
      const v = BigInt('0x' + hex);
      if (v >= NOT_ADDRESS_FROM) return m;
      const out = ((v + delta) & 0xffffffffffffffffn).toString(16).padStart(16, '0');
      return (x ?? '') + (hex === hex.toUpperCase() ? out.toUpperCase() : out);
    })
    .replace(
      ADDR32,
      (
        m,
        open: string | undefined,
        inBrackets: string | undefined,
        close: string | undefined,
        bare: string | undefined,
      ) => {
        const hex = inBrackets ?? bare!;
        const v = parseInt(hex, 16) + delta32;
        if (v > 0xffffffff) return m;
        const out = v.toString(16).padStart(8, '0');
        return open !== undefined ? open + out + close : out;
      },
    );
}

/** dmesg's `[ 1290.104807]` (and `[ 1290.104807][ T1064]`): seconds.microseconds. */
const DMESG_TIME = /\[(\s*)(\d{1,10})\.(\d{6})\]/g;

/** A wall-clock time of day (syslog's `Mar 16 11:26:49`, ISO `2021-03-16 11:26:49.124`,
 *  `T11:26:49`): moved within the day. */
const CLOCK = /(?<![0-9:])([01]\d|2[0-3]):([0-5]\d):([0-5]\d)(?![0-9:])/g;

function shiftTimes(text: string, deltaUs: number): string {
  const daySeconds = Math.floor(deltaUs / 1e6) % 3600;
  return text
    .replace(DMESG_TIME, (_m, pad: string, s: string, us: string) => {
      const t = Number(s) * 1e6 + Number(us) + deltaUs;
      const sec = String(Math.floor(t / 1e6));
      const width = pad.length + s.length;
      return `[${sec.padStart(width)}.${String(t % 1e6).padStart(6, '0')}]`;
    })
    .replace(CLOCK, (_m, h: string, m: string, sec: string) => {
      const t = (Number(h) * 3600 + Number(m) * 60 + Number(sec) + daySeconds) % 86400;
      const two = (n: number) => String(n).padStart(2, '0');
      return `${two(Math.floor(t / 3600))}:${two(Math.floor(t / 60) % 60)}:${two(t % 60)}`;
    });
}

/** A decimal number standing alone (not part of a word, a hex word, a version or a time). */
const NUMBER = /(?<![0-9A-Za-z_.#@$-])(\d{3,7})(?![0-9A-Za-z_]|\.\d)/g;
/** printk's caller id of a task: `[ T1064]`, `[T1064]`. */
const CALLER_TASK = /\[(\s*)T(\d{1,7})\]/g;

function remapPids(text: string, pids: Set<number>, delta: number): string {
  const map = (n: number) => (pids.has(n) ? n + delta : n);
  return text
    .replace(CALLER_TASK, (_m, pad: string, p: string) => {
      const v = String(map(Number(p)));
      return `[${pad.slice(0, Math.max(0, pad.length - (v.length - p.length)))}T${v}]`;
    })
    .replace(NUMBER, (m, p: string) => (pids.has(Number(p)) ? String(map(Number(p))) : m));
}

// Where the kernel's formats print a CPU number (kernel/printk caller ids, the watchdogs'
// headlines, NMI backtraces, RCU stall lines, csd-lock warnings, workqueue pools, crash's
// bt/runq headers and ps column, per-CPU kthread names, spin_dump's `.owner_cpu:`). Each
// pattern's group 1 is the number.
const CPU_PLACES = new RegExp(
  [
    String.raw`\[\s*C(\d{1,4})\]`,
    String.raw`\bCPU#0*(\d{1,4})\b`,
    String.raw`\bcpu#(\d{1,4})\b`,
    String.raw`\b(?:CPU|cpu|CPUs|CPUS|cpus)(?::| |=) ?(\d{1,4})(?![0-9\-,])`,
    String.raw`\bdetected by (\d{1,4}),`,
    String.raw`(?<=^|[\s{])(\d{1,4})-(?=[.O][.o][.N]|\.\.\.)`,
    String.raw`\b(?:kworker|ksoftirqd|migration|rcuc|cpuhp|watchdog|swapper|idle_inject|irq_work|rcuop|rcuos)\/(\d{1,4})\b`,
    String.raw`\.owner_cpu: (\d{1,4})\b`,
  ].join('|'),
  'gm',
);

/** The CPU number of one CPU_PLACES match (each alternative has one group). */
function cpuOf(groups: (string | undefined)[]): string {
  return groups.find((g) => g !== undefined)!;
}
/** crash `ps`: `>  1234      2   3  ffff88003570de20  RU   0.0 …` — the third column. */
const CRASH_PS_ROW = /^(\s*>?\s*\d{1,7}\s+\d{1,7}\s+)(\d{1,4})(\s+[0-9a-f]{8,16}\s+[A-Z]{2}\s)/gm;

function highestCpu(text: string): number {
  let max = -1;
  for (const m of text.matchAll(CPU_PLACES)) max = Math.max(max, Number(cpuOf(m.slice(1))));
  for (const m of text.matchAll(CRASH_PS_ROW)) max = Math.max(max, Number(m[2]));
  return max;
}

function reverseCpus(text: string): string {
  const max = highestCpu(text);
  if (max < 1) return text;
  const out = text.replace(CPU_PLACES, (whole: string, ...rest: unknown[]) => {
    const num = cpuOf(rest.slice(0, 8) as (string | undefined)[]);
    const k = whole.lastIndexOf(num);
    return whole.slice(0, k) + String(max - Number(num)) + whole.slice(k + num.length);
  });
  return out
    .replace(CRASH_PS_ROW, (_w, a: string, num: string, b: string) => a + String(max - Number(num)) + b)
    .replace(CPUMASK_BITS, (_w, a: string, words: string, b: string) => a + reverseMaskWords(words, max) + b);
}

/** crash's `struct cpumask` dump: `  bits = {0x8000000, 0x0, …}` (a markdown copy escapes
 *  the brace), one 64-bit word per 64 CPUs (NR_CPUS/64 of them). */
const CPUMASK_BITS =
  /^(\s*bits = \\?\{)((?:0x[0-9a-f]{1,16}|\d{1,20})(?:, (?:0x[0-9a-f]{1,16}|\d{1,20})){0,1023})(\})/gm;

/** The mask's words with each set CPU c moved to max - c (CPUs above max stay). */
function reverseMaskWords(words: string, max: number): string {
  const ws = words.split(', ').map((w) => BigInt(w));
  const out = ws.map(() => 0n);
  ws.forEach((w, k) => {
    for (let b = 0; b < 64 && w > 0n; b++, w >>= 1n) {
      if (!(w & 1n)) continue;
      const c = 64 * k + b;
      const to = c <= max ? max - c : c;
      if (to >> 6 < out.length) out[to >> 6] |= 1n << BigInt(to & 63);
    }
  });
  return out.map((w) => `0x${w.toString(16)}`).join(', ');
}

/** The text as another boot of the same machine and bug would print it. */
export function remapCapture(text: string, pids: Iterable<number>, r: Remap): string {
  let out = text;
  if (r.reverseCpus) out = reverseCpus(out);
  const movable = new Set([...pids].filter((p) => p >= 100));
  if (movable.size && r.pidDelta) out = remapPids(out, movable, r.pidDelta);
  if (r.addressDelta) out = shiftAddresses(out, r.addressDelta);
  if (r.timeDeltaUs) out = shiftTimes(out, r.timeDeltaUs);
  return out;
}
