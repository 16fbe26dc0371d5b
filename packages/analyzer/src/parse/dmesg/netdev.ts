// net/core/dev.c netdev_wait_allrefs_any: a device being unregistered still has
// references; the unregistering task (named by the `[T1098]` caller id on 5.x+) waits
// for them, and usually holds things others want (rtnl, pernet_ops_rwsem).
//   unregister_netdevice: waiting for vxcan0 to become free. Usage count = 2

import type { FormatParser } from '../parser.js';
import { span } from '../parser.js';

const WAITING = /^unregister_netdevice: waiting for (\S{1,64}) to become free\. Usage count = (-?\d{1,10})$/;

export const netdevRefParser: FormatParser = {
  name: 'netdev_refcount',
  starts: (line) => line.trimmed.startsWith('unregister_netdevice: waiting for '),
  parse(lines, i, ctx) {
    let j = i;
    for (; j < lines.length; j++) {
      const m = WAITING.exec(lines[j].trimmed);
      if (!m) break;
      ctx.records.netdevWaits.push({ dev: m[1], count: Number(m[2]), tid: lines[j].callerTid, span: span(lines, j, j + 1) });
    }
    return j > i ? j : null;
  },
};
