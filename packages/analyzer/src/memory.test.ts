// An analysis keeps nothing of its text once it has returned and its document is
// dropped: the server's workers analyse upload after upload in one process.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { analyze } from './analyze.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A sysrq-w style dump of n tasks, each with its own function names (so no memo is reused). */
function dump(seed: number, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      `[  ${100 + i}.000001] task:worker_${seed}_${i}  state:D stack:0     pid:${1000 + i}  ppid:2      flags:0x00004000`,
    );
    out.push(`[  ${100 + i}.000002] Call Trace:`);
    out.push(`[  ${100 + i}.000003]  __schedule+0x2c4/0x700`);
    out.push(`[  ${100 + i}.000004]  schedule+0x46/0xb0`);
    out.push(`[  ${100 + i}.000005]  io_schedule+0x12/0x40`);
    out.push(`[  ${100 + i}.000006]  some_driver_function_number_${seed}_${i}+0x5c/0x90 [mod]`);
  }
  return out.join('\n');
}

/** A full collection, with time for V8's concurrent sweeping to return the space. */
async function settle(): Promise<void> {
  for (let k = 0; k < 3; k++) {
    gc();
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('memory', () => {
  it('keeps none of the analysed text after the analysis', async () => {
    analyze(dump(0, 10)); // load and warm the code first
    await settle();
    const before = process.memoryUsage().heapUsed;
    let size = 0;
    for (let k = 1; k <= 3; k++) {
      let text: string | null = dump(k, 20_000);
      size = text.length;
      let doc: unknown = analyze(text);
      expect(doc).toBeTruthy();
      doc = null;
      text = null;
    }
    await settle();
    const retained = process.memoryUsage().heapUsed - before;
    // Three texts of ~2 MB each: keeping even one would show.
    expect(retained).toBeLessThan(size / 2);
  });
});
