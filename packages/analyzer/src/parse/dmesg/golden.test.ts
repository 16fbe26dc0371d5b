// Golden tests of the dmesg formats: each `fixtures/dmesg/NAME.txt` (plus the public
// seed `fixtures/seeds/seed003-reconstructed.txt`) is parsed and a compact projection of
// the records is compared with `NAME.records.json`. `UPDATE_GOLDEN=1` rewrites them.

import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseText } from '../run.js';
import type { Records, TaskRef } from '../records.js';

const DIR = join(__dirname, '../../../fixtures/dmesg');
const SEEDS = join(__dirname, '../../../fixtures/seeds');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const ref = (t: TaskRef | null | undefined) => (t ? `${t.comm ?? '?'}:${t.pid ?? '?'}` : null);

export function project(r: Records) {
  return {
    tasks: r.tasks.map((t) => ({
      pid: t.pid,
      comm: t.comm,
      state: t.state,
      cpu: t.cpu,
      ...(t.onCpu ? { onCpu: true } : {}),
      ...(t.workqueue ? { workqueue: t.workqueue } : {}),
      ...(t.blockedSeconds != null ? { blockedSeconds: t.blockedSeconds } : {}),
      frames: t.frames.map(
        (f) =>
          `${f.reliable ? '' : '? '}${f.fn}${f.isIp ? ' [ip]' : ''}${f.context && f.context !== 'task' ? ` @${f.context}` : ''}`,
      ),
    })),
    cpus: r.cpus.map((c) => ({
      cpu: c.cpu,
      current: ref(c.current),
      ...(c.idle ? { idle: true } : {}),
      ...(c.stuck ? { stuck: true, stuckReason: c.stuckReason ?? null } : {}),
    })),
    reports: r.reports.map((x) => ({
      kind: x.kind,
      cpu: x.cpu ?? null,
      task: ref(x.task),
      ...(x.cpus?.length ? { cpus: x.cpus } : {}),
      ...(x.subtype ? { subtype: x.subtype } : {}),
    })),
    heldLocks: r.heldLocks.map((h) => ({
      holder: ref(h.holder),
      index: h.index,
      addr: h.addr,
      name: h.name,
      at: h.at,
    })),
    lockFacts: r.lockFacts.map((l) => ({
      type: l.type ?? null,
      addr: l.addr,
      name: l.name ?? null,
      owner: ref(l.owner),
      waiters: (l.waiters ?? []).map(ref),
    })),
    works: r.works.map((w) => ({
      fn: w.fn,
      wq: w.wq,
      state: w.state,
      ...(w.workerPid != null ? { workerPid: w.workerPid } : {}),
      ...(w.poolCpus ? { poolCpus: w.poolCpus } : {}),
    })),
  };
}

const cases: { name: string; txt: string }[] = [];
if (existsSync(join(SEEDS, 'seed003-reconstructed.txt')))
  cases.push({ name: 'seed003-reconstructed', txt: join(SEEDS, 'seed003-reconstructed.txt') });
for (const f of existsSync(DIR) ? readdirSync(DIR).sort() : []) {
  if (f.endsWith('.txt')) cases.push({ name: f.slice(0, -4), txt: join(DIR, f) });
}

describe('dmesg golden records', () => {
  for (const c of cases) {
    it(c.name, () => {
      const got = project(parseText(readFileSync(c.txt, 'utf8')).records);
      const file = join(DIR, `${c.name}.records.json`);
      if (UPDATE || !existsSync(file)) {
        writeFileSync(file, JSON.stringify(got, null, 1) + '\n');
        if (!UPDATE) throw new Error(`wrote missing golden ${file}; review it and re-run`);
        return;
      }
      expect(got).toEqual(JSON.parse(readFileSync(file, 'utf8')));
    });
  }
});
