// Spinlocks known by the functions that take them and the functions that hold them while
// they call inward. A stack that spins in the slow path right under a taker, while an
// outer frame of the same stack holds that lock — the code's own caller, or the task
// context an interrupt stopped on the same CPU — waits for itself: a spinlock does not
// recurse. Dumps of this kind rarely print the lock's address (no CONFIG_DEBUG_SPINLOCK,
// arm64 registers not shown), so the pair of functions is what names the lock. A person
// reads them the same way ("br_multicast_add_group spins on multicast_lock, which
// br_multicast_toggle took further down this stack").
//
// One row per lock, each with the kernel source that shows both sides. The rows feed
// LOCK_TAKERS (knowledge/lock-wrappers.ts: which lock a spin under the taker waits for)
// and FRAME_HELD_LOCKS (knowledge/frame-held-locks.ts: which lock the holder's frame holds).

export interface SpinLockSites {
  /** The lockdep class name. */
  lock: string;
  /** Functions that take the lock in their own body (`|`-separated names). */
  takers: string;
  /** Functions that hold it while they call inward (`|`-separated names). */
  holders: string;
  /** One lock per object (each bridge's, each runqueue's): not a global lock. */
  perObject: boolean;
  /** Whether a holder and a taker on one stack hold the same instance. `likely`: the
   *  taker takes the instance its caller's path holds (one bridge's packets looped back
   *  into that bridge; one device's completion). `guess`: it may take another object's
   *  (ttwu_queue locks the woken task's runqueue, which may be another CPU's). */
  sameInstance: 'likely' | 'guess';
  /** The holder does not hold the lock while it calls one of these (the next frame
   *  inward): paths of it that run after the unlock. */
  notWhenCalling?: RegExp;
  /** What the holder is doing, in a few words, for the edge's `why`. */
  what: string;
  source: string;
}

/** Function names with optional GCC clone suffixes (`.isra.0`, `.constprop.3`). */
export function sitePattern(alternatives: string): RegExp {
  return new RegExp(`^(?:${alternatives})(?:\\.(?:isra|constprop|part|cold|llvm)\\.\\d+)*$`);
}

export const SPIN_LOCK_SITES: readonly SpinLockSites[] = [
  // net/bridge/br_multicast.c: br_multicast_toggle() takes spin_lock_bh(&br->multicast_lock)
  // and calls br_multicast_open() under it; from 4effd28c1245 (v4.20) until "bridge: Fix a
  // deadlock when enabling multicast snooping" (v5.10) br_multicast_open() joined the
  // all-snoopers group there, and the MLD report it sends loops back through br_dev_xmit
  // into br_multicast_rcv -> br_multicast_add_group, which takes spin_lock(&br->multicast_lock).
  // Since the fix the join/leave runs after the unlock.
  {
    lock: '&br->multicast_lock',
    takers:
      'br_multicast_add_group|__br_multicast_add_group|br_multicast_leave_group|br_ip4_multicast_leave_group|br_ip6_multicast_leave_group',
    holders: 'br_multicast_toggle',
    perObject: true,
    sameInstance: 'likely',
    notWhenCalling: /^br_multicast_(?:join|leave)_snoopers$/,
    what: 'toggling multicast snooping on a bridge',
    source:
      'net/bridge/br_multicast.c br_multicast_toggle (spin_lock_bh around br_multicast_open), br_multicast_add_group (spin_lock), v4.20-v6.x',
  },
  // drivers/scsi/lpfc/lpfc_sli.c (v5.19+): lpfc_rx_monitor_report() walks the ring under
  // spin_lock_bh(&rx_monitor->lock) (spin_lock_irq since c44e50f4a0ec, v6.1), and the
  // lpfc_cmf_timer hrtimer's lpfc_rx_monitor_record() takes spin_lock(&rx_monitor->lock).
  {
    lock: '&rx_monitor->lock',
    takers: 'lpfc_rx_monitor_record',
    holders: 'lpfc_rx_monitor_report',
    perObject: true,
    sameInstance: 'likely',
    what: 'reading the lpfc rx_monitor ring',
    source:
      'drivers/scsi/lpfc/lpfc_sli.c lpfc_rx_monitor_report (spin_lock_bh until c44e50f4a0ec), lpfc_rx_monitor_record (spin_lock), v5.19-v6.1',
  },
  // drivers/usb/gadget/function/uvc_video.c: uvcg_video_pump() encodes and queues each
  // request under spin_lock_irqsave(&queue->irqlock) (v6.x until "usb: gadget: uvc_video:
  // unlock before submitting a request to ep", v6.7); a request the UDC gives back at
  // once runs uvc_video_complete(), which takes spin_lock_irqsave(&queue->irqlock) to
  // complete or cancel the buffer (uvcg_complete_buffer, uvcg_queue_cancel).
  {
    lock: '&queue->irqlock',
    takers: 'uvc_video_complete|uvcg_queue_cancel|uvcg_complete_buffer',
    holders: 'uvcg_video_pump',
    perObject: true,
    sameInstance: 'likely',
    what: 'pumping video requests to the USB endpoint',
    source:
      'drivers/usb/gadget/function/uvc_video.c uvcg_video_pump, uvc_video_complete; uvc_queue.c uvcg_queue_cancel (v6.1-v6.7)',
  },
  // kernel/sched/rt.c rto_push_irq_work_func(): raw_spin_lock(&rq->lock) (raw_spin_rq_lock
  // since 5.14) on this CPU's runqueue around push_rt_task(). kernel/sched/core.c
  // ttwu_queue() takes rq_lock() on the runqueue of the CPU the woken task goes to —
  // this CPU's or another's, which the dump does not say: the same lock is a guess.
  {
    lock: '&rq->__lock',
    takers: 'ttwu_queue|sched_ttwu_pending|do_sched_rt_period_timer|rto_push_irq_work_func|scheduler_tick|sched_tick',
    holders: 'rto_push_irq_work_func',
    perObject: true,
    sameInstance: 'guess',
    what: 'pushing RT tasks from this CPU',
    source:
      'kernel/sched/rt.c rto_push_irq_work_func (raw_spin_lock(&rq->lock), raw_spin_rq_lock 5.14+); kernel/sched/core.c ttwu_queue (rq_lock), v4.14-v6.x',
  },
  // drivers/of/base.c: the node searches hold raw_spin_lock_irqsave(&devtree_lock) over
  // the walk and the of_node_put() of the node they start from; of_get_parent(),
  // of_get_next_parent(), of_get_next_child() and of_find_property() take it. A release
  // that prints the node (%pOF walks its parents) under the search takes it again.
  {
    lock: 'devtree_lock',
    takers: 'of_get_parent|of_get_next_parent|of_get_next_child|of_find_property|of_get_property',
    holders:
      'of_find_node_with_property|of_find_node_by_name|of_find_node_by_type|of_find_compatible_node|of_find_matching_node_and_match|of_find_all_nodes',
    perObject: false,
    sameInstance: 'likely',
    what: 'searching the device tree',
    source:
      'drivers/of/base.c of_find_node_with_property and the other of_find_* searches, of_get_parent (raw_spin_lock_irqsave(&devtree_lock)), v3.x-v6.x',
  },
];
