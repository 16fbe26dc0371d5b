// The functions a kernel message enters printk through. A CPU caught under one of them is
// printing: in console_unlock or a console driver's write (a slow serial, hvc or netconsole
// console, or a flood of messages). One message does not hold a CPU for seconds; the loop
// that prints is the printk caller's, or its caller's (dump_task under
// mem_cgroup_scan_tasks, drop_caches_sysctl_handler under its sysctl writes), so naming
// where such a CPU is names those callers too.
//
// Sources: kernel/printk/printk.c (printk, _printk since 5.15, vprintk, vprintk_emit,
// vprintk_default, vprintk_store, printk_deferred / _printk_deferred, console_unlock),
// kernel/printk/printk_safe.c (vprintk_func, 4.x-5.14), drivers/base/core.c
// (dev_printk_emit, dev_vprintk_emit, __dev_printk, _dev_info, _dev_err, _dev_warn,
// _dev_notice, _dev_printk).

import { symbolName } from './symbol.js';

const PRINTK_ENTRY =
  /^(?:_?printk|vprintk(?:_emit|_default|_func|_store|_deferred)?|_?printk_deferred|dev_v?printk_emit|__dev_printk|_dev_(?:info|err|warn|notice|crit|alert|emerg|printk))(?:\.(?:constprop|isra|part|cold)(?:\.\d+)?)*$/;

/** Is `fn` a function a message enters printk through? */
export function isPrintkEntry(fn: string): boolean {
  return PRINTK_ENTRY.test(symbolName(fn));
}
