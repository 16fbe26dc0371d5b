// The kernel release and architecture, wherever the text states them. Each pattern has
// a strength: a `Not tainted 4.18.0-305.el8.x86_64` line beats a release named in prose.

import type { LineTable } from '../text/lines.js';
import type { Records } from './records.js';

// `5.15.0-91-generic`, `6.15.4-arch2-1`, `6.6.31+rpt-rpi-v8`, `6.8.0-rc4-syzkaller-00180-g4f5e…`
const RELEASE = String.raw`(\d{1,2}\.\d{1,3}(?:\.\d{1,4})?(?:[-+][\w.+~-]{1,80})?)`;

const PATTERNS: { re: RegExp; strength: number }[] = [
  // `CPU: 2 PID: 1 Comm: x Not tainted 4.18.0-305.el8.x86_64 #1`, `Tainted: G   W  5.10.0 #1`
  // RHEL prints its own marks after the taint letters: `Tainted: G  OE  --------  ---  5.14.0-…`.
  { re: new RegExp(String.raw`\b(?:Not tainted|Tainted: [A-Z -]{1,60}?) {1,4}${RELEASE}(?: #| |$)`), strength: 10 },
  // `Linux version 5.15.0-91-generic (buildd@…)`
  { re: new RegExp(String.raw`^Linux version ${RELEASE}\b`), strength: 10 },
  // crash header `RELEASE: 3.10.0-957.el7.x86_64` is read by the crash parser (9).
  // `/lib/modules/3.10.0-957.el7.x86_64/`
  { re: new RegExp(String.raw`/lib/modules/${RELEASE}/`), strength: 7 },
  // `uname -r` output alone on a line, or `kernel-3.10.0-957.el7`.
  { re: /^(\d{1,2}\.\d{1,3}\.\d{1,4}[-+][\w.+~-]{1,80})$/, strength: 6 },
  // A distribution release in prose: `Centos7 3.10.0-693.el7.x86_64`.
  {
    re: /(?:^|[^\w.-])(\d\.\d{1,2}\.\d{1,3}-[\w.]{1,60}?\.(?:el\d{1,2}(?:_\d{1,2})?(?:uek)?\.(?:x86_64|aarch64|ppc64le|s390x)|fc\d{2}\.(?:x86_64|aarch64)|x86_64|aarch64|amd64|arm64))(?![\w.-])/,
    strength: 4,
  },
  {
    re: /(?:^|[^\w.-])(\d\.\d{1,2}\.\d{1,3}-\d{1,4}(?:\.\d{1,4}){0,3}-(?:generic|amd64|arm64|cloud-amd64|aws|azure|gcp|lowlatency))(?![\w.-])/,
    strength: 4,
  },
];

const ARCH_HINTS: { re: RegExp; arch: string }[] = [
  { re: /^RIP: (?:00\d\d:|[0-9a-f]{16} )|^RAX: [0-9a-f]{16}|\bx86_64\b/, arch: 'x86_64' },
  { re: /^pc : |^lr : |^x29: |\baarch64\b|\barm64\b/, arch: 'arm64' },
  { re: /^NIP: |\bppc64le\b/, arch: 'ppc64le' },
  { re: /\bs390x\b|^Krnl PSW/, arch: 's390x' },
];

/** The union of ARCH_HINTS: one scan of a line instead of four (most lines match none). */
export const ANY_ARCH_HINT =
  /^(?:RIP: (?:00\d\d:|[0-9a-f]{16} )|RAX: [0-9a-f]{16}|pc : |lr : |x29: |NIP: |Krnl PSW)|\b(?:x86_64|aarch64|arm64|ppc64le|s390x)\b/;

/**
 * False only for lines ANY_ARCH_HINT cannot match: its anchored forms start with one of
 * `R p l x N K`, and its words hold `64` after `_`, `h`, `m` or `c` (x86_64, aarch64,
 * arm64, ppc64le) or `390x`. (Hex addresses hold `64` after a digit or a-f, which is why
 * the letter before it is looked at: a lockdep list's every line has one.)
 */
