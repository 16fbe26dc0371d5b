// dmesg / console report formats (hung task, lockups, RCU stalls, workqueue dumps,
// sysrq task dumps, lockdep). Ordered: report headers before generic task dumps.

import type { FormatParser } from '../parser.js';
import { csdLockParser } from './csd.js';
import { foldedStackParser } from './folded.js';
import { netdevRefParser } from './netdev.js';
import { nfsServerParser } from './nfs.js';
import { pacaInspectionParser } from './paca.js';
import { panicParser } from './panic.js';
import { spinlockDebugParser } from './spinlock-debug.js';
import { hungTaskCutParser, hungTaskHintParser, hungTaskParser } from './hung-task.js';
import {
  heldLocksParser,
  lockdepBacktraceParser,
  lockdepHeadlessParser,
  lockdepReportParser,
  lockdepSavedTraceParser,
} from './lockdep.js';
import {
  announcedStackParser,
  cpuDumpParser,
  hardLockupParser,
  nmiBacktraceParser,
  softLockupParser,
} from './lockups.js';
import { rcuDetailParser, rcuStallParser, rcuTasksHoldoutParser } from './rcu-stall.js';
import { sysrqHeaderParser, taskDumpParser } from './task-dump.js';
import { workqueueDumpParser, workqueueLockupParser } from './workqueue.js';

export const DMESG_PARSERS: FormatParser[] = [
  hungTaskParser,
  hungTaskHintParser,
  hungTaskCutParser,
  softLockupParser,
  hardLockupParser,
  panicParser,
  spinlockDebugParser,
  rcuStallParser,
  rcuDetailParser,
  rcuTasksHoldoutParser,
  workqueueLockupParser,
  workqueueDumpParser,
  lockdepReportParser,
  lockdepHeadlessParser,
  lockdepSavedTraceParser,
  lockdepBacktraceParser,
  heldLocksParser,
  nmiBacktraceParser,
  pacaInspectionParser,
  csdLockParser,
  nfsServerParser,
  netdevRefParser,
  cpuDumpParser,
  announcedStackParser,
  sysrqHeaderParser,
  taskDumpParser,
  foldedStackParser,
];
