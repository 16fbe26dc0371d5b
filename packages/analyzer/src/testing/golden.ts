// Golden-file helper: compare a projection with a stored JSON file; UPDATE_GOLDEN=1
// rewrites the file instead (review the diff before committing).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { AnalysisDocument } from '../contract.js';

export function expectGolden(actual: unknown, file: string): void {
  const text = JSON.stringify(actual, null, 2) + '\n';
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    writeFileSync(file, text);
    if (process.env.UPDATE_GOLDEN !== '1')
      throw new Error(`golden file ${file} was missing and has been written: review and commit it`);
    return;
  }
  expect(JSON.parse(text)).toEqual(JSON.parse(readFileSync(file, 'utf8')));
}

/** The parts of a document a golden file pins: what was read and what was concluded. */
export function projectDocument(d: AnalysisDocument) {
  return {
    kind: d.kind,
    title: d.title,
    kernel: d.kernel,
    arch: d.arch,
    tasks: d.tasks.map((t) => ({
      id: t.id,
      comm: t.comm,
      state: t.state,
      cpu: t.cpu,
      taskAddr: t.taskAddr,
      frames: t.frames.map((f) => f.fn),
    })),
    cpus: d.cpus.map((c) => ({ id: c.id, current: c.current, idle: c.idle, stuck: c.stuck, runnable: c.runnable })),
    locks: d.locks.map((l) => ({ id: l.id, type: l.type, owner: l.owner, waiters: l.waiters })),
    edges: d.graph.edges.map((e) => `${e.from} -${e.kind}/${e.confidence}-> ${e.to}`).sort(),
    findings: d.findings.map((f) => `${f.kind}: ${f.nodes.join(' ')}`),
    coverage: (d.coverage ?? [])
      .filter((c) => c.status !== 'prose')
      .map((c) => `${c.format} ${c.line}-${c.endLine} ${c.status}`),
  };
}
