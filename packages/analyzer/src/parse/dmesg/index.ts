// dmesg / console report formats (hung task, lockups, RCU stalls, workqueue dumps,
// sysrq task dumps, lockdep). Ordered: report headers before generic task dumps.

import type { FormatParser } from '../parser.js';
import { hungTaskHintParser, hungTaskParser } from './hung-task.js';
import { sysrqHeaderParser, taskDumpParser } from './task-dump.js';

export const DMESG_PARSERS: FormatParser[] = [hungTaskParser, hungTaskHintParser, sysrqHeaderParser, taskDumpParser];
