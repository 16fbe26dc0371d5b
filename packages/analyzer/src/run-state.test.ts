// Per-run state: every table an analysis fills is empty when analyze() returns, so a
// worker analysing dump after dump keeps none of them alive.
import { describe, expect, it } from 'vitest';
import { analyze } from './analyze.js';
import { endRun, perRun, perRunSizes } from './run-state.js';

const DUMP = `INFO: task kworker/0:1:31969 blocked for more than 120 seconds.
      Not tainted 5.15.0-113-generic #123-Ubuntu
task:kworker/0:1     state:D stack:    0 pid:31969 ppid:     2 flags:0x00004000
Workqueue: events acme_work [acme]
Call Trace:
 <TASK>
 __schedule+0x3f6/0xa40
 schedule+0x5b/0xd0
 schedule_preempt_disabled+0x15/0x30
 __mutex_lock.constprop.0+0x3f5/0x7a0
 mutex_lock+0x38/0x50
 acme_work+0x8e/0x170 [acme]
 process_one_work+0x1f4/0x3c0
 worker_thread+0x53/0x3e0
 kthread+0x127/0x150
 ret_from_fork+0x1f/0x30
 </TASK>
#0  [ffffb8a1c3a6fd28] __schedule at ffffffff81a3f6d6
[<80de0078>] (dump_backtrace) from [<80de0574>] (show_stack+0x28/0x2c)
`;

describe('run state', () => {
  it('holds the frames and memos of a run while it runs, and none after analyze()', () => {
    const doc = analyze(DUMP);
    expect(doc.tasks.length).toBeGreaterThan(0);
    const sizes = perRunSizes();
    // Every table of parse/ and knowledge/ is registered, and empty.
    expect(Object.keys(sizes).sort()).toEqual(['frameHeldLocksByName', 'genericFrameByName', 'waitRuleByName']);
    expect(Object.values(sizes).every((n) => n === 0)).toBe(true);
  });

  it('empties what is registered with it', () => {
    const m = perRun('test-only', new Map([['a', 1]]));
    endRun();
    expect(m.size).toBe(0);
  });
});
