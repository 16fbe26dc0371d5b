// Real captures reshaped the way they reach a user: wrapped by a mail client at N
// columns (with and without format=flowed's trailing space), quoted in a reply (`> `,
// `>>`, `> > `, `>` without a space), double-spaced by a web page, wrapped then
// quoted, quoted then wrapped, and sent as an HTML mail. The analysis of each reshaped
// text must keep what the analysis of the text as captured reads: its tasks (by pid),
// its stuck CPUs and its wait-for edges, with every evidence span inside the reshaped
// text.
//
// The captures are every real one the project holds (fixtures/real) and, when this
// checkout sits beside it, the shared real corpus (../shared/corpus/real) and the 136
// syzkaller hang logs (../shared/corpus/syzkaller). A reshaping a
// capture does not survive yet is listed in fixtures/real/reshape-gaps.json (capture →
// reshaping → what is lost); it must still fail, and the test fails the day it passes.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from './analyze.js';
import type { AnalysisDocument, Span } from './contract.js';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const DIRS = [
  resolve(import.meta.dirname, '..', 'fixtures', 'real'),
  resolve(repoRoot, '..', 'shared', 'corpus', 'real'),
  resolve(repoRoot, '..', 'shared', 'corpus', 'syzkaller'),
];

/**
 * What a mail client does to a line wider than `width`: break it at the last space at
 * or before the column (the spaces there are dropped, or one is kept before the break
 * with format=flowed), again on the rest; a line with no space to break at stays whole.
 */
export function wrap(text: string, width: number, flowed = false): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    let rest = line;
    for (;;) {
      if (rest.trimEnd().length <= width) break;
      const indent = rest.length - rest.trimStart().length;
      let k = rest.lastIndexOf(' ', width);
      while (k > indent && rest[k - 1] === ' ') k--;
      if (k <= indent) break;
      out.push(rest.slice(0, k) + (flowed ? ' ' : ''));
      rest = rest.slice(k).trimStart();
    }
    out.push(rest);
  }
  return out.join('\n');
}

/** Every line quoted with `mark` (a blank line gets the mark without its trailing space). */
export function quote(text: string, mark: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? mark.trimEnd() : mark + l))
    .join('\n');
}

/** A web page's copy: a blank line after every line. */
export function doubleSpace(text: string): string {
  return text.split('\n').join('\n\n');
}

const RESHAPINGS: [string, (t: string) => string][] = [
  ['wrapped at 72', (t) => wrap(t, 72)],
  ['wrapped at 78, format=flowed', (t) => wrap(t, 78, true)],
  ['wrapped at 80', (t) => wrap(t, 80)],
  ['quoted "> "', (t) => quote(t, '> ')],
  ['quoted ">>"', (t) => quote(t, '>>')],
  ['quoted "> > "', (t) => quote(t, '> > ')],
  ['double-spaced', doubleSpace],
  ['wrapped at 72, then quoted "> "', (t) => quote(wrap(t, 72), '> ')],
  // A reply that quotes the capture and then wraps it: each long line's rest is left
  // unquoted between quoted lines (how the hugetlbfs capture in fixtures/real was mailed).
  ['quoted "> ", then wrapped at 72', (t) => wrap(quote(t, '> '), 72)],
  // An HTML mail's body as an archive shows it: escaped, quoted `&gt; `, `<br>` at each end.
  ['sent as HTML, quoted', (t) => quote(escapeHtml(t), '&gt; ').replace(/\n/g, '<br>\n') + '<br>'],
];

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** What the checks compare: tasks by pid, stuck CPUs, edges by their endpoints. */
function facts(doc: AnalysisDocument): { tasks: Set<string>; cpus: Set<string>; edges: Set<string> } {
  return {
    tasks: new Set(doc.tasks.filter((t) => t.pid !== null).map((t) => `task:${t.pid}`)),
    cpus: new Set(doc.cpus.filter((c) => c.stuck).map((c) => c.id)),
    edges: new Set(doc.graph.edges.map((e) => `${e.from} -> ${e.to}`)),
  };
}

function missing(want: Set<string>, got: Set<string>): string[] {
  return [...want].filter((x) => !got.has(x));
}

function spansOutside(doc: AnalysisDocument, lineCount: number): string[] {
  const bad: string[] = [];
  const check = (where: string, ev: Span[] | undefined) => {
    for (const s of ev ?? [])
      if (s.line < 1 || s.endLine < s.line || s.endLine > lineCount) bad.push(`${where}: ${JSON.stringify(s)}`);
  };
  for (const t of doc.tasks) check(t.id, t.evidence);
  for (const c of doc.cpus) check(c.id, c.evidence);
  for (const e of doc.graph.edges) check(`${e.from} -> ${e.to}`, e.evidence);
  for (const f of doc.findings) check(f.kind, f.evidence);
  return bad;
}

const GAPS: Record<string, Record<string, string>> = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '..', 'fixtures', 'real', 'reshape-gaps.json'), 'utf8'),
);

const captures: { name: string; text: string }[] = [];
for (const dir of DIRS) {
  if (!existsSync(dir)) continue;
  for (const f of readdirSync(dir).sort())
    if (f.endsWith('.txt'))
      captures.push({ name: f, text: readFileSync(join(dir, f), 'utf8').replace(/\r\n?/g, '\n') });
}

describe('real captures reshaped on their way to the user keep their tasks, stuck CPUs and edges', () => {
  if (captures.length === 0) it.skip('no real captures present', () => {});
  for (const c of captures) {
    it(c.name, () => {
      const base = facts(analyze(c.text));
      const problems: string[] = [];
      for (const [how, reshape] of RESHAPINGS) {
        const text = reshape(c.text);
        const doc = analyze(text);
        const got = facts(doc);
        const lost = [
          ...missing(base.tasks, got.tasks),
          ...missing(base.cpus, got.cpus),
          ...missing(base.edges, got.edges),
        ];
        const gap = GAPS[c.name.replace(/\.txt$/, '')]?.[how];
        if (gap !== undefined && !lost.length)
          problems.push(`${how}: listed in reshape-gaps.json but keeps everything now: remove it from the list`);
        if (gap === undefined && lost.length) problems.push(`${how}: lost ${lost.join(', ')}`);
        const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
        if (doc.lineCount !== lines) problems.push(`${how}: lineCount ${doc.lineCount}, the text has ${lines}`);
        const outside = spansOutside(doc, lines);
        if (outside.length) problems.push(`${how}: evidence outside the text: ${outside.slice(0, 3).join('; ')}`);
      }
      expect(problems).toEqual([]);
    });
  }
});

describe('the reshapings themselves', () => {
  it('wrap breaks at the last space before the column, keeps the indentation, leaves an unbreakable line whole', () => {
    expect(wrap('[  1.000000] INFO: task bash:2644 blocked for more than 147 seconds.', 50)).toBe(
      '[  1.000000] INFO: task bash:2644 blocked for more\nthan 147 seconds.',
    );
    expect(wrap('   ' + 'x'.repeat(60), 50)).toBe('   ' + 'x'.repeat(60));
    expect(wrap('aaaa bbbb', 6, true)).toBe('aaaa \nbbbb');
  });
  it('quote and doubleSpace', () => {
    expect(quote('a\n\nb', '> ')).toBe('> a\n>\n> b');
    expect(doubleSpace('a\nb')).toBe('a\n\nb');
  });
});
