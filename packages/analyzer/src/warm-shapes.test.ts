// The last small analysis's objects stay alive until the next small one; a big one's go
// with its document.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { analyze } from './analyze.js';
import { KEPT_TEXT_MAX } from './warm-shapes.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A sysrq-w style dump of about `chars` characters. */
function dump(seed: number, chars: number): string {
  const out: string[] = [];
  let n = 0;
  for (let i = 0; n < chars; i++) {
    const task = [
      `[  ${100 + i}.000001] task:worker_${seed}_${i}  state:D stack:0     pid:${1000 + i}  ppid:2      flags:0x00004000`,
      `[  ${100 + i}.000002] Call Trace:`,
      `[  ${100 + i}.000003]  __schedule+0x2c4/0x700`,
      `[  ${100 + i}.000004]  schedule+0x46/0xb0`,
      `[  ${100 + i}.000005]  io_schedule+0x12/0x40`,
    ];
    for (const l of task) {
      out.push(l);
      n += l.length + 1;
    }
  }
  return out.join('\n');
}

/** A WeakRef to the document of `text` (no other reference to it is left here). */
function analysedRef(text: string): WeakRef<object> {
  return new WeakRef(analyze(text));
}

async function collect(): Promise<void> {
  for (let k = 0; k < 2; k++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('warm shapes', () => {
  it("keeps the last small analysis's document until the next small analysis", async () => {
    const first = analysedRef(dump(1, 20_000));
    await collect();
    expect(first.deref()).toBeDefined();
    const second = analysedRef(dump(2, 20_000));
    await collect();
    expect(first.deref()).toBeUndefined();
    expect(second.deref()).toBeDefined();
  });

  it("keeps nothing of a big analysis, and the small one's objects stay", async () => {
    const small = analysedRef(dump(3, 20_000));
    const big = analysedRef(dump(4, KEPT_TEXT_MAX + 10_000));
    await collect();
    expect(big.deref()).toBeUndefined();
    expect(small.deref()).toBeDefined();
  });
});