export function mayHintArch(t: string): boolean {
  if (startsLikeArchHint(t.charCodeAt(0))) return true;
  for (let i = t.indexOf('64', 1); i > 0; i = t.indexOf('64', i + 1)) {
    const p = t.charCodeAt(i - 1);
    if (p === 95 /* _ */ || p === 104 /* h */ || p === 109 /* m */ || p === 99 /* c */) return true;
  }
  return t.indexOf('390x') >= 0;
}

/** `/\d\.\d/.test(t)` by hand: the dots a line has are found by indexOf, and most of
 *  them (`fn.cold+0x…`, `host.example`) fail at once. */
export function hasDigitDotDigit(t: string): boolean {
  for (let i = t.indexOf('.', 1); i > 0 && i + 1 < t.length; i = t.indexOf('.', i + 1)) {
    const a = t.charCodeAt(i - 1);
    const b = t.charCodeAt(i + 1);
    if (a >= 48 && a <= 57 && b >= 48 && b <= 57) return true;
  }
  return false;
}

/** R p l x N K: the first characters of ANY_ARCH_HINT's anchored forms. */
function startsLikeArchHint(c: number): boolean {
  return c === 82 || c === 112 || c === 108 || c === 120 || c === 78 || c === 75;
}

export function archFromRelease(release: string): string | null {
  const m = /(x86_64|aarch64|arm64|ppc64le|s390x|amd64|i686)/.exec(release);
  if (!m) return null;
  return m[1] === 'aarch64' ? 'arm64' : m[1] === 'amd64' ? 'x86_64' : m[1];
}

export function scanKernelFacts(lines: LineTable, records: Records): void {
  let hints = 0;
  // Most lines can hold neither a release nor an arch hint: those are turned away by
  // finders over the input, without making the line's string.
  const hasDot = lines.finder('.');
  const has64 = lines.finder('64');
  const has390 = lines.finder('390x');
  for (let i = 0; i < lines.length; i++) {
    if (lines.trimmedLength(i) < 5) continue;
    let t: string | null = null;
    // Every release pattern needs a digit-dot-digit.
    if (hasDot(i)) {
      t = lines.trimmed(i);
      if (hasDigitDotDigit(t)) {
        for (let k = 0; k < PATTERNS.length; k++) {
          const p = PATTERNS[k];
          const m = p.re.exec(t);
          if (m) {
            records.kernels.push({
              release: m[1],
              arch: archFromRelease(m[1]),
              strength: p.strength,
              line: lines.no(i),
            });
            break;
          }
        }
      }
    }
    if (hints < 50 && (startsLikeArchHint(lines.firstCode(i)) || has64(i) || has390(i))) {
      t ??= lines.trimmed(i);
      if (mayHintArch(t) && ANY_ARCH_HINT.test(t)) {
        for (let k = 0; k < ARCH_HINTS.length; k++) {
          const h = ARCH_HINTS[k];
          if (h.re.test(t)) {
            records.archHints.push({ arch: h.arch, line: lines.no(i) });
            hints++;
            break;
          }
        }
      }
    }
  }
}

/** The best-supported release and arch: highest strength, earliest line. */
export function pickKernel(records: Records): { kernel: string | null; arch: string | null } {
  let best: Records['kernels'][number] | null = null;
  for (const k of records.kernels) {
    if (!best || k.strength > best.strength || (k.strength === best.strength && k.line < best.line)) best = k;
  }
  let arch = best?.arch ?? null;
  if (!arch && records.archHints.length) {
    const counts = new Map<string, number>();
    for (const h of records.archHints) counts.set(h.arch, (counts.get(h.arch) ?? 0) + 1);
    arch = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  }
  return { kernel: best?.release ?? null, arch };
}
