// The wait frame of a task, as the analyzer names it. Which frames are plumbing
// (scheduler, entry, report printing) is the analyzer's call: each frame of the document
// carries `generic: true` (packages/analyzer/src/knowledge/waits.ts, GENERIC_FRAMES).

/** Does this frame name the wait? `waitFrame` may carry an offset ("mutex_lock+0x1f"). */
export function isWaitFrame(fn: string, waitFrame: string | null | undefined): boolean {
  if (!waitFrame) return false;
  const name = waitFrame.split('+')[0].trim();
  return name !== '' && fn === name;
}
