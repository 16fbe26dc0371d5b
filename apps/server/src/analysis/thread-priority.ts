import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Let the calling worker thread yield the CPU to the event loop: on Linux a thread has
 * its own nice value (its id is in /proc/thread-self), and raising it needs no privilege.
 * On a busy host the scheduler otherwise gives the event loop and a worker that builds
 * or analyses equal turns, and a /healthz waits out the worker's time slice. Elsewhere
 * (no /proc) the thread keeps the default priority. Returns whether it was lowered.
 */
export function lowerThreadPriority(nice = 10): boolean {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
