// CSD-lock debugging (kernel/smp.c csd_lock_wait_toolong, CONFIG_CSD_LOCK_WAIT_DEBUG):
//   smp: csd: Detected non-responsive CSD lock (#1) on CPU#2, waiting 5000000045 ns for CPU#06 do_flush_tlb_all+0x0/0x30(0x0).
//   smp: csd: Continued non-responsive CSD lock (#1) on CPU#2, waiting 25000000121 ns for CPU#06 …
//   smp: 	csd: CSD lock (#1) unresponsive.  /  smp: csd: Re-sending CSD lock (#1) IPI from CPU#02 to CPU#06
// The kernel states which CPU waits for which: an IPI wait that is certain.

import type { FormatParser } from '../parser.js';
import { span } from '../parser.js';

const DETECTED =
  /^(?:smp: )?csd: (?:Detected|Continued) non-responsive CSD lock \(#\d{1,6}\) on CPU#(\d{1,5}), waiting (\d{1,20}) ns for CPU#(\d{1,5}) (\S{1,200})/;
const OTHER =
  /^(?:smp: )?\s*csd: (?:CSD lock \(#\d{1,6}\) (?:unresponsive|handling prior|complete|was|is)|Re-sending CSD lock \(#\d{1,6}\) IPI from CPU#\d{1,5} to CPU#\d{1,5}|cnt\(|CSD lock \(#\d{1,6}\) got unstuck)/;

export const csdLockParser: FormatParser = {
  name: 'csd_lock',
  starts: (line) => line.trimmed.includes('csd: '),
  parse(lines, i, ctx) {
    let j = i;
    let any = false;
    for (; j < lines.length; j++) {
      const t = lines.trimmed(j);
      const m = DETECTED.exec(t);
      if (m) {
        const fn = m[4].replace(/\(.*$/, '').replace(/\+0x.*$/, '');
        const from = Number(m[1]);
        const sp = span(lines, j, j + 1);
        ctx.records.ipiWaits.push({ fromCpu: from, toCpu: Number(m[3]), func: fn, waitedNs: Number(m[2]), span: sp });
        // The waiting CPU spins in csd_lock_wait for seconds: a CPU-side stall of the
        // soft-lockup kind, reported by the kernel itself (one report per waiting CPU).
        if (!ctx.records.reports.some((r) => r.subtype === 'csd_lock' && r.cpu === from)) {
          ctx.records.reports.push({
            kind: 'soft_lockup',
            subtype: 'csd_lock',
            header: t,
            cpu: from,
            seconds: Math.floor(Number(m[2]) / 1e9),
            span: sp,
            format: 'csd_lock',
          });
        }
        any = true;
        continue;
      }
      if (OTHER.test(t)) {
        any = true;
        continue;
      }
      break;
    }
    return any ? j : null;
  },
};
