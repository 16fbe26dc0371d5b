// Which kernel releases a frame-held-lock row (knowledge/frame-held-locks.ts) holds on:
// its `since` / `before` bounds against the release the dump states. Its own module, as
// both the owners and the waiters found from frames ask it.
import type { FrameHeldLock } from '../../knowledge/frame-held-locks.js';

/** Does the frame-held fact hold on this kernel release (null: unknown)? */
export function rowApplies(row: FrameHeldLock, kernel: string | null): boolean {
  if (row.before && !kernelBefore(kernel, row.before[0], row.before[1]))
    if (!row.beforeOrUnknown || kernelAtLeast(kernel, row.before[0], row.before[1])) return false;
  return !(row.since && kernelBefore(kernel, row.since[0], row.since[1]));
}

/** Is the release at least major.minor? Unknown releases are not. */
export function kernelAtLeast(release: string | null, major: number, minor: number): boolean {
  const m = release ? /^(\d{1,2})\.(\d{1,3})/.exec(release) : null;
  if (!m) return false;
  return Number(m[1]) > major || (Number(m[1]) === major && Number(m[2]) >= minor);
}

/** Is the release known and older than major.minor? */
function kernelBefore(release: string | null, major: number, minor: number): boolean {
  return release !== null && /^\d{1,2}\.\d{1,3}/.test(release) && !kernelAtLeast(release, major, minor);
}
