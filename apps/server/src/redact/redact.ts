// Redaction of a dump for sharing outside the team: a pure text → text pass (no I/O).
//
// What goes: host names the dump itself names (syslog prefixes, crash's NODENAME, the
// kernel's `Linux version … (user@host)`, shell prompts, "hostname: x" lines) and the
// incident's host field, wherever they occur as a whole token; IPv4 and IPv6 addresses;
// MAC addresses; e-mail addresses; user names in /home/USER paths and what follows
// /root/. Each distinct value gets one stable pseudonym (host-1, 192.0.2.1, user-1, …), so
// "the same host twice" stays visible. Optionally kernel addresses are moved by secret
// offsets (kaslr), so a shared dump does not give away the KASLR layout while equal
// addresses stay equal and distinct ones distinct: a lock seen at one address in two
// places is still one lock, and the analysis of the redacted text keeps its graph.
//
// Every pattern is anchored on its own token with bounded quantifiers, applied once over
// the text: linear in the input.
import { createHmac } from 'node:crypto';

export interface RedactOptions {
  /** Move kernel addresses (ffff…, 16 hex digits) by secret offsets too. */
  kaslr?: boolean;
  /** Secret the KASLR offsets derive from (the same secret and text: the same result). */
  secret?: string;
  /** More host names to replace (the incident's `host` field). */
  hosts?: (string | null | undefined)[];
}

export type RedactionCategory = 'host' | 'ipv4' | 'ipv6' | 'mac' | 'email' | 'user' | 'address';

export interface Redaction {
  text: string;
  /** Distinct values replaced, per category. */
  counts: Record<RedactionCategory, number>;
}

/** Host names never replaced: they name no machine, and are words the analyzer reads. */
const NOT_HOSTS = new Set([
  'localhost',
  'localhost.localdomain',
  'localdomain',
  '(none)',
  'none',
  'kernel',
  'linux',
  'server',
  'host',
  'node',
  'test',
  'debian',
  'ubuntu',
  'fedora',
  'centos',
  'rhel',
  'archlinux',
  'unknown',
  'default',
  'root',
]);

const HOST_TOKEN = String.raw`[A-Za-z0-9][A-Za-z0-9_-]{0,62}(?:\.[A-Za-z0-9_-]{1,63}){0,8}`;

/** Lines that name the machine the dump came from; group 1 is the host name. */
const HOST_SOURCES: RegExp[] = [
  // crash's `sys`: "    NODENAME: db-7"
  new RegExp(String.raw`^[ \t]{0,16}NODENAME:[ \t]{1,16}(${HOST_TOKEN})`, 'gm'),
  // syslog / journal: "Jan  5 10:20:30 db-7 kernel: …", "2024-01-05T10:20:30.123+00:00 db-7 kernel: …"
  new RegExp(
    String.raw`^(?:<\d{1,3}>)?(?:[A-Z][a-z]{2}[ \t]{1,2}\d{1,2}[ \t]\d\d:\d\d:\d\d|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d[.,\d]{0,10}(?:Z|[+-]\d\d:?\d\d)?)[ \t]{1,4}(${HOST_TOKEN})[ \t]{1,4}[\w./@-]{1,64}(?:\[\d{1,10}\])?:`,
    'gm',
  ),
  // "hostname: db-7", "Hostname = db-7", "host name: db-7"
  new RegExp(String.raw`\b(?:[Hh]ostname|HOSTNAME|[Hh]ost name)[ \t]{0,4}[:=][ \t]{0,4}['"<]?(${HOST_TOKEN})`, 'g'),
  // systemd: "Set hostname to <db-7>.", "Changed host name to 'db-7'"
  new RegExp(
    String.raw`(?:[Ss]et hostname to|[Cc]hanged (?:static |pretty |transient )?host ?name to)[ \t]{1,4}['"<]?(${HOST_TOKEN})`,
    'g',
  ),
  // the kernel's banner: "Linux version 5.15.0 (builder@build-host) (gcc …)"
  new RegExp(String.raw`Linux version [^ \t\n]{1,128} \([\w.+-]{1,64}@(${HOST_TOKEN})\)`, 'g'),
  // a shell prompt pasted with the output: "[root@db-7 ~]# crash …", "user@db-7:~$ dmesg"
  new RegExp(String.raw`^[ \t]{0,8}\[?[\w.-]{1,64}@(${HOST_TOKEN})[ :][^\n#$]{0,200}[#$][ \t]`, 'gm'),
];

