// bcc/bpftrace folded stacks (`offcputime -f`, `offwaketime -f`, `wakeuptime -f`):
//
//   comm;user_fn;…;entry_SYSCALL_64_after_hwframe;do_syscall_64;…;schedule;finish_task_switch 12345
//
// One line per stack, outermost frame first, the value (microseconds off CPU, or a count)
// last. offcputime prints the user frames, then (with -d a `-` delimiter) the kernel frames;
// offwaketime prints the target's stack, `--`, then the waker's stack in reverse order
// ending with the waker's comm (bcc tools/offwaketime.py `print_folded`). Kernel frames
// are told from user frames by the `-` delimiter, a `_[k]` suffix (perf/flamegraph
// annotations), else by the first syscall/kernel-thread entry frame.

import type { ParsedFrame } from '../records.js';
import type { FormatParser } from '../parser.js';
import { span } from '../parser.js';

const LINE = /^([^;\s][^;]{0,63});([^\s]{1,8000}) (\d{1,15})$/;
// The outermost kernel frames of a task's kernel stack (syscall entries, kthreads).
const KERNEL_ENTRY =
  /^(?:entry_SYSCALL_64(?:_after_hwframe)?|entry_SYSCALL_compat|do_syscall_64|__x64_sys_\w+|__arm64_sys_\w+|el0t?_64_sync|el0_svc\w*|ret_from_fork(?:_asm)?|kthread|ret_from_fork_asm|asm_\w+|common_interrupt|sysvec_\w+|do_idle|cpu_startup_entry|secondary_startup_64\w*|start_kernel|worker_thread)$/;

function kernelFrames(frames: string[]): string[] {
  const dash = frames.indexOf('-');
  if (dash >= 0) return frames.slice(dash + 1);
  if (frames.some((f) => f.endsWith('_[k]')))
    return frames.filter((f) => f.endsWith('_[k]')).map((f) => f.slice(0, -4));
  const entry = frames.findIndex((f) => KERNEL_ENTRY.test(f));
  return entry >= 0 ? frames.slice(entry) : frames;
}

function toParsed(outerFirst: string[], line: number): ParsedFrame[] {
  return outerFirst
    .filter((f) => f !== '' && f !== '[unknown]' && /^[A-Za-z_.][\w.$]{0,127}$/.test(f))
    .reverse()
    .map((fn) => ({ fn, offset: null, size: null, module: null, addr: null, reliable: true, line }));
}

export const foldedStackParser: FormatParser = {
  name: 'folded_stacks',
  starts(line) {
    const t = line.trimmed;
    return t.includes(';') && LINE.test(t);
  },
  parse(lines, i, ctx) {
    let j = i;
    for (; j < lines.length; j++) {
      const m = LINE.exec(lines.trimmed(j));
      if (!m) break;
      const parts = m[2].split(';');
      const sep = parts.indexOf('--');
      const target = sep >= 0 ? parts.slice(0, sep) : parts;
      const no = lines.no(j);
      ctx.records.addTask({
        pid: null,
        comm: m[1],
        state: null,
        cpu: null,
        taskAddr: null,
        frames: toParsed(kernelFrames(target), no),
        span: span(lines, j, j + 1),
        format: 'folded_stacks',
      });
      if (sep >= 0) {
        // The waker half is printed innermost-first, ending with the waker's comm.
        const waker = parts.slice(sep + 1);
        const comm = waker.pop() ?? null;
        const outerFirst = waker.slice().reverse();
        ctx.records.addTask({
          pid: null,
          comm,
          state: null,
          cpu: null,
          taskAddr: null,
          frames: toParsed(kernelFrames(outerFirst), no),
          span: span(lines, j, j + 1),
          format: 'folded_stacks_waker',
        });
      }
    }
    return j > i ? j : null;
  },
};
