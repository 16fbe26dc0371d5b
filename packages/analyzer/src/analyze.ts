// text → lines → segments → records → model → waits → resolve → graph → findings → summary.
// Pure and total: any string in, one contract document out; never throws.

import { SCHEMA_VERSION, type AnalysisDocument, type Cpu, type Task } from './contract.js';
import { buildFindings } from './findings/build.js';
import { matchKnownIssues } from './findings/known-issues.js';
import { KNOWN_ISSUES } from './knowledge/known-issues.js';
import { buildGraph } from './graph/build.js';
import { findWaits } from './waits/find.js';
import { resolve } from './resolve/resolve.js';
import { buildModel } from './model/build.js';
import { reportWatchdogStack } from './model/watchdog-stacks.js';
import { pickKernel } from './parse/kernel.js';
import { parseText } from './parse/run.js';
import { undoHtml } from './text/html.js';
import { normalizeSpaces } from './text/spaces.js';
import { fingerprint } from './summary/fingerprint.js';
import { detectKind, headline, reportTitle } from './summary/headline.js';
import { raisedKinds } from './summary/raised-reports.js';
import { leftHeldKinds, unionKinds } from './summary/left-held.js';
import { captureRanges, nameCaptures, whatTheLastCaptureAdded } from './summary/captures.js';
import { nextCapture } from './summary/next-capture.js';
import { writeVerdict } from './summary/verdict.js';
import { ANALYZER_VERSION } from './version.js';
import { KEPT_TEXT_MAX, keepShapes } from './warm-shapes.js';

export function analyze(text: string): AnalysisDocument {
  try {
    return analyzeUnsafe(text);
  } catch (err) {
    // A bug must not cost the user their upload: say what happened, keep the contract.
    return failed(text, err);
  }
}