/** The host names a text names for itself (see HOST_SOURCES), plus the extra ones given. */
export function hostNamesOf(text: string, extra: (string | null | undefined)[] = []): string[] {
  const found = new Set<string>();
  const add = (raw: string | null | undefined) => {
    const name = raw?.trim().replace(/\.$/, '');
    if (
      !name ||
      name.length < 3 ||
      NOT_HOSTS.has(name.toLowerCase()) ||
      /^[\d.]+$/.test(name) ||
      /^[0-9a-f:]+$/i.test(name)
    )
      return;
    found.add(name);
    // The short name of a fully qualified one is the same machine.
    const short = name.split('.', 1)[0];
    if (short !== name && short.length >= 3 && !NOT_HOSTS.has(short.toLowerCase()) && !/^\d+$/.test(short))
      found.add(short);
  };
  for (const pattern of HOST_SOURCES) for (const m of text.matchAll(pattern)) add(m[1]);
  for (const h of extra) add(h);
  // Longest first: "db-7.corp.example" is replaced before "db-7".
  return [...found].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Stable pseudonyms: the n-th distinct value seen gets name(n). */
class Pseudonyms {
  private readonly map = new Map<string, string>();
  constructor(private readonly name: (n: number) => string) {}
  get(value: string): string {
    let p = this.map.get(value);
    if (p === undefined) {
      p = this.name(this.map.size + 1);
      this.map.set(value, p);
    }
    return p;
  }
  get size(): number {
    return this.map.size;
  }
}

/** Documentation ranges (RFC 5737), then a plain label once they run out. */
function ipv4Pseudonym(n: number): string {
  if (n <= 254) return `192.0.2.${n}`;
  if (n <= 508) return `198.51.100.${n - 254}`;
  if (n <= 762) return `203.0.113.${n - 508}`;
  return `ipv4-${n}`;
}

const OCTET = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
const IPV4 = new RegExp(String.raw`(?<![\w.])${OCTET}(?:\.${OCTET}){3}(?![\w]|\.\d)`, 'g');
const HEX4 = '[0-9A-Fa-f]{1,4}';
// Eight groups, or fewer around one "::" (which must stand between groups or at an end).
const IPV6 = new RegExp(
  String.raw`(?<![\w:.])(?:(?:${HEX4}:){7}${HEX4}|(?:${HEX4}(?::${HEX4}){0,6})?::(?:${HEX4}(?::${HEX4}){0,6})?)(?![\w:.])`,
  'g',
);
const MAC = /(?<![\w:-])[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}(?![\w:-])/g;
// A systemd template unit ("getty@tty1.service") is not an address.
const EMAIL = /(?<![\w.+-])([\w.+-]{1,64})@([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24})(?![\w-])/g;
const UNIT_SUFFIX = /\.(?:service|socket|slice|scope|mount|target|timer|device|path|swap|automount)$/;
const HOME = /\/home\/([A-Za-z0-9._-]{1,64})/g;
const ROOT_PATH = /(?<![\w.-])\/root\/([^\s/'"`<>()[\]{},;:]{1,255})/g;
/** Fully qualified names of other machines (an NFS server, a URL's host): two labels or
 *  more under a common top-level domain. Symbols like `ext4_sync_fs.cold` or
 *  `__mutex_lock.isra.5` end in no such domain. */
const FQDN = new RegExp(
  String.raw`(?<![\w.@-])[A-Za-z0-9][A-Za-z0-9-]{0,62}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.(?:com|net|org|io|edu|gov|mil|int|info|biz|dev|cloud|local|lan|internal|intranet|intra|corp|home|priv|private|localdomain|example|test|[a-z]{2})(?![\w-]|\.[A-Za-z0-9])`,
  'g',
);
/** A syslog facility.level a logger writes before each line (`kern.info`, `daemon.info`):
 *  a `.info` name that is no machine's. */
const SYSLOG_PRIORITY =
  /^(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local[0-7])\.(?:emerg|alert|crit|err|warn|warning|notice|info|debug)$/i;
/** Public names that say nothing about the team's machines (upstream links in dumps). */
const PUBLIC_DOMAIN =
  /(?:^|\.)(?:kernel\.org|lkml\.org|redhat\.com|ubuntu\.com|canonical\.com|launchpad\.net|debian\.org|suse\.com|github\.com|fedoraproject\.org|centos\.org)$/i;

const KERNEL_ADDRESS = /(?<!\w)(0x)?(ffff[0-9a-f]{12}|FFFF[0-9A-F]{12})(?!\w)/g;

// The same addresses as gdb prints a signed long (crash's `struct` without `-x`:
// `owner = { counter = -104752898236224 }` is 0xffffa0ba50b620c0), from LOW up to
// 0xfffff00000000000: below that, 14 and 15 digits; a count like -4294967297 is left alone.
const SIGNED_KERNEL_ADDRESS = /(?<![\w.])-(\d{14,15})(?![\w.])/g;
const SIGNED_UPTO = 0xfffff00000000000n;

const GiB = 1n << 30n;
const TOP = 0xffffffff80000000n; // kernel text and modules: [TOP, 2^64)
const LOW = 0xffff000000000000n; // everything else of the kernel's half: [LOW, TOP)
const LOW_BLOCKS = (TOP - LOW) / GiB;
// The top page, -4095..-1, holds no address: error codes (ERR_PTR values, -ENOSYS in RAX
// at a syscall's entry) and the `[<ffffffffffffffff>] 0xffffffffffffffff` line that ends
// each /proc/PID/stack (include/linux/err.h MAX_ERRNO, fs/proc/base.c before 4.9). They
// stay as they are: moved, they would mean nothing, and the stack's end would be lost.
const ERR_PAGE = (1n << 64n) - 4096n;

/**
 * Kernel addresses moved by secret offsets, one-to-one:
 * - at or above 0xffffffff80000000 (x86-64 text and modules), inside each 1 GiB block,
 *   by a multiple of 4 KiB: text stays text and modules modules, and the text's KASLR
 *   slide (2 MiB steps inside that 1 GiB) is hidden; the top page (error codes, the
 *   /proc stack's end marker) stays put;
 * - from 0xffff000000000000 up to there (direct map, vmalloc, vmemmap: where locks and
 *   tasks live), by a multiple of 1 GiB, which hides the direct map's randomized base
 *   (1 GiB steps) and keeps every object's offset inside its gigabyte.
 */
export function kernelAddressShifter(secret: string): (address: bigint) => bigint {
  const digest = createHmac('sha256', secret).update('hangscope kaslr offsets v1').digest();
  const small = (BigInt(digest.readUInt32BE(0)) % ((1n << 18n) - 1n)) + 1n; // 4 KiB steps in 1 GiB, never 0
  const big = (BigInt(digest.readUInt32BE(4)) % (LOW_BLOCKS - 1n)) + 1n;
  const smallOffset = small << 12n;
  return (a) => {
    if (a >= ERR_PAGE) return a;
    if (a >= TOP) {
      // The last gigabyte turns without its top page, so the shift stays one-to-one.
      const base = a & ~(GiB - 1n);
      const size = base + GiB > ERR_PAGE ? ERR_PAGE - base : GiB;
      return base + ((a - base + smallOffset) % size);
    }
    if (a >= LOW) {
      const block = (a - LOW) / GiB;
      return LOW + ((block + big) % LOW_BLOCKS) * GiB + (a & (GiB - 1n));
    }
    return a;
  };
}

/**
 * One redaction across several texts (a dump, then its incident's title, notes and
 * annotations): the same value gets the same pseudonym in all of them. Host names are
 * those of the first text given to the constructor, plus `opts.hosts`.
 */
export class Redactor {
  private readonly hosts = new Pseudonyms((n) => `host-${n}`);
  private readonly ipv4 = new Pseudonyms(ipv4Pseudonym);
  private readonly ipv6 = new Pseudonyms((n) => `2001:db8::${n.toString(16)}`);
  private readonly macs = new Pseudonyms(
    (n) => `02:00:00:00:${((n >> 8) & 0xff).toString(16).padStart(2, '0')}:${(n & 0xff).toString(16).padStart(2, '0')}`,
  );
  private readonly users = new Pseudonyms((n) => `user-${n}`);
  private readonly paths = new Pseudonyms((n) => `path-${n}`);
  private readonly domains = new Pseudonyms((n) => `domain-${n}.invalid`);
  private readonly emails = new Set<string>();
  private readonly addresses = new Map<string, string>();
  private readonly hostPattern: RegExp | null;
  private readonly shift: ((a: bigint) => bigint) | null;

  constructor(
    source: string,
    private readonly opts: RedactOptions = {},
  ) {
    // Names first, from the text as given, before anything in it changes.
    const names = hostNamesOf(source, opts.hosts ?? []);
    this.hostPattern = names.length
      ? new RegExp(String.raw`(?<![\w.-])(?:${names.map(escapeRegExp).join('|')})(?![\w-])`, 'g')
      : null;
    this.shift = opts.kaslr ? kernelAddressShifter(opts.secret ?? '') : null;
  }

  redact(text: string): string {
    let out = text.replace(EMAIL, (whole: string, user: string, domain: string) => {
      if (UNIT_SUFFIX.test(whole)) return whole;
      this.emails.add(whole.toLowerCase());
      return `${this.users.get(user)}@${this.domains.get(domain.toLowerCase())}`;
    });
    out = out.replace(MAC, (m) => this.macs.get(m.toLowerCase().replace(/-/g, ':')));
    out = out.replace(IPV6, (m) => (/[0-9A-Fa-f]/.test(m) && m !== '::' ? this.ipv6.get(m.toLowerCase()) : m));
    out = out.replace(IPV4, (m) => this.ipv4.get(m));
    out = out.replace(HOME, (_m, user: string) => `/home/${this.users.get(user)}`);
    out = out.replace(ROOT_PATH, (_m, rest: string) => `/root/${this.paths.get(rest)}`);
    if (this.hostPattern) out = out.replace(this.hostPattern, (m) => this.hosts.get(m.split('.', 1)[0]));
    out = out.replace(FQDN, (m) =>
      PUBLIC_DOMAIN.test(m) || SYSLOG_PRIORITY.test(m) || !/[A-Za-z]/.test(m.split('.', 1)[0])
        ? m
        : this.hosts.get(m.toLowerCase()),
    );
    // The user of the kernel banner's "(user@host)" is a person too.
    out = out.replace(
      /(Linux version [^ \t\n]{1,128} \()([\w.+-]{1,64})@/g,
      (_m, head: string, user: string) => `${head}${this.users.get(user)}@`,
    );
    const shift = this.shift;
    if (shift) {
      out = out.replace(KERNEL_ADDRESS, (_m, prefix: string | undefined, hex: string) => {
        let moved = this.addresses.get(hex);
        if (moved === undefined) {
          const s = shift(BigInt(`0x${hex}`))
            .toString(16)
            .padStart(16, '0');
          moved = hex !== hex.toLowerCase() ? s.toUpperCase() : s;
          this.addresses.set(hex, moved);
        }
        return `${prefix ?? ''}${moved}`;
      });
      out = out.replace(SIGNED_KERNEL_ADDRESS, (m, dec: string) => {
        const a = (1n << 64n) - BigInt(dec);
        if (a < LOW || a >= SIGNED_UPTO) return m;
        return `-${((1n << 64n) - shift(a)).toString(10)}`;
      });
    }
    return out;
  }

  /** Distinct values replaced so far, per category. */
  get counts(): Record<RedactionCategory, number> {
    return {
      host: this.hosts.size,
      ipv4: this.ipv4.size,
      ipv6: this.ipv6.size,
      mac: this.macs.size,
      email: this.emails.size,
      user: this.users.size,
      address: this.addresses.size,
    };
  }
}

/** Redact one text (see Redactor). */
export function redactText(text: string, opts: RedactOptions = {}): Redaction {
  const r = new Redactor(text, opts);
  return { text: r.redact(text), counts: r.counts };
}
