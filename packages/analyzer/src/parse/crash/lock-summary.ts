// A crash extension's summary of one sleeping lock: its owner read from the owner word
// (task, state, pid, comm) and its wait list, one row per waiter (the waiter entry on
// the task's stack, pid, comm, state, time since it last ran, the waiter's kind), as
// Frank Sorenson's Red Hat walk of a cifs hang shows it:
//
//   <struct rw_semaphore 0xffff8c691158efc0>:
//           owner: <struct task_struct 0xffff8c6914275d00> (UN -   8856 - reopen_file), counter: 0x0000000000000003
//           waitlist: 2
//           0xffff9965007e3c90     8863   reopen_file      UN 0  1:29:22.926  RWSEM_WAITING_FOR_WRITE
//           0xffff996500393e00     9802   ls               UN 0  1:17:26.700  RWSEM_WAITING_FOR_READ
//
// A mail client wraps the long lines: the owner's comm and a row's waiter kind land on a
// line of their own. The owner and the waiters are the dump's own statement.

import type { LockType } from '../../contract.js';
import type { TaskRef } from '../records.js';
import type { FormatParser } from '../parser.js';
import { span } from '../parser.js';
import { CRASH_STATE } from './common.js';

const HEAD = /^<struct (rw_semaphore|mutex|semaphore|rt_mutex) 0x([0-9a-f]{8,16})>:$/;
const OWNER_START = /^owner: <struct task_struct 0x([0-9a-f]{8,16})>/;
// `(UN -   8856 - reopen_file)`: the owner's state, pid and comm.
const OWNER_TASK = /\((\w{2}) - {1,8}(\d{1,9}) - {0,8}([^\s)][^)]{0,63})\)/;
const WAITLIST = /^waitlist: \d{1,6}$/;
const ROW = /^0x[0-9a-f]{8,16} {1,24}(\d{1,9}) {1,24}(\S{1,64}) {1,24}([A-Z]{2})\b/;
const WAITER_KIND = /^(?:RWSEM_WAITING_FOR_(?:READ|WRITE)|[A-Z][A-Z_]{2,40})$/;

const LOCK_TYPES: Record<string, LockType> = {
  rw_semaphore: 'rwsem',
  mutex: 'mutex',
  semaphore: 'semaphore',
  rt_mutex: 'mutex',
};

export const crashLockSummaryParser: FormatParser = {
  name: 'crash_lock_summary',
  startChars: '<',
  starts: (line) => HEAD.test(line.trimmed),
  parse(lines, i, ctx) {
    const head = HEAD.exec(lines.trimmed(i));
    if (!head) return null;
    let owner: TaskRef | null = null;
    const waiters: TaskRef[] = [];
    let last = i;
    let j = i + 1;
    for (; j < lines.length && j < i + 200; j++) {
      const t = lines.trimmed(j);
      if (t === '') break;
      const o = OWNER_START.exec(t);
      if (o) {
        // The owner's comm may be wrapped onto the next line.
        let text = t;
        if (!text.includes(')') && j + 1 < lines.length) {
          text += ' ' + lines.trimmed(j + 1);
          j++;
        }
        const m = OWNER_TASK.exec(text);
        owner = { pid: m ? Number(m[2]) : null, comm: m ? m[3].trim() : null, taskAddr: o[1] };
        last = j;
        continue;
      }
      if (WAITLIST.test(t) || WAITER_KIND.test(t)) {
        last = j;
        continue;
      }
      const r = ROW.exec(t);
      if (r && CRASH_STATE[r[3]]) {
        waiters.push({ pid: Number(r[1]), comm: r[2], taskAddr: null });
        last = j;
        continue;
      }
      break;
    }
    if (!owner && waiters.length === 0) return null;
    ctx.records.lockFacts.push({
      addr: head[2],
      type: LOCK_TYPES[head[1]],
      owner,
      waiters,
      span: span(lines, i, last + 1),
      format: 'crash_lock_summary',
    });
    return last + 1;
  },
};
