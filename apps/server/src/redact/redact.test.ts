import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyze, type AnalysisDocument } from '@hangscope/analyzer';
import { describe, expect, it } from 'vitest';
import { hostNamesOf, kernelAddressShifter, redactText } from './redact.js';

const SYSLOG = [
  'Jan  5 10:20:30 db-7 kernel: [ 4080.216212] INFO: task rmmod:31969 blocked for more than 120 seconds.',
  'Jan  5 10:20:30 db-7 kernel: [ 4080.216229] nfs: server fs1.corp.example.com not responding, still trying (10.20.30.40)',
  'Jan  5 10:20:31 db-7 kernel: eth0: link up, hwaddr 52:54:00:ab:cd:ef, peer fe80::5054:ff:feab:cdef%eth0 and 2a01:4f8:c17:1::2',
  'Jan  5 10:20:32 db-7 systemd[1]: Started getty@tty1.service; mail ops-team+hang@corp.example.com',
  'Jan  5 10:20:33 db-7 kernel: Linux version 5.15.0-113-generic (alice@build-box) (gcc 11.4.0) #123-Ubuntu SMP',
  '[root@db-7 ~]# cat /home/alice/hang.txt /root/secret-project/notes.txt',
  '  mutex at ffff8f1afdf55fe8 held by ffff8f1afdf55fe8; text [<ffffffff9a567c49>] module 0xffffffffc06a2039',
  'db-7 is the box; db-7x and xdb-7 are other words; 12:34:56 is a time; 4.18.0.80 is four numbers',
].join('\n');

describe('redactText', () => {
  it('finds the host names the dump names for itself', () => {
    expect(hostNamesOf(SYSLOG, ['db-7.corp.example'])).toEqual(['db-7.corp.example', 'build-box', 'db-7']);
  });

  it('replaces hosts, addresses, e-mail and home paths, each value by one stable pseudonym', () => {
    const { text, counts } = redactText(SYSLOG, { hosts: ['db-7.corp.example'] });
    expect(text).not.toMatch(/(?<![\w-])db-7(?![\w-])/);
    for (const secret of [
      'build-box',
      'alice',
      '10.20.30.40',
      '52:54:00:ab:cd:ef',
      'fe80::5054',
      '2a01:4f8',
      'ops-team',
      'corp.example.com',
      'secret-project',
    ]) {
      expect(text, secret).not.toContain(secret);
    }
    expect(text).toContain(
      'Jan  5 10:20:30 host-1 kernel: [ 4080.216212] INFO: task rmmod:31969 blocked for more than 120 seconds.',
    );
    expect(text).toContain('(192.0.2.1)');
    expect(text).toContain('hwaddr 02:00:00:00:00:01, peer 2001:db8::1%eth0 and 2001:db8::2');
    expect(text).toContain('getty@tty1.service'); // a systemd unit, not an address
    expect(text).toContain('mail user-1@domain-1.invalid');
    expect(text).toContain('Linux version 5.15.0-113-generic (user-2@host-2) (gcc 11.4.0) #123-Ubuntu SMP');
    expect(text).toContain('[root@host-1 ~]# cat /home/user-2/hang.txt /root/path-1/notes.txt');
    // four dotted numbers may be an address: hidden, on the safe side
    expect(text).toContain(
      'host-1 is the box; db-7x and xdb-7 are other words; 12:34:56 is a time; 192.0.2.2 is four numbers',
    );
    // without kaslr, kernel addresses stay
    expect(text).toContain('ffff8f1afdf55fe8');
    expect(counts).toMatchObject({ host: 3, ipv4: 2, ipv6: 2, mac: 1, email: 1, address: 0 });
    expect(text.split('\n')).toHaveLength(SYSLOG.split('\n').length);
  });

  it('kaslr: addresses move by secret offsets, one-to-one, staying in their region', () => {
    const { text } = redactText(SYSLOG, { kaslr: true, secret: 's1' });
    const line = text.split('\n')[6];
    const m =
      /mutex at (ffff[0-9a-f]{12}) held by (ffff[0-9a-f]{12}); text \[<(ffffffff[0-9a-f]{8})>\] module 0x(ffffffff[0-9a-f]{8})/.exec(
        line,
      )!;
    expect(m).not.toBeNull();
    expect(m[1]).toBe(m[2]); // the same lock stays the same
    expect(m[1]).not.toBe('ffff8f1afdf55fe8');
    // the offset inside its gigabyte is kept
    expect(BigInt(`0x${m[1]}`) & ((1n << 30n) - 1n)).toBe(0xffff8f1afdf55fe8n & ((1n << 30n) - 1n));
    expect(m[3] >= 'ffffffff80000000' && m[3] < 'ffffffffc0000000').toBe(true); // text stays text
    expect(m[4] >= 'ffffffffc0000000').toBe(true); // modules stay modules
    expect(redactText(SYSLOG, { kaslr: true, secret: 's1' }).text).toBe(text); // deterministic
    expect(redactText(SYSLOG, { kaslr: true, secret: 's2' }).text).not.toBe(text);
  });

  it('kaslr: an address printed as a signed long moves as its hex spelling does; a negative count stays', () => {
    const dec = (a: bigint) => '-' + ((1n << 64n) - a).toString(10);
    const { text } = redactText(
      `task ffffa0ba50b620c0\n  owner = { counter = ${dec(0xffffa0ba50b620c0n)} }, count = { counter = -4294967297 }`,
      { kaslr: true, secret: 's1' },
    );
    const [, hex] = /task (ffff[0-9a-f]{12})/.exec(text)!;
    expect(text).toContain(`counter = ${dec(BigInt(`0x${hex}`))} }`);
    expect(text).toContain('counter = -4294967297');
  });

  it('the shift is one-to-one over every region', () => {
    const shift = kernelAddressShifter('x');
    const samples = [
      0xffff000000000000n,
      0xffff888000000000n,
      0xffffc90000000000n,
      0xffffffff7fffffffn,
      0xffffffff80000000n,
      0xffffffffbfffffffn,
      0xffffffffc0000000n,
      0xffffffffffffffffn,
    ];
    const out = samples.map(shift);
    expect(new Set(out).size).toBe(samples.length);
    // The last gigabyte's pages, all of them: still one-to-one, none lands on the top page.
    const pages = new Set<bigint>();
    for (let p = 0xffffffffc0000000n; p < 0xfffffffffffff000n; p += 4096n) pages.add(shift(p));
    expect(pages.size).toBe(262_143);
    expect([...pages].every((p) => p >= 0xffffffffc0000000n && p < 0xfffffffffffff000n)).toBe(true);
    for (const [i, a] of samples.entries()) {
      expect(out[i] >= 0xffff000000000000n && out[i] <= 0xffffffffffffffffn).toBe(true);
      expect(a >= 0xffffffff80000000n).toBe(out[i] >= 0xffffffff80000000n);
    }
  });

  it("keeps error codes and a /proc stack's end marker, which are no addresses", () => {
    const text =
      '[<ffffffff81264a14>] call_rwsem_down_read_failed+0x14/0x30\n[<ffffffffffffffff>] 0xffffffffffffffff\nRAX: ffffffffffffffda\n';
    const out = redactText(text, { kaslr: true, secret: 'fixture' }).text.split('\n');
    expect(out[0]).not.toContain('ffffffff81264a14');
    expect(out.slice(1)).toEqual(['[<ffffffffffffffff>] 0xffffffffffffffff', 'RAX: ffffffffffffffda', '']);
  });

  it('keeps a syslog facility.level, which names no machine, and still replaces a .info host', () => {
    const text = 'kern: kern.info: Jan 13 02:49:23 kernel: kswapd0 D\nnfs: server files.example.info not responding\n';
    const out = redactText(text).text.split('\n');
    expect(out[0]).toBe('kern: kern.info: Jan 13 02:49:23 kernel: kswapd0 D');
    expect(out[1]).not.toContain('files.example.info');
  });

  it('stays linear on repeated lines and a big input', () => {
    const line = 'Jan  5 10:20:30 db-7 kernel: 10.0.0.1 ffff8f1afdf55fe8 ::1 a@b.example /home/x ff:ff:ff:ff:ff:ff\n';
    const small = line.repeat(2_000);
    const big = line.repeat(32_000);
    let t = performance.now();
    redactText(small, { kaslr: true });
    const tSmall = performance.now() - t;
    t = performance.now();
    const r = redactText(big, { kaslr: true });
    const tBig = performance.now() - t;
    expect(r.text.split('\n')).toHaveLength(32_001);
    expect(tBig).toBeLessThan(Math.max(2_000, tSmall * 40));
    const colons = ':'.repeat(200_000);
    t = performance.now();
    redactText(`${colons}\n${'a:'.repeat(100_000)}\n${'1.'.repeat(100_000)}`, { kaslr: true });
    expect(performance.now() - t).toBeLessThan(2_000);
  });
});

