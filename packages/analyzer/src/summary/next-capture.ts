// The next capture, as one collector command: the flags every finding's next steps ask
// of scripts/hangscope-collect, merged, and the tasks they name (whose files, threads
// included, a second capture re-reads: the same stack twice is stuck, a new one moved).

import type { Finding, NextCapture } from '../contract.js';

/** Tasks named with --pid at most: a command line a person can read and paste. */
const MAX_PIDS = 16;
/** sysrq keys in the order the collector writes them (blocked tasks first). */
const SYSRQ_ORDER = 'wtldm';

export function nextCapture(findings: readonly Finding[]): NextCapture | undefined {
  let asked = false;
  const keys = new Set<string>();
  const pids: number[] = [];
  const sections: string[] = [];
  const addPid = (pid: number) => {
    if (pids.length < MAX_PIDS && !pids.includes(pid)) pids.push(pid);
  };
  // The pids a step's own flags name come first, then the tasks of the findings whose
  // steps the collector takes.
  const named: number[] = [];
  for (const f of findings) {
    let taken = false;
    for (const c of f.collect ?? []) {
      if (!c) continue;
      taken = asked = true;
      for (const flag of c.flags) {
        const sysrq = /^--sysrq=([a-z]{1,8})$/.exec(flag);
        if (sysrq) for (const k of sysrq[1]) keys.add(k);
        const pid = /^--pid (\d{1,9})$/.exec(flag);
        if (pid) addPid(Number(pid[1]));
      }
      for (const s of c.sections) if (!sections.includes(s)) sections.push(s);
    }
    if (!taken) continue;
    for (const n of f.nodes) {
      // (An idle task, `task:0`, has no /proc entry to read.)
      const m = /^task:([1-9]\d{0,8})$/.exec(n);
      if (m) named.push(Number(m[1]));
    }
  }
  if (!asked) return undefined;
  for (const pid of named) addPid(pid);
  const args: string[] = [];
  const sysrq = [...SYSRQ_ORDER].filter((k) => keys.has(k)).join('');
  if (sysrq) args.push(`--sysrq=${sysrq}`);
  for (const pid of pids) args.push('--pid', String(pid));
  return { args, pids, sections };
}

/**
 * The command line to run on the machine: the collector fetched from the server when one
 * is named (its GET /collect.sh), with the capture posted back to the incident.
 */
export function collectCommand(
  next: Pick<NextCapture, 'args'>,
  to?: { server: string; incident?: string; token?: boolean },
): string {
  const args = [...next.args];
  if (to) {
    args.push('--post', to.server);
    if (to.incident) args.push('--incident', to.incident);
    if (to.token) args.push('--token', '"$HANGSCOPE_TOKEN"');
    return `curl -fsS ${to.server}/collect.sh | sudo sh -s --${args.map((a) => ' ' + a).join('')}`;
  }
  return `sudo sh hangscope-collect${args.map((a) => ' ' + a).join('')} --out capture.txt`;
}
