// Known-issue table: every entry must match a realistic dump of its bug and must not
// match a near miss from the same area. Fixtures: fixtures/known-issues/<id>.{match,nomatch}.txt
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyze } from '../analyze.js';
import { KNOWN_ISSUES } from '../knowledge/known-issues.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/known-issues');
const load = (name: string) => readFileSync(join(dir, name), 'utf8');

function knownIds(text: string): string[] {
  return analyze(text)
    .findings.filter((f) => f.kind === 'known_issue')
    .map((f) => (f as { knownIssue: { id: string } }).knownIssue.id);
}

describe('known-issues table', () => {
  it('has at least 12 entries with unique ids', () => {
    expect(KNOWN_ISSUES.length).toBeGreaterThanOrEqual(12);
    expect(new Set(KNOWN_ISSUES.map((i) => i.id)).size).toBe(KNOWN_ISSUES.length);
  });

  for (const issue of KNOWN_ISSUES) {
    it(`${issue.id}: cites fixes, a mitigation, links and signatures`, () => {
      expect(issue.fixes.length).toBeGreaterThanOrEqual(1);
      for (const f of issue.fixes) expect(f).toMatch(/^[0-9a-f]{12,40}$/);
      expect(issue.title.length).toBeGreaterThan(10);
      expect(issue.explanation.length).toBeGreaterThan(80);
      expect(issue.mitigation.trim().length).toBeGreaterThan(10);
      expect(issue.links?.length ?? 0).toBeGreaterThanOrEqual(1);
      for (const l of issue.links ?? []) expect(l).toMatch(/^https?:\/\//);
      expect(issue.links!.some((l) => issue.fixes.some((f) => l.includes(f)))).toBe(true);
      expect(issue.signatures.length).toBeGreaterThanOrEqual(1);
      for (const s of issue.signatures) expect(s.frames.length).toBeGreaterThanOrEqual(2);
    });
  }
});

describe('known-issues fixtures', () => {
  for (const issue of KNOWN_ISSUES) {
    const match = `${issue.id}.match.txt`;
    const nomatch = `${issue.id}.nomatch.txt`;

    it(`${issue.id}: has both fixtures`, () => {
      expect(existsSync(join(dir, match))).toBe(true);
      expect(existsSync(join(dir, nomatch))).toBe(true);
    });

    it(`${issue.id}: matches its bug`, () => {
      const doc = analyze(load(match));
      const hit = doc.findings.find((f) => f.kind === 'known_issue' && f.knownIssue?.id === issue.id);
      expect(hit, `kind=${doc.kind}, known=${knownIds(load(match)).join(',')}`).toBeDefined();
      expect(hit!.knownIssue!.fixes).toEqual(issue.fixes);
      expect(hit!.knownIssue!.mitigation).toBe(issue.mitigation);
      expect(hit!.nodes.length).toBe(issue.signatures.length);
    });

    it(`${issue.id}: does not match a near miss`, () => {
      expect(knownIds(load(nomatch))).not.toContain(issue.id);
    });
  }

  it('near misses and matches of other entries do not cross-match', () => {
    for (const issue of KNOWN_ISSUES) {
      const ids = knownIds(load(`${issue.id}.match.txt`));
      expect(ids.filter((id) => id !== issue.id), issue.id).toEqual([]);
    }
  });
});
