import { isGenericFrame, type AnalysisDocument, type Finding, type Frame, type Task } from '@hangscope/analyzer';
import type { Annotation, IncidentDetail, MitigationRevision } from '../store/types.js';

/**
 * Markdown-escape text that came from a dump or a user: a comm or title must not turn
 * into a heading, a list, a link, emphasis, a table cell break or raw HTML in a ticket
 * system. Only what CommonMark/GFM would read as markup is escaped: `mutex_lock` and
 * `&dev->mutex` stay as they are (an underscore inside a word, `->`, parentheses after no
 * bracket, `&` that starts no entity are plain text).
 */
export function mdText(value: string): string {
  const flat = value.replace(/\r?\n|\r/g, ' ');
  const inline = flat.replace(/[\\`*[\]<|~]|_(?![A-Za-z0-9])|(?<![A-Za-z0-9])_|&(?=#?\w+;)/g, (c) => `\\${c}`);
  // At the start of a line: a heading, quote, list item, rule or numbered item.
  return inline.replace(/^(\s*)([#>+=-])/, '$1\\$2').replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

/** Inline code that cannot be broken out of: a fence longer than any backtick run inside. */
export function mdCode(value: string): string {
  const clean = value.replace(/\r?\n|\r/g, ' ');
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

const MAX_TASKS = 15;

/** Tasks a reader should look at first: those named by findings, then blocked ones. */
function keyTasks(doc: AnalysisDocument): Task[] {
  const named = new Set(doc.findings.flatMap((f) => f.nodes));
  const inGraph = new Set(doc.graph.edges.flatMap((e) => [e.from, e.to]));
  const score = (t: Task) => (named.has(t.id) ? 4 : 0) + (inGraph.has(t.id) ? 2 : 0) + (t.state === 'D' ? 1 : 0);
  return [...doc.tasks]
    .filter((t) => score(t) > 0)
    .sort((a, b) => score(b) - score(a))
    .slice(0, MAX_TASKS);
}

/**
 * Report plumbing printed on top of a task's own frames: kexec/crash dump, panic and the
 * NMI path that took it there (kernel/kexec_core.c, kernel/panic.c,
 * arch/x86/kernel/nmi.c, kernel/watchdog_perf.c, the PMU handlers). A hard-lockup task's
 * stack starts with them; where it spins comes after.
 */
const PANIC_NMI_PLUMBING =
  /^(?:machine_kexec|__crash_kexec|crash_kexec|panic|nmi_panic|watchdog_overflow_callback|watchdog_hardlockup_check|__perf_event_overflow|perf_event_overflow|perf_event_nmi_handler|x86_pmu_handle_irq|intel_pmu_handle_irq|amd_pmu_handle_irq|handle_pmi_common|nmi_handle|default_do_nmi|do_nmi|exc_nmi|end_repeat_nmi|repeat_nmi|nmi|nmi_restore|nmi_cpu_backtrace|nmi_cpu_backtrace_handler|arch_trigger_cpumask_backtrace|nmi_trigger_cpumask_backtrace)(?:\.(?:cold|part|isra|constprop)(?:\.\d+)?)*$/;

/**
 * The frames of a task worth reading in a ticket: from the frame that names its wait
 * outwards (the waiting path); for a task without one, past the panic/NMI plumbing and
 * the interrupt frames printed on top; generic scheduler/entry frames left out.
 */
export function framesThatMatter(frames: readonly Frame[], waitFrame: string | null, max: number): Frame[] {
  let from = waitFrame ? frames.findIndex((f) => f.fn === waitFrame) : -1;
  if (from < 0) {
    from = 0;
    for (let i = 0; i < frames.length; i++) {
      const f = frames[i];
      if (PANIC_NMI_PLUMBING.test(f.fn) || f.context === 'nmi' || f.context === 'irq' || f.context === 'exception')
        from = i + 1;
    }
    if (from >= frames.length) from = 0;
  }
  return frames
    .slice(from)
    .filter((f) => f.reliable && !isGenericFrame(f.fn))
    .slice(0, max);
}

/** Findings of one kind beyond this are counted, not listed. */
const FINDINGS_PER_KIND = 5;

function findingLine(f: Finding): string {
  const nodes = f.nodes.length
    ? ` (${f.nodes.slice(0, 8).map(mdCode).join(', ')}${f.nodes.length > 8 ? ', …' : ''})`
    : '';
  return `- **${f.severity}** · ${f.kind.replace(/_/g, ' ')}: ${mdText(f.summary)}${nodes}`;
}

/** The first findings of each kind, and a line counting the rest of that kind. */
function foldByKind(findings: Finding[]): (Finding | string)[] {
  const seen = new Map<string, number>();
  for (const f of findings) seen.set(f.kind, (seen.get(f.kind) ?? 0) + 1);
  const shown = new Map<string, number>();
  const out: (Finding | string)[] = [];
  for (const f of findings) {
    const n = (shown.get(f.kind) ?? 0) + 1;
    shown.set(f.kind, n);
    if (n <= FINDINGS_PER_KIND) out.push(f);
    if (n === FINDINGS_PER_KIND && seen.get(f.kind)! > n)
      out.push(`- … and ${seen.get(f.kind)! - n} more ${f.kind.replace(/_/g, ' ')} findings (see the incident page)`);
  }
  return out;
}

/** The task the answer points at: in the first cycle, else the first root blocker that is a task, else the first task of a finding. */
function culpritTask(doc: AnalysisDocument): Task | null {
  const byId = new Map(doc.tasks.map((t) => [t.id, t]));
  const order = ['self_deadlock', 'deadlock_cycle', 'root_blocker', 'ipi_stall'];
  for (const kind of order) {
    for (const f of doc.findings) {
      if (f.kind !== kind) continue;
      const t = f.nodes.map((n) => byId.get(n)).find((x) => x && x.frames.length);
      if (t) return t;
    }
  }
  return null;
}

export interface ReportInput {
  incident: Omit<IncidentDetail, 'analysisJson'>;
  doc: AnalysisDocument;
  /** Absolute URL of the incident page, when the request told us the host. */
  pageUrl: string;
  mitigation: MitigationRevision | null;
  annotations: Annotation[];
}

/** A Markdown report to paste into a ticket. */
export function buildMarkdownReport({ incident, doc, pageUrl, mitigation, annotations }: ReportInput): string {
  const out: string[] = [];
  out.push(`# ${mdText(incident.title)}`, '');
  const facts: [string, string | null][] = [
    ['Incident', `[${mdCode(incident.id)}](${pageUrl})`],
    ['Kind', mdCode(incident.kind)],
    ['Kernel', incident.kernel ? mdCode(incident.kernel) : null],
    ['Host', incident.host ? mdText(incident.host) : null],
    ['Status', incident.status + (incident.duplicateOf ? ` of ${mdCode(incident.duplicateOf)}` : '')],
    ['Uploaded', incident.createdAt],
    ['Tags', incident.tags.length ? incident.tags.map(mdCode).join(' ') : null],
    ['Fingerprint', mdCode(incident.fingerprint)],
    ['Dump', `${incident.size} bytes, ${incident.lineCount} lines, sha256 ${mdCode(incident.sha256)}`],
    ['Analyzer', mdCode(incident.analyzerVersion)],
  ];
  for (const [k, v] of facts) if (v) out.push(`- **${k}:** ${v}`);

  out.push('', '## Verdict', '', doc.verdict ? mdText(doc.verdict) : '_The analyzer gave no verdict._');

  const main = doc.findings.filter((f) => f.kind !== 'known_issue' && f.kind !== 'missing_evidence');
  if (main.length)
    out.push('', '## Findings', '', ...foldByKind(main).map((x) => (typeof x === 'string' ? x : findingLine(x))));

  const waitFrame = new Map(doc.graph.nodes.map((n) => [n.id, n.waitFrame ?? null]));
  const culprit = culpritTask(doc);
  if (culprit) {
    const frames = framesThatMatter(culprit.frames, waitFrame.get(culprit.id) ?? null, 10);
    if (frames.length) {
      out.push(
        '',
        `## Culprit stack: ${culprit.comm ? mdText(culprit.comm) : 'task'} (${culprit.pid ?? '?'})`,
        '',
        '```',
      );
      out.push(
        ...frames.map((f) =>
          `${f.fn}${f.offset ? `+${f.offset}` : ''}${f.module ? ` [${f.module}]` : ''}`.replace(/`/g, "'"),
        ),
      );
      out.push('```');
    }
  }

  const known = doc.findings.filter((f) => f.knownIssue);
  if (known.length) {
    out.push('', '## Known issue');
    for (const f of known) {
      const k = f.knownIssue!;
      out.push('', `### ${mdText(k.title)} (${mdCode(k.id)})`, '', mdText(f.summary));
      if (k.explanation) out.push('', mdText(k.explanation));
      if (k.fixes.length) out.push('', `- **Fixes:** ${k.fixes.map(mdCode).join(', ')}`);
      if (k.fixedIn?.length) out.push(`- **Fixed in:** ${k.fixedIn.map(mdCode).join(', ')}`);
      if (k.affected) out.push(`- **Affected:** ${mdText(k.affected)}`);
      if (k.mitigation) out.push(`- **Mitigation:** ${mdText(k.mitigation)}`);
      for (const link of k.links ?? []) if (/^https:\/\/[^\s)]+$/.test(link)) out.push(`- <${link}>`);
    }
  }

  const steps = [...new Set(doc.findings.flatMap((f) => f.nextSteps ?? []))];
  const missing = doc.findings.filter((f) => f.kind === 'missing_evidence');
  if (steps.length || missing.length) {
    out.push('', '## Next steps', '');
    for (const x of foldByKind(missing)) out.push(typeof x === 'string' ? x : `- ${mdText(x.summary)}`);
    for (const s of steps) out.push(`- ${mdCode(s)}`);
  }

  const tasks = keyTasks(doc);
  if (tasks.length) {
    out.push(
      '',
      '## Key tasks',
      '',
      '| PID | Command | State | Waits in | Top frames |',
      '| ---: | --- | :---: | --- | --- |',
    );
    for (const t of tasks) {
      const frames = framesThatMatter(t.frames, waitFrame.get(t.id) ?? null, 4)
        .map((f) => mdCode(f.fn))
        .join(' ← ');
      const w = waitFrame.get(t.id);
      out.push(
        `| ${t.pid ?? '?'} | ${t.comm ? mdText(t.comm) : '?'} | ${t.state ?? '?'} | ${w ? mdCode(w) : ''} | ${frames} |`,
      );
    }
  }

  if (mitigation && mitigation.body.trim()) {
    out.push(
      '',
      '## Mitigation note',
      '',
      `_${mitigation.author ? `${mdText(mitigation.author)}, ` : ''}${mitigation.createdAt}_`,
      '',
    );
    out.push(...mitigation.body.split(/\r?\n/).map((l) => `> ${mdText(l)}`));
  }
  if (annotations.length) {
    out.push('', '## Annotations', '');
    for (const a of annotations) {
      const where = [a.target ? mdCode(a.target) : null, a.lines ? `lines ${a.lines[0]}–${a.lines[1]}` : null]
        .filter(Boolean)
        .join(', ');
      out.push(`- ${where ? `${where}: ` : ''}${mdText(a.body)}${a.author ? ` — ${mdText(a.author)}` : ''}`);
    }
  }
  out.push(
    '',
    `_Generated by hangscope from the dump above; check each claim against the evidence lines in the raw dump._`,
    '',
  );
  return out.join('\n');
}
