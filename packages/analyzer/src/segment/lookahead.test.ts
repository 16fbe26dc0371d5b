// The parsers' linearity rule (parse/parser.ts), checked rather than trusted: a parser may
// read past the lines it consumes (or, when it gives up, past the line it was tried at)
// by a bounded number of lines only. One that scans a whole run and gives up is retried
// at the next line of the run by the segmenter, and the analysis is quadratic in it: the
// crash task-block parser did that on a run of `PID: 14` lines (issue 17).
//
// Every parser is wrapped so that the furthest line it reads in each attempt is
// recorded, and the segmenter is run over every corpus file and over every line shape
// repeated 400 times. The timing test (linearity.test.ts) catches slowness anywhere;
// this one names the parser and does not depend on the machine's speed.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PARSERS } from '../parse/index.js';
import { newContext, type FormatParser } from '../parse/parser.js';
import { Records } from '../parse/records.js';
import { corpusDirs, corpusFiles, lineShapes, repeatLine } from '../testing/line-shapes.js';
import { splitLines, type LineTable } from '../text/lines.js';
import { segment } from './segment.js';

/** Lines a parser may read past the end of what it consumed (or past where it gave up). */
const MAX_OVERREAD = 16;

const BY_INDEX = new Set(['text', 'trimmed', 'blank', 'trimmedLength', 'indent', 'firstCode', 'at', 'caller', 'no']);

interface Overread {
  parser: string;
  lines: number;
  where: string;
}

/** The parsers, each reading through a table that records the furthest line index asked. */
function recordingParsers(worst: Map<string, Overread>, where: () => string): FormatParser[] {
  return PARSERS.map((p) => ({
    ...p,
    parse(lines: LineTable, i: number, ctx) {
      let furthest = i;
      const view = new Proxy(lines, {
        get(target, prop, receiver) {
          const v = Reflect.get(target, prop, receiver);
          if (typeof prop === 'string' && BY_INDEX.has(prop) && typeof v === 'function') {
            return (k: number, ...rest: unknown[]) => {
              if (k < target.length && k > furthest) furthest = k;
              return (v as (...a: unknown[]) => unknown).call(target, k, ...rest);
            };
          }
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
      const r = p.parse(view, i, ctx);
      const consumedTo = r !== null && r > i ? r - 1 : i;
      const over = furthest - consumedTo;
      const w = worst.get(p.name);
      if (!w || over > w.lines) worst.set(p.name, { parser: p.name, lines: over, where: where() });
      return r;
    },
  }));
}

describe('no parser reads ahead without consuming what it read', () => {
  const repoRoot = resolve(import.meta.dirname, '..', '..', '..', '..');
  const files = corpusFiles(corpusDirs(repoRoot));

  it(`over the ${files.length} corpus files and every line shape repeated 400 times, each parser reads at most ${MAX_OVERREAD} lines past what it consumed`, () => {
    const worst = new Map<string, Overread>();
    let where = '';
    const parsers = recordingParsers(worst, () => where);
    const run = (text: string) => {
      const records = new Records();
      segment(splitLines(text), parsers, newContext(records));
    };
    for (const f of files) {
      where = f;
      run(readFileSync(f, 'utf8'));
    }
    for (const s of lineShapes(files)) {
      where = `${JSON.stringify(s.line.slice(0, 100))} ×400`;
      run(repeatLine(s.line, (s.line.length + 1) * 400));
    }
    const over = [...worst.values()].filter((w) => w.lines > MAX_OVERREAD);
    expect(over.map((w) => `${w.parser} read ${w.lines} lines past its end in ${w.where}`)).toEqual([]);
    // Every parser was tried somewhere, so the check covers them all.
    expect(PARSERS.map((p) => p.name).filter((n) => !worst.has(n))).toEqual([]);
  }, 600_000);
});
