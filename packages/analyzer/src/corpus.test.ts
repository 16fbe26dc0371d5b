// Runs the analyzer over every case with a known answer: the project's own corpus
// (fixtures/corpus/NAME.txt + NAME.expect.json) and, when this checkout sits beside it,
// the shared public corpus (../shared/corpus/public). The checks are the same as those of
// ../shared/tools/score-corpus.mjs: each field of an .expect.json is one check, and a
// case fails with the list of checks it missed. Expectations are written from kernel
// knowledge, never from the analyzer's output: do not edit them to make a case pass.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adjacency, reachableFrom } from './testing/reach.js';
import { analyze } from './analyze.js';

interface Expectation {
  source?: string;
  answer?: string;
  kind?: string | string[];
  titleMatches?: string;
  titleIn?: string[];
  kernel?: string;
  tasks?: { pid: number; comm?: string; state?: string }[];
  stuckCpus?: number[];
  lockOwners?: { lock: string; owner: string }[];
  paths?: [string, string][];
  pathsToMatch?: [string, string][];
  noPaths?: [string, string][];
  cycles?: string[][];
  findings?: string[];
  knownIssueFixes?: string[];
  verdictMentions?: string[];
}

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

// The analyzer's document, read loosely: the checks must work on any shape.
type Doc = any;

const edgesOf = (doc: Doc) => adjacency(doc?.graph);
const reachable = reachableFrom;

/** The checks of score-corpus.mjs, one per expectation. */
export function checkCase(doc: Doc, exp: Expectation): Check[] {
  const checks: Check[] = [];
  const add = (name: string, ok: unknown, detail = '') => checks.push({ name, ok: Boolean(ok), detail });
  const adj = edgesOf(doc);
  const tasks: Doc[] = doc?.tasks ?? [];
  const findingKinds = new Set<string>((doc?.findings ?? []).map((f: Doc) => f.kind));

  if (exp.kind) {
    const kinds = Array.isArray(exp.kind) ? exp.kind : [exp.kind];
    add(`kind in [${kinds}]`, kinds.includes(doc?.kind), `got ${doc?.kind}`);
  }
  if (exp.titleMatches) {
    add(
      `title ~ /${exp.titleMatches}/`,
      new RegExp(exp.titleMatches, 'i').test(doc?.title ?? ''),
      `got ${JSON.stringify(doc?.title)}`,
    );
  }
  if (exp.titleIn) {
    add(
      `title is one of ${JSON.stringify(exp.titleIn)}`,
      exp.titleIn.includes(doc?.title),
      `got ${JSON.stringify(doc?.title)}`,
    );
  }
  if (exp.kernel) add(`kernel ${exp.kernel}`, doc?.kernel === exp.kernel, `got ${doc?.kernel}`);
  for (const t of exp.tasks ?? []) {
    const hit = tasks.find(
      (x) => x.pid === t.pid && (!t.comm || x.comm === t.comm) && (!t.state || x.state === t.state),
    );
    add(
      `task ${t.pid}${t.comm ? ' ' + t.comm : ''}${t.state ? ' ' + t.state : ''}`,
      hit,
      hit
        ? ''
        : `tasks seen: ${tasks
            .slice(0, 12)
            .map((x) => `${x.pid}/${x.comm}/${x.state}`)
            .join(' ')}`,
    );
  }
  for (const c of exp.stuckCpus ?? []) {
    const hit = (doc?.cpus ?? []).find((x: Doc) => x.cpu === c && x.stuck === true);
    add(`cpu ${c} stuck`, hit);
  }
  for (const lo of exp.lockOwners ?? []) {
    const lock = (doc?.locks ?? []).find((l: Doc) => l.id === lo.lock);
    const viaLock = lock && lock.owner === lo.owner;
    const viaEdge = (doc?.graph?.edges ?? []).some(
      (e: Doc) => e.from === lo.lock && e.to === lo.owner && e.kind === 'held_by',
    );
    add(`${lo.lock} held by ${lo.owner}`, viaLock || viaEdge, lock ? `owner ${lock.owner}` : 'lock not found');
  }
  for (const [a, b] of exp.paths ?? []) add(`path ${a} -> ${b}`, reachable(adj, a).has(b));
  for (const [a, pattern] of exp.pathsToMatch ?? []) {
    const re = new RegExp(pattern);
    const hit = [...reachable(adj, a)].find((n) => re.test(n));
    add(
      `path ${a} -> /${pattern}/`,
      hit,
      hit ? `via ${hit}` : `reachable: ${[...reachable(adj, a)].slice(0, 10).join(' ')}`,
    );
  }
  for (const [a, b] of exp.noPaths ?? []) add(`no path ${a} -> ${b}`, !reachable(adj, a).has(b));
  for (const cyc of exp.cycles ?? []) {
    let ok = true;
    for (let i = 0; i < cyc.length; i++) {
      if (!reachable(adj, cyc[i]).has(cyc[(i + 1) % cyc.length])) ok = false;
    }
    add(`cycle through ${cyc.join(', ')}`, ok);
  }
  for (const k of exp.findings ?? []) add(`finding ${k}`, findingKinds.has(k), `got ${[...findingKinds].join(',')}`);
  for (const fix of exp.knownIssueFixes ?? []) {
    const hit = (doc?.findings ?? []).some((f: Doc) =>
      (f.knownIssue?.fixes ?? []).some((x: string) => x.startsWith(fix) || fix.startsWith(x)),
    );
    add(`known issue fixed by ${fix}`, hit);
  }
  for (const word of exp.verdictMentions ?? []) add(`verdict mentions ${word}`, (doc?.verdict ?? '').includes(word));
  return checks;
}

