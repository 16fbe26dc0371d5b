// Text → lines → segments → records: everything format-specific happens here.

import type { CoverageSegment } from '../contract.js';
import { segment } from '../segment/segment.js';
import { splitLines, type LineTable } from '../text/lines.js';
import { reflow } from '../text/reflow.js';
import { PARSERS } from './index.js';
import { scanKernelFacts } from './kernel.js';
import { newContext } from './parser.js';
import { Records } from './records.js';

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
  const coverage = segment(lines, PARSERS, ctx);
  scanKernelFacts(lines, records);
  return { lines, records, coverage };
}
