import { ANALYZER_VERSION, FINGERPRINT_VERSION } from '@hangscope/analyzer';
import { afterEach, describe, expect, it } from 'vitest';
import { CRLF_UTF8_DUMP, HUNG_TASK_DUMP, startApp, upload, type TestApp } from '../__tests__/helpers.js';
import { InlineAnalysisRunner } from '../analysis/pool.js';
import { defaultMigrationsDir } from '../paths.js';
import { reanalyzeStored } from '../services/reanalyze.js';
import { openStore } from '../store/open.js';

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

describe('groups and similar incidents', () => {
  it('groups by fingerprint with counts and first/last seen; similar lists the others', async () => {
    t = await startApp();
    const a = (await upload(t.app, HUNG_TASK_DUMP, '?host=db-1')).json.id;
    // Same hang on another machine: different timestamps, same stack.
    const b = (await upload(t.app, HUNG_TASK_DUMP.replace(/4080\./g, '9120.'), '?host=db-2')).json.id;
    const c = (await upload(t.app, CRLF_UTF8_DUMP)).json.id;
    const fp = (id: string) =>
      t.app.inject({ method: 'GET', url: `/api/incidents/${id}` }).then((r) => r.json().fingerprint as string);
    expect(await fp(a)).toBe(await fp(b));
    expect(await fp(a)).not.toBe(await fp(c));

    const groups = (await t.app.inject({ method: 'GET', url: '/api/groups' })).json().items;
    const byFp = new Map<
      string,
      { count: number; latestId: string; hosts: string[]; firstSeen: string; lastSeen: string }
    >(groups.map((x: { fingerprint: string }) => [x.fingerprint, x]));
    const ab = byFp.get(await fp(a))!;
    expect(ab).toMatchObject({ count: 2, latestId: b, hosts: ['db-1', 'db-2'] });
    expect(ab.firstSeen <= ab.lastSeen).toBe(true);
    expect(byFp.get(await fp(c))!.count).toBe(1);
    expect(groups[0].latestId).toBe(c); // most recently seen first

    const similar = (await t.app.inject({ method: 'GET', url: `/api/incidents/${a}/similar` })).json();
    expect(similar.items.map((i: { id: string }) => i.id)).toEqual([b]);
    expect(similar.items[0].url).toBe(`/i/${b}`);
    expect((await t.app.inject({ method: 'GET', url: `/api/incidents/${c}/similar` })).json().items).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url: '/api/incidents/nope/similar' })).statusCode).toBe(404);
  });
});

