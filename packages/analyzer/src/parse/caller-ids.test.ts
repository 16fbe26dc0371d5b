import { describe, expect, it } from 'vitest';
import { analyze } from '../analyze.js';

describe('printk caller ids on a stack with no header', () => {
  it('gives the stack to the task its lines name (`[T18021]`)', () => {
    const doc = analyze(
      [
        '[35845.978451][T18021]  uvc_video_complete+0x180/0x24c',
        '[35845.978458][T18021]  usb_gadget_giveback_request+0x38/0x14c',
        '[35845.978493][T18021]  uvcg_video_pump+0x22c/0x518',
      ].join('\n'),
    );
    expect(doc.tasks.map((t) => [t.pid, t.frames.length])).toEqual([[18021, 3]]);
  });

  it('puts it on the CPU its lines name (`[ C3]`)', () => {
    const doc = analyze(
      ['[  871.101477][ C3]  _raw_spin_lock+0x7c/0x8c', '[  871.101482][ C3]  ttwu_queue+0x58/0x154'].join('\n'),
    );
    expect(doc.tasks.map((t) => [t.pid, t.cpu])).toEqual([[null, 3]]);
  });

  it('names nobody when the lines name two callers', () => {
    const doc = analyze(
      ['[  871.101477][ T5]  _raw_spin_lock+0x7c/0x8c', '[  871.101482][ T6]  ttwu_queue+0x58/0x154'].join('\n'),
    );
    expect(doc.tasks.every((t) => t.pid === null)).toBe(true);
  });
});
