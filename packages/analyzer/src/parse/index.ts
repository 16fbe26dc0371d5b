// The ordered table of format parsers the segmenter tries at each line. Order matters
// where two formats could claim the same line: more specific first.

import type { FormatParser } from './parser.js';
import { crashBtParser } from './crash/bt.js';
import {
  crashDisParser,
  crashEvalParser,
  crashKmemOParser,
  crashPromptParser,
  crashPsParser,
  crashPsTimeParser,
  crashRunqParser,
  crashSysParser,
  crashWordsParser,
} from './crash/session.js';
import { crashStructParser } from './crash/struct.js';
import { crashLockSummaryParser } from './crash/lock-summary.js';
import { DMESG_PARSERS } from './dmesg/index.js';
import { SHELL_PARSERS } from './shell/index.js';

export const PARSERS: FormatParser[] = [
  crashPromptParser,
  crashBtParser,
  crashRunqParser,
  crashPsParser,
  crashPsTimeParser,
  crashKmemOParser,
  crashStructParser,
  crashLockSummaryParser,
  crashEvalParser,
  crashDisParser,
  crashSysParser,
  ...DMESG_PARSERS,
  ...SHELL_PARSERS,
  // Memory words last: `ADDR: VALUE` lines that no richer format claimed.
  crashWordsParser,
];