function analyzeUnsafe(raw: string): AnalysisDocument {
  const text = undoHtml(normalizeSpaces(raw));
  const parsed: { lines: ReturnType<typeof parseText>['lines'] | null } & Omit<ReturnType<typeof parseText>, 'lines'> =
    parseText(text);
  const { records, coverage } = parsed;
  const lineCount = parsed.lines!.uploadedLines;
  // The title reads the report's lines; after it, the line objects (the largest thing in
  // memory for a big dump) are no longer needed.
  // The reports raised while another was printing: read off the reporters' stacks, which
  // the task records hold only until the model is built. With them, lockdep's reports of
  // a lock left held when the text holds the hang it caused: neither decides the kind.
  const raised = unionKinds(raisedKinds(records), leftHeldKinds(records));
  const fromReport = reportTitle(parsed.lines!, { records }, raised);
  // A small text's line table and task records are kept with the rest of its run's
  // objects (warm-shapes.ts); a big one's go now.
  const keep: object[] | null =
    raw.length <= KEPT_TEXT_MAX ? [parsed.lines!, parsed.lines!.at(0), records.tasks.slice()] : null;
  parsed.lines = null;
  const { kernel, arch } = pickKernel(records);
  const model = buildModel(records, text, kernel);
  // The model's tasks keep what they took from the task records (frames, registers,
  // spans); the records themselves are not read again, and a `foreach bt` of 17,000
  // tasks holds as many until the document is done.
  records.tasks = [];
  // A watchdog's frame stands for a report the text lacks (it may mark a CPU stuck).
  const fromStack = reportWatchdogStack(model);
  const waits = findWaits(model, arch);
  const resolved = resolve(model, waits);
  const graph = buildGraph(model, waits, resolved);
  // The summary reads what the stages made, last.
  const h = headline(fromReport, model, waits, detectKind(model, fromStack, raised));
  const analysis = buildFindings({
    model,
    kind: h.kind,
    waits,
    nodes: graph.nodes,
    edges: graph.edges,
    locks: graph.locks,
    unresolvedFlushes: graph.unresolvedFlushes,
    ipis: graph.ipis,
    starved: graph.starved,
  });
  const known = matchKnownIssues(model.tasks, h.kind, KNOWN_ISSUES, model.records.frames.names(), model.kernel);
  const findings = [...analysis.findings];
  // Known issues go right after the cycle/stall that they explain.
  const at = findings.findIndex(
    (f) => f.severity !== 'critical' || !['deadlock_cycle', 'self_deadlock', 'ipi_stall'].includes(f.kind),
  );
  findings.splice(at < 0 ? findings.length : at, 0, ...known);
  // The text's other reports are listed, not lost (the kind and title are the report
  // that stopped the machine: summary/title.ts).
  for (const o of fromReport?.others ?? []) {
    findings.push({
      kind: 'other_report',
      severity: 'info',
      summary: `The text also holds "${o.title}" (line ${o.line}); "${h.title}" is the report that decides it`,
      nodes: [],
      evidence: [{ line: o.line, endLine: o.line }],
    });
  }

  // The model's tasks are the document's (one object per task; see ModelTask): only the
  // wait read off each one's stack is added here.
  for (let k = 0; k < model.tasks.length; k++) {
    const t = model.tasks[k];
    const w = waits.get(t.id);
    if (w) {
      t.waitFrame = w.frame.fn;
      t.waitKind = w.rule.kind;
    }
  }
  // (Frames are interned frozen frames, shared between tasks: `readonly` in the model.)
  const tasks = model.tasks as unknown as Task[];
  const cpus: Cpu[] = [...model.cpus.values()]
    .sort((a, b) => a.cpu - b.cpu)
    .map((c) => ({
      id: `cpu:${c.cpu}`,
      cpu: c.cpu,
      current: c.current,
      idle: c.idle,
      stuck: c.stuck,
      runnable: c.runnable,
      evidence: c.evidence,
      ...(c.stuckReason ? { stuckReason: c.stuckReason } : {}),
    }));
  const g = { nodes: graph.nodes, edges: graph.edges };
  const next = nextCapture(findings);
  const doc: AnalysisDocument = {
    schemaVersion: SCHEMA_VERSION,
    analyzerVersion: ANALYZER_VERSION,
    kind: h.kind,
    title: h.title,
    altTitles: h.altTitles,
    fingerprint: fingerprint({
      model,
      waits,
      analysis,
      graph: { nodes: g.nodes, edges: g.edges, locks: graph.locks, heldByFrames: graph.heldByFrames },
      subject: h.subject,
      title: h.title,
    }),
    kernel,
    arch,
    tasks,
    cpus,
    locks: graph.locks,
    works: graph.works,
    graph: g,
    findings,
    verdict: writeVerdict(h, model, waits, findings, g),
    coverage,
    lineCount,
    ...(next ? { nextCapture: next } : {}),
  };
  const ranges = captureRanges(records.captureMarks, lineCount);
  if (ranges) {
    nameCaptures(doc, ranges);
    doc.captures = ranges;
    doc.verdict = `${doc.verdict} ${whatTheLastCaptureAdded(doc, ranges)}`;
  }
  if (keep) keepShapes(raw.length, [...keep, records, model, waits, resolved, graph, analysis, doc]);
  return doc;
}

function failed(text: string, err: unknown): AnalysisDocument {
  const lineCount = text === '' ? 0 : text.split('\n').length;
  const why = String((err as Error)?.message ?? err).slice(0, 200);
  return analysisFailed(lineCount, {
    summary: `The analyzer hit an internal error on this text (${why}); the text is kept unchanged.`,
    verdict: 'The analyzer could not read this text because of an internal error; the original is stored unchanged.',
  });
}

/**
 * The document of an analysis that did not finish: an internal error here, or (for the
 * server) an analysis that ran out of time or memory. The contract holds — kind
 * `unknown`, no tasks — and `summary` and `verdict` say what happened; the fingerprint
 * `analysis-failed` groups such incidents, so none passes for a new kind of hang.
 */
export function analysisFailed(lineCount: number, why: { summary: string; verdict: string }): AnalysisDocument {
  return {
    schemaVersion: SCHEMA_VERSION,
    analyzerVersion: ANALYZER_VERSION,
    kind: 'unknown',
    title: 'Analysis failed',
    altTitles: [],
    fingerprint: 'analysis-failed',
    kernel: null,
    arch: null,
    tasks: [],
    cpus: [],
    locks: [],
    works: [],
    graph: { nodes: [], edges: [] },
    findings: [{ kind: 'missing_evidence', severity: 'warning', summary: why.summary, nodes: [] }],
    verdict: why.verdict,
    coverage: [],
    lineCount,
  };
}
