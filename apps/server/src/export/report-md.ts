import type { AnalysisDocument, Finding, Task } from '@hangscope/analyzer';
import type { Annotation, IncidentDetail, MitigationRevision } from '../store/types.js';

/**
 * Markdown-escape text that came from a dump or a user: a comm or title must not
 * turn into a heading, a link, a table cell break or raw HTML in a ticket system.
 */
export function mdText(value: string): string {
  return value.replace(/\r?\n|\r/g, ' ').replace(/[\\`*_{}[\]()<>#+!|~&-]/g, (c) => `\\${c}`);
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
  return [...doc.tasks].filter((t) => score(t) > 0).sort((a, b) => score(b) - score(a)).slice(0, MAX_TASKS);
}

function findingLine(f: Finding): string {
  const nodes = f.nodes.length ? ` (${f.nodes.slice(0, 8).map(mdCode).join(', ')}${f.nodes.length > 8 ? ', …' : ''})` : '';
  return `- **${f.severity}** · ${f.kind.replace(/_/g, ' ')}: ${mdText(f.summary)}${nodes}`;
}

export interface ReportInput {
  incident: IncidentDetail;
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
    ['Incident', `[${mdText(incident.id)}](${pageUrl})`],
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
  if (main.length) out.push('', '## Findings', '', ...main.map(findingLine));

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
    for (const f of missing) out.push(`- ${mdText(f.summary)}`);
    for (const s of steps) out.push(`- ${mdCode(s)}`);
  }

  const tasks = keyTasks(doc);
  if (tasks.length) {
    out.push('', '## Key tasks', '', '| PID | Command | State | Waits in | Top frames |', '| ---: | --- | :---: | --- | --- |');
    const waitFrame = new Map(doc.graph.nodes.map((n) => [n.id, n.waitFrame ?? null]));
    for (const t of tasks) {
      const frames = t.frames.filter((f) => f.reliable).slice(0, 4).map((f) => mdCode(f.fn)).join(' ← ');
      const w = waitFrame.get(t.id);
      out.push(`| ${t.pid ?? '?'} | ${t.comm ? mdText(t.comm) : '?'} | ${t.state ?? '?'} | ${w ? mdCode(w) : ''} | ${frames} |`);
    }
  }

  if (mitigation && mitigation.body.trim()) {
    out.push('', '## Mitigation note', '', `_${mitigation.author ? `${mdText(mitigation.author)}, ` : ''}${mitigation.createdAt}_`, '');
    out.push(...mitigation.body.split(/\r?\n/).map((l) => `> ${mdText(l)}`));
  }
  if (annotations.length) {
    out.push('', '## Annotations', '');
    for (const a of annotations) {
      const where = [a.target ? mdCode(a.target) : null, a.lines ? `lines ${a.lines[0]}–${a.lines[1]}` : null].filter(Boolean).join(', ');
      out.push(`- ${where ? `${where}: ` : ''}${mdText(a.body)}${a.author ? ` — ${mdText(a.author)}` : ''}`);
    }
  }
  out.push('', `_Generated by hangscope from the dump above; check each claim against the evidence lines in the raw dump._`, '');
  return out.join('\n');
}
