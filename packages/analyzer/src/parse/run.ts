// Text → lines → segments → records: everything format-specific happens here.

import type { CoverageSegment } from '../contract.js';
import { segment } from '../segment/segment.js';
import { splitLines, type LineTable } from '../text/lines.js';
import { reflow } from '../text/reflow.js';
import { PARSERS } from './index.js';
import { scanKernelFacts } from './kernel.js';
import { newContext, type ParseContext } from './parser.js';
import { CAPTURE_MARKER } from '../summary/captures.js';
import { Records } from './records.js';
import { joinCutStacks } from './cut-stacks.js';

export interface Parsed {
  lines: LineTable;
  records: Records;
  coverage: CoverageSegment[];
}

export function parseText(text: string): Parsed {
  // Lines as the kernel printed them: mail wrapping, quoting and web copies undone.
  const lines = reflow(splitLines(text));
  const records = new Records();
  const ctx = newContext(records);
  const coverage = segmentCaptures(lines, ctx);
  joinCutStacks(records);
  scanKernelFacts(lines, records);
  return { lines, records, coverage };
}

/**
 * The segments of each capture on its own (summary/captures.ts): a marker line ends the
 * capture before it whatever a parser was reading there (a trace, a stack header), since
 * each capture's parsers get a table that ends before the next marker. Text without a
 * marker is one capture, segmented as it always was.
 */
function segmentCaptures(lines: LineTable, ctx: ParseContext): CoverageSegment[] {
  const marks: number[] = [];
  const has = lines.finder('=== hangscope capture ');
  for (let i = 0; i < lines.length; i++) if (has(i) && CAPTURE_MARKER.test(lines.trimmed(i))) marks.push(i);
  if (marks.length === 0) return segment(lines, PARSERS, ctx);
  const coverage: CoverageSegment[] = [];
  let from = 0;
  for (const m of [...marks, lines.length]) {
    if (m > from) for (const seg of segment(lines.through(m - 1), PARSERS, ctx, from)) coverage.push(seg);
    if (m < lines.length) {
      const mark = CAPTURE_MARKER.exec(lines.trimmed(m))!;
      ctx.records.captureMarks.push({ seq: Number(mark[1]), line: lines.no(m), createdAt: mark[2] });
      // Nothing of the capture before reads on into this one.
      ctx.shell.command = null;
      ctx.crash.command = null;
      ctx.crash.currentTask = null;
      ctx.crash.currentCpu = null;
      ctx.crash.subject = null;
      ctx.crash.commandFacts = null;
      coverage.push({ format: 'capture_marker', line: lines.no(m), endLine: lines.endNo(m), status: 'parsed' });
    }
    from = m + 1;
  }
  return coverage;
}