interface Case {
  name: string;
  txt: string;
  exp: Expectation;
}

function loadCases(dir: string): Case[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt') && existsSync(join(dir, f.replace(/\.txt$/, '.expect.json'))))
    .sort()
    .map((f) => ({
      name: basename(f, '.txt'),
      txt: join(dir, f),
      exp: JSON.parse(readFileSync(join(dir, f.replace(/\.txt$/, '.expect.json')), 'utf8')) as Expectation,
    }));
}

const packageRoot = resolve(import.meta.dirname, '..');
const repoRoot = resolve(packageRoot, '..', '..');
const ownDir = join(packageRoot, 'fixtures', 'corpus');
const realDir = join(packageRoot, 'fixtures', 'real');
const sharedDir = resolve(repoRoot, '..', 'shared', 'corpus', 'public');
const sharedRealDir = resolve(repoRoot, '..', 'shared', 'corpus', 'real');

/**
 * Real captures the analyzer does not crack yet, each with the missing piece
 * (fixtures/real/known-gaps.json). They run as `it.fails`: the test fails the day a case
 * starts passing, so the list cannot rot.
 */
const realGapsFile = join(realDir, 'known-gaps.json');
const KNOWN_GAPS: Record<string, string> = existsSync(realGapsFile)
  ? (JSON.parse(readFileSync(realGapsFile, 'utf8')) as Record<string, string>)
  : {};

const tally = new Map<string, { cases: number; passed: number; checks: number; ok: number }>();

/**
 * `label` says how the cases are held: 'project' and 'real' cases must each pass (a real
 * one may be listed in known-gaps.json); the shared real corpus is scored as a whole
 * against `floor` (cases that must pass), since its cases are the measure of the work.
 */
function runCorpus(label: string, dir: string, floor?: number) {
  const cases = loadCases(dir);
  const t = { cases: 0, passed: 0, checks: 0, ok: 0 };
  tally.set(label, t);

  it('has cases, each with a kind and at least 3 checks', () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      const n = checkCase({}, c.exp).length; // every expectation yields a check, whatever the doc
      expect(c.exp.kind, `${c.name}: kind`).toBeDefined();
      if (label === 'project' || label === 'real') expect(n, `${c.name}: number of checks`).toBeGreaterThanOrEqual(3);
      if (label === 'real') expect(c.exp.source, `${c.name}: source`).toMatch(/\S{10}/);
    }
  });

  if (floor !== undefined) {
    it(`at least ${floor} of its cases pass`, () => {
      const failing: string[] = [];
      for (const c of cases) {
        const checks = checkCase(analyze(readFileSync(c.txt, 'utf8')), c.exp);
        const bad = checks.filter((x) => !x.ok);
        t.cases++;
        t.checks += checks.length;
        t.ok += checks.length - bad.length;
        if (bad.length === 0) t.passed++;
        else failing.push(`${c.name}: ${bad.map((x) => x.name).join('; ')}`);
      }
      expect(cases.length - failing.length, failing.join('\n')).toBeGreaterThanOrEqual(floor);
    });
    return;
  }

  for (const c of cases) {
    const gap = label === 'real' ? KNOWN_GAPS[c.name] : undefined;
    (gap ? it.fails : it)(gap ? `${c.name} (known gap: ${gap})` : c.name, () => {
      const doc = analyze(readFileSync(c.txt, 'utf8'));
      const checks = checkCase(doc, c.exp);
      const bad = checks.filter((x) => !x.ok);
      t.cases++;
      t.checks += checks.length;
      t.ok += checks.length - bad.length;
      if (bad.length === 0) t.passed++;
      expect(
        bad.map((x) => `${x.name}${x.detail ? '  -- ' + x.detail : ''}`),
        `${c.name}: failed checks`,
      ).toEqual([]);
    });
  }
}

describe('project corpus (fixtures/corpus)', () => {
  runCorpus('project', ownDir);
});

describe('real captures (fixtures/real)', () => {
  if (existsSync(realDir) && loadCases(realDir).length > 0) runCorpus('real', realDir);
  else it.skip('fixtures/real has no cases yet', () => {});
});

describe('shared public corpus (../shared/corpus/public)', () => {
  if (existsSync(sharedDir)) {
    runCorpus('shared', sharedDir);
  } else {
    it.skip(`shared corpus not present at ${sharedDir}: its cases are not run`, () => {});
  }
});

describe('shared real corpus (../shared/corpus/real)', () => {
  if (existsSync(sharedRealDir)) {
    // Raised as the analyzer improves; never lowered.
    runCorpus('shared-real', sharedRealDir, 19);
  } else {
    it.skip(`shared real corpus not present at ${sharedRealDir}: its cases are not run`, () => {});
  }
});

afterAll(() => {
  for (const [label, t] of tally) {
    if (t.cases === 0) continue;
    const pct = (n: number, d: number) => (d ? ((100 * n) / d).toFixed(1) : '0.0');
    console.log(
      `corpus ${label}: ${t.passed}/${t.cases} cases pass (${pct(t.passed, t.cases)}%), ${t.ok}/${t.checks} checks pass (${pct(t.ok, t.checks)}%)`,
    );
  }
});
