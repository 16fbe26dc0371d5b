// net/core/dev.c netdev_wait_allrefs_any: a device being unregistered still has
// references; the unregistering task (named by the `[T1098]` caller id on 5.x+) waits
// for them, and usually holds things others want (rtnl, pernet_ops_rwsem).
//   unregister_netdevice: waiting for vxcan0 to become free. Usage count = 2

import { lineListParser } from '../line-list.js';

const WAITING = /^unregister_netdevice: waiting for (\S{1,64}) to become free\. Usage count = (-?\d{1,10})$/;

export const netdevRefParser = lineListParser(
  'netdev_refcount',
  'unregister_netdevice: waiting for ',
  WAITING,
  (m, line, ctx) => {
    ctx.records.netdevWaits.push({
      dev: m[1],
      count: Number(m[2]),
      tid: line.callerTid,
      span: { line: line.no, endLine: line.endNo },
    });
  },
);
