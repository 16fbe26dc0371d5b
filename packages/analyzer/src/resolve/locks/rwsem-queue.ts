// Step 4d of lock resolution: an rwsem reader queued behind a waiting writer.
//
// An rw_semaphore is fair to writers: once a writer waits, a new down_read() queues
// behind it instead of joining the readers that hold the lock (kernel/locking/rwsem.c
// rwsem_down_read_slowpath: a reader takes the lock only while no writer waits, since
// 4.x; earlier kernels' __down_read likewise queued behind a waiting writer). A task that
// holds the rwsem for read and takes it for read again (a re-lock deep in its own call
// chain) therefore waits for any writer that queued in between, and that writer waits
// for the first read hold: each waits for the other. cifs before d46b0da7a33d (v5.4-rc6):
// cifs_strict_readv holds lock_sem for read, cifs_reopen_file takes it again after a
// reconnect, and _cifsFileInfo_put's down_write queued between them.
//
// The dump rarely prints the rwsem's address: the reader and the writer meet on the lock
// class their frames name (knowledge/frame-held-locks.ts, lock-wrappers.ts). One object of
// a per-object class is not shown to be the same one: every link here is a guess.

import type { Span } from '../../contract.js';
import type { TaskWait } from '../../waits/find.js';
import type { ModelTask } from '../../model/build.js';
import { locksHeldByFrames } from './frame-held.js';
import { rowApplies } from './row-applies.js';
import type { LockInfo, LockTable } from './table.js';
import type { FrameWaits } from './waiters-from-frames.js';

/** A reader that waits for the writer queued ahead of it. */
export interface QueuedReader {
  reader: ModelTask;
  writer: ModelTask;
  why: string;
  evidence: Span[];
}

const READ_WAIT =
  /^(?:down_read(?:_killable|_interruptible|_nested)?|rwsem_down_read_slowpath|rwsem_down_read_failed(?:_killable)?|call_rwsem_down_read_failed|__down_read(?:_common|_killable)?)$/;
const WRITE_WAIT =
  /^(?:down_write(?:_killable|_nested)?|rwsem_down_write_slowpath|rwsem_down_write_failed(?:_killable)?|call_rwsem_down_write_failed|__down_write(?:_common|_killable)?)$/;

// More writers or re-locking readers than this on one class: no pair is singled out.
const MAX_PARTIES = 3;

// A percpu rwsem (kernel/locking/percpu-rwsem.c; a superblock's freeze protection
// sb_writers since 4.3) blocks every new reader while a writer waits: percpu_down_write
// sets sem->block (readers_block before 5.8) and a reader then sleeps in
// percpu_rwsem_wait (__percpu_down_read -> down_read of sem->rw_sem before 5.8) until the
// writer is done. Such a reader waits for that writer whether or not it holds the lock.
const PERCPU_READ_WAIT = /^(?:percpu_rwsem_wait|__percpu_down_read|percpu_down_read)$/;
const PERCPU_WRITE_WAIT = /^percpu_down_write$/;

export function readersBehindWriters(
  table: LockTable,
  waits: Map<string, TaskWait>,
  scope: FrameWaits,
): QueuedReader[] {
  const out: QueuedReader[] = [];
  const { model } = table;
  scope.classWaits.forEach((locks, cls) => {
    const readers: { t: ModelTask; lock: LockInfo; w: TaskWait; holdLine: number; holdFn: string }[] = [];
    const writers: { t: ModelTask; lock: LockInfo; w: TaskWait }[] = [];
    const percpuReaders: { t: ModelTask; w: TaskWait }[] = [];
    const percpuWriters: { t: ModelTask; w: TaskWait }[] = [];
    for (const l of locks) {
      if (l.type !== 'rwsem') continue;
      for (const id of l.waiters.keys()) {
        const t = model.taskById.get(id);
        const w = t ? waits.get(id) : undefined;
        if (!t || !w || w.rule.kind !== 'lock') continue;
        if (w.run.some((fn) => PERCPU_WRITE_WAIT.test(fn))) percpuWriters.push({ t, w });
        else if (w.run.some((fn) => PERCPU_READ_WAIT.test(fn))) percpuReaders.push({ t, w });
        if (w.run.some((fn) => WRITE_WAIT.test(fn))) writers.push({ t, lock: l, w });
        else if (w.run.some((fn) => READ_WAIT.test(fn))) {
          const hold = locksHeldByFrames(t.frames, w.known).find(
            (h) => h.row.lock === cls && h.row.mode === 'read' && rowApplies(h.row, model.kernel),
          );
          if (hold)
            readers.push({ t, lock: l, w, holdLine: t.frameLines[hold.index] ?? 0, holdFn: t.frames[hold.index].fn });
        }
      }
    }
    // One writer waiting on the class: the readers blocked on it wait for that writer
    // (if theirs is the same object: a guess). Two or more: which one each waits for is
    // not shown.
    if (percpuWriters.length === 1) {
      const wr = percpuWriters[0];
      for (const r of percpuReaders) {
        if (r.t === wr.t) continue;
        out.push({
          reader: r.t,
          writer: wr.t,
          why: `${cls} is a percpu rwsem: ${wr.t.comm ?? 'a task'} (${wr.t.pid ?? '?'}) waits to take one for write in ${wr.w.culprit?.fn ?? wr.w.frame.fn}, and while a writer waits every new reader sleeps until it is done; if it is the same one, this reader (in ${r.w.culprit?.fn ?? r.w.frame.fn}) waits for that writer`,
          evidence: [
            { line: r.w.frame.line, endLine: r.w.culprit?.line ?? r.w.frame.line },
            { line: wr.w.frame.line, endLine: wr.w.culprit?.line ?? wr.w.frame.line },
          ],
        });
      }
    }
    if (readers.length === 0 || writers.length === 0) return;
    if (readers.length > MAX_PARTIES || writers.length > MAX_PARTIES) return;
    for (const r of readers)
      for (const wr of writers) {
        if (wr.t === r.t) continue;
        out.push({
          reader: r.t,
          writer: wr.t,
          why: `it already holds a ${cls} for read (${r.holdFn}) and takes one again in ${r.w.culprit?.fn ?? r.w.frame.fn}; ${wr.t.comm ?? 'a task'} (${wr.t.pid ?? '?'}) waits to take a ${cls} for write in ${wr.w.culprit?.fn ?? wr.w.frame.fn}, and a down_read queues behind a waiting writer: if it is the same rwsem, it waits for that writer`,
          evidence: [
            { line: r.holdLine, endLine: r.holdLine },
            { line: r.w.frame.line, endLine: r.w.culprit?.line ?? r.w.frame.line },
            { line: wr.w.frame.line, endLine: wr.w.culprit?.line ?? wr.w.frame.line },
          ],
        });
        // The writer, in turn, waits for the read hold of the reader: with no owner known
        // for the writer's lock, that reader is the guess.
        if (!wr.lock.owner)
          table.setOwner(
            wr.lock,
            r.t.id,
            'guess',
            `a writer queued on a ${cls} waits for its readers: ${r.t.comm ?? 'a task'} (${r.t.pid ?? '?'}) holds a ${cls} for read in ${r.holdFn} and is itself queued behind the writer`,
            [{ line: r.holdLine, endLine: r.holdLine }],
          );
      }
  });
  return out;
}