/** What must not change when a dump is redacted: the shape of the analysis. */
function shape(doc: AnalysisDocument) {
  const types = new Map(doc.graph.nodes.map((n) => [n.id, n.type]));
  const count = (xs: string[]) =>
    Object.fromEntries([...new Set(xs)].sort().map((x) => [x, xs.filter((y) => y === x).length]));
  return {
    kind: doc.kind,
    fingerprint: doc.fingerprint,
    kernel: doc.kernel,
    tasks: doc.tasks.length,
    locks: doc.locks.length,
    cpus: doc.cpus.length,
    nodes: count(doc.graph.nodes.map((n) => n.type)),
    edges: count(doc.graph.edges.map((e) => `${types.get(e.from)}-${e.kind}->${types.get(e.to)}`)),
    findings: doc.findings.map((f) => `${f.kind}:${f.nodes.length}`),
  };
}

const REAL = fileURLToPath(new URL('../../../../packages/analyzer/fixtures/real/', import.meta.url));

describe('redaction keeps the analysis of every real capture (packages/analyzer/fixtures/real)', () => {
  const files = readdirSync(REAL)
    .filter((f) => f.endsWith('.txt'))
    .sort();
  it('has the fixtures', () => expect(files.length).toBeGreaterThan(30));
  for (const file of files) {
    it(file, () => {
      const text = readFileSync(`${REAL}${file}`, 'utf8');
      const before = analyze(text);
      const { text: redacted } = redactText(text, { kaslr: true, secret: 'fixture' });
      const after = analyze(redacted);
      expect(shape(after)).toEqual(shape(before));
      // The same locks: each lock node's address moved as the text's did.
      const shift = kernelAddressShifter('fixture');
      const moved = (id: string) => id.replace(/ffff[0-9a-f]{12}/g, (h) => shift(BigInt(`0x${h}`)).toString(16));
      const lockIds = (d: AnalysisDocument) =>
        d.graph.nodes
          .filter((n) => n.type === 'lock')
          .map((n) => n.id)
          .sort();
      expect(lockIds(after)).toEqual(lockIds(before).map(moved).sort());
    });
  }
});