describe('a group as a page', () => {
  const json = async (method: 'GET' | 'PATCH' | 'PUT', url: string, payload?: object) => {
    const r = await t.app.inject({ method, url, payload });
    return { status: r.statusCode, body: r.json() };
  };

  it('lists its incidents, kernels, hosts, status and mitigation; a repeat knows what came before', async () => {
    t = await startApp();
    const a = (await upload(t.app, HUNG_TASK_DUMP, '?host=db-1')).json.id;
    // Another boot: other pid, times and addresses.
    const other = HUNG_TASK_DUMP.replace(/31969/g, '4242')
      .replace(/4080\./g, '77.')
      .replace(/ffffffff9a5/g, 'ffffffff8b5');
    const b = (await upload(t.app, other, '?host=db-2')).json.id;
    const fp = (await json('GET', `/api/incidents/${a}`)).body.fingerprint as string;
    expect((await json('GET', `/api/incidents/${b}`)).body.fingerprint).toBe(fp);

    // Before anything is known: the repeat says so, with no mitigation.
    const early = (await json('GET', `/api/incidents/${b}/repeat`)).body;
    expect(early).toMatchObject({ group: fp, groupUrl: `/groups/${fp}`, before: 1, status: 'open', mitigation: null });
    expect(early.last.id).toBe(a);
    expect((await json('GET', `/api/incidents/${a}/repeat`)).body).toMatchObject({
      before: 0,
      last: null,
      mitigation: null,
    });

    await json('PUT', `/api/incidents/${a}/mitigation`, {
      body: 'echo 0 > /sys/module/bsnmod/parameters/async',
      author: 'ana',
    });
    await json('PATCH', `/api/incidents/${a}`, { status: 'mitigated' });

    const g = await json('GET', `/api/groups/${encodeURIComponent(fp)}`);
    expect(g.status).toBe(200);
    expect(g.body).toMatchObject({
      fingerprint: fp,
      count: 2,
      hosts: ['db-1', 'db-2'],
      kernels: ['3.10.0-957.el7.x86_64'],
      status: 'mitigated',
      latestId: b,
    });
    expect(g.body.incidents.map((i: { id: string }) => i.id)).toEqual([b, a]);
    expect(g.body.incidents[1]).toMatchObject({ host: 'db-1', status: 'mitigated', kernel: '3.10.0-957.el7.x86_64' });
    expect(g.body.mitigation).toMatchObject({
      incidentId: a,
      incidentUrl: `/i/${a}`,
      body: 'echo 0 > /sys/module/bsnmod/parameters/async',
      author: 'ana',
    });

    const repeat = (await json('GET', `/api/incidents/${b}/repeat`)).body;
    expect(repeat).toMatchObject({ before: 1, status: 'mitigated', mitigation: { incidentId: a } });
    expect(
      (await json('GET', '/api/groups')).body.items.find((x: { fingerprint: string }) => x.fingerprint === fp),
    ).toMatchObject({ status: 'mitigated', url: `/groups/${fp}` });
    expect((await json('GET', '/api/groups/nope')).status).toBe(404);
  });

  it('merges by hand (duplicate of another incident) and splits by hand, and re-analysis keeps both', async () => {
    t = await startApp();
    const a = (await upload(t.app, HUNG_TASK_DUMP)).json.id;
    const b = (await upload(t.app, HUNG_TASK_DUMP.replace(/4080\./g, '9120.'))).json.id;
    const c = (await upload(t.app, CRLF_UTF8_DUMP)).json.id;
    const fpA = (await json('GET', `/api/incidents/${a}`)).body.fingerprint as string;
    const members = async (key: string) =>
      ((await json('GET', `/api/groups/${encodeURIComponent(key)}`)).body.incidents ?? [])
        .map((i: { id: string }) => i.id)
        .sort();

    // c is another fingerprint; a person says it is the same bug as a.
    expect((await json('PATCH', `/api/incidents/${c}`, { status: 'duplicate', duplicateOf: a })).status).toBe(200);
    expect(await members(fpA)).toEqual([a, b, c].sort());
    expect((await json('GET', `/api/incidents/${c}/repeat`)).body.group).toBe(fpA);

    // b is moved out: a group of its own.
    expect((await json('PATCH', `/api/incidents/${b}`, { groupSplit: true })).status).toBe(200);
    expect(await members(fpA)).toEqual([a, c].sort());
    expect(await members(`split:${b}`)).toEqual([b]);

    // Fingerprints made by older rules (as every row from before migration 0008) are
    // recomputed by re-analysis; groups follow; the decisions stay.
    const store = await openStore({ ...t.store, migrationsDir: defaultMigrationsDir() });
    try {
      await t.sql("UPDATE incidents SET fingerprint_version = 1, fingerprint = 'old-rules', group_key = 'old-rules'");
      expect(await members('old-rules')).toEqual([a, b, c].sort());
      const result = await reanalyzeStored(store, new InlineAnalysisRunner(), { info() {}, warn() {} });
      expect(result).toMatchObject({ updated: 3, failed: 0 });
      expect(await store.idsToReanalyze(ANALYZER_VERSION, FINGERPRINT_VERSION)).toEqual([]);
    } finally {
      await store.close();
    }
    expect(await members(fpA)).toEqual([a, c].sort());
    expect(await members(`split:${b}`)).toEqual([b]);

    // Back in: b rejoins its fingerprint's group.
    await json('PATCH', `/api/incidents/${b}`, { groupSplit: false });
    expect(await members(fpA)).toEqual([a, b, c].sort());
  });
});

describe('similar incidents beyond one fingerprint', () => {
  it('ranks the same group first, then incidents whose frames overlap, each with its reason', async () => {
    t = await startApp();
    const a = (await upload(t.app, HUNG_TASK_DUMP)).json.id;
    const b = (await upload(t.app, HUNG_TASK_DUMP.replace(/4080\./g, '9120.'))).json.id;
    // Another caller of the same flush: another fingerprint, overlapping frames.
    const c = (
      await upload(t.app, HUNG_TASK_DUMP.replace('SyS_delete_module+0x19e/0x310', 'bsn_cleanup+0x19e/0x310 [bsnmod]'))
    ).json.id;
    const d = (await upload(t.app, CRLF_UTF8_DUMP)).json.id;
    const fp = async (id: string) =>
      (await t.app.inject({ method: 'GET', url: `/api/incidents/${id}` })).json().fingerprint as string;
    expect(await fp(c)).not.toBe(await fp(a));

    const items = (await t.app.inject({ method: 'GET', url: `/api/incidents/${a}/similar` })).json().items as {
      id: string;
      score: number;
      reason: string;
    }[];
    expect(items.map((i) => i.id)).toEqual([b, c]);
    expect(items[0]).toMatchObject({ score: 1, reason: 'same fingerprint' });
    expect(items[1].score).toBeGreaterThan(0.5);
    expect(items[1].score).toBeLessThan(1);
    expect(items[1].reason).toMatch(/victim frames overlap/);
    expect(items.some((i) => i.id === d)).toBe(false);
  });
});
