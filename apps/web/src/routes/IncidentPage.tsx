// One incident: what it is, the answer (verdict, findings), the wait-for graph, and the
// evidence behind the selected node. Selection and line range live in the URL.
// It reads the incident's view (GET …/view: the graph, the tasks in it, counts), not the
// whole analysis, which for a big dump is ~2× the dump (the Export links have it).
import { useCallback, useMemo, useState } from 'react';
import type { AnalysisDocument, Finding } from '@hangscope/analyzer';
import { Link, useLocation, useParams, useSearchParams } from 'react-router';
import { useAnnotations, useIncidentView, useTasks } from '../api/hooks';
import { pinnedNotes } from '../incident/pinnedNotes';
import { QueryError } from '../components/QueryError';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { CopyButton } from '../components/CopyButton';
import { Coverage } from '../incident/Coverage';
import { WaitGraph } from '../graph/WaitGraph';
import { Findings } from '../incident/Findings';
import { IncidentHeader } from '../incident/IncidentHeader';
import { NodeDetails } from '../incident/NodeDetails';
import { RawTextPanel } from '../incident/RawTextPanel';
import { TasksTable } from '../incident/TasksTable';
import { Exports } from '../incident/Exports';
import { Annotations } from '../incident/Annotations';
import { SimilarIncidents } from '../incident/SimilarIncidents';
import { MitigationNote } from '../incident/MitigationNote';
import { Captures } from '../incident/Captures';
import { AuditTrail } from '../incident/AuditTrail';
import { RepeatBanner } from '../incident/RepeatBanner';
import { GroupControls } from '../incident/GroupControls';
import { formatLines, parseLines, parseNodeParam, permalink, type LineRange } from '../incident/urlState';
import { evidenceOf, labelOf } from '../incident/evidence';
import { collapseIdenticalWaiters, derivedOf } from '../graph/collapse';

// One empty list, not a new one per render: the graph memoises on it.
const NO_FINDINGS: Finding[] = [];

export function IncidentPage() {
  const { id = '' } = useParams();
  const location = useLocation();
  const duplicate = (location.state as { duplicate?: boolean } | null)?.duplicate === true;
  const [params, setParams] = useSearchParams();
  const incident = useIncidentView(id);
  const selected = parseNodeParam(params.get('node'));
  const lines = parseLines(params.get('lines'));
  // Where a permalink pointed when the page opened: the page lands there once (the
  // graph focuses the node, the raw dump scrolls into view on the lines).
  const [landing] = useState(() => ({ node: selected, lines }));
  const notes = useAnnotations(id);
  const pinned = useMemo(() => pinnedNotes(notes.data ?? []), [notes.data]);
  const view = incident.data?.analysis;
  // A task picked by a deep link that the view does not carry (not in the graph):
  // fetched on its own and added to what the details panel looks in.
  const missing = useMemo(
    () => (view && selected?.startsWith('task:') && !view.tasks.some((t) => t.id === selected) ? [selected] : []),
    [view, selected],
  );
  const extra = useTasks(id, missing);
  const analysis = useMemo((): AnalysisDocument | undefined => {
    if (!view || !extra.data?.length) return view;
    return { ...view, tasks: [...view.tasks, ...extra.data] };
  }, [view, extra.data]);

  const setUrlState = useCallback(
    (node: string | null, range: LineRange | null) => {
      setParams(
        (prev) => {
          const p = new URLSearchParams(prev);
          if (node) p.set('node', node);
          else p.delete('node');
          const l = formatLines(range);
          if (l) p.set('lines', l);
          else p.delete('lines');
          return p;
        },
        { replace: false, preventScrollReset: true },
      );
    },
    [setParams],
  );

  // Selecting a node clears lines=: the node's own evidence is highlighted from node=,
  // and lines= is kept for a range someone pointed at (a frame, an edge, the gutter).
  const selectNode = useCallback((nodeId: string | null) => setUrlState(nodeId, null), [setUrlState]);

  const highlight = useMemo(() => (analysis && selected ? evidenceOf(analysis, selected) : []), [analysis, selected]);

  // Identical waiters fold into one drawn node; a task picked anywhere on the page
  // selects (highlights) the node it was folded into.
  const collapsed = useMemo(
    () =>
      view
        ? derivedOf(view.graph, view, 'collapsed', () =>
            collapseIdenticalWaiters(view.graph, 2, view.findings ?? NO_FINDINGS),
          )
        : null,
    [view],
  );
  const drawnSelected = selected ? (collapsed?.memberOf.get(selected) ?? selected) : null;
  const folded = useMemo(() => {
    if (!collapsed || !drawnSelected) return null;
    const n = collapsed.nodes.find((x) => x.id === drawnSelected);
    return n?.count && n.count > 1 ? n : null;
  }, [collapsed, drawnSelected]);

  // Finding links say what a node is (its graph label), not its id.
  const nodeLabel = useCallback((nodeId: string) => (analysis ? labelOf(analysis, nodeId) : nodeId), [analysis]);
  const linkTo = useCallback(
    (node: string | null, range: LineRange | null) => permalink(window.location.origin, id, node, range),
    [id],
  );

  if (incident.isPending) return <IncidentSkeleton />;
  if (incident.isError)
    return (
      <main className="page">
        <QueryError error={incident.error} retry={() => void incident.refetch()} what="incident" />
        <p>
          <Link to="/">Incident list</Link>
        </p>
      </main>
    );
  const inc = incident.data;
  const doc = analysis ?? inc.analysis;

  return (
    <main className="page incident-page">
      {duplicate && (
        <p className="notice" role="status">
          This dump was uploaded before; showing the existing incident.
        </p>
      )}
      <ErrorBoundary label="Repeat">
        <RepeatBanner id={inc.id} />
      </ErrorBoundary>
      <IncidentHeader incident={inc} />
      {/* The first screen answers: the verdict and the findings beside the graph. */}
      <div className="incident-top">
        <div className="incident-answer">
          <section aria-labelledby="verdict-h" className="verdict">
            <h2 id="verdict-h">Verdict {doc.verdict && <CopyButton text={doc.verdict} />}</h2>
            <p className="verdict-text">{doc.verdict || 'No verdict.'}</p>
            <Coverage
              segments={doc.coverage ?? []}
              counts={inc.coverageCounts}
              totalSegments={inc.coverageSegments}
              onShowLines={(r) => setUrlState(selected, r)}
            />
          </section>
          <section aria-labelledby="findings-h">
            <h2 id="findings-h">Findings</h2>
            <ErrorBoundary label="Findings">
              <Findings
                findings={doc.findings ?? NO_FINDINGS}
                onSelectNode={selectNode}
                nodeLabel={nodeLabel}
                linkTo={linkTo}
              />
            </ErrorBoundary>
          </section>
          <ErrorBoundary label="Mitigation">
            <MitigationNote id={inc.id} />
          </ErrorBoundary>
          <ErrorBoundary label="Captures">
            <Captures id={inc.id} next={doc.nextCapture} />
          </ErrorBoundary>
        </div>
        <section aria-labelledby="graph-h" className="incident-graph">
          <h2 id="graph-h">Wait-for graph</h2>
          <ErrorBoundary label="The graph">
            <WaitGraph
              graph={collapsed ?? doc.graph}
              findings={doc.findings ?? NO_FINDINGS}
              selected={drawnSelected}
              onSelect={selectNode}
              name={`hangscope-${inc.id}-graph`}
              landOn={landing.lines ? null : landing.node}
              notes={pinned.byNode}
            />
          </ErrorBoundary>
        </section>
      </div>
      <div className="evidence-split">
        <ErrorBoundary label="Node details">
          <NodeDetails
            analysis={doc}
            nodeId={selected}
            folded={folded}
            onSelectNode={selectNode}
            onShowLines={(r) => setUrlState(selected, r)}
            link={selected ? linkTo(selected, null) : null}
          />
        </ErrorBoundary>
        <ErrorBoundary label="The raw dump">
          <RawTextPanel
            id={inc.id}
            size={inc.size}
            highlight={highlight}
            focus={lines}
            onSelectLines={(r) => setUrlState(selected, r)}
            land={landing.lines !== null}
            link={lines ? linkTo(selected, lines) : null}
            notedLines={pinned.lines}
          />
        </ErrorBoundary>
      </div>
      <ErrorBoundary label="Tasks">
        <TasksTable
          id={inc.id}
          analysis={inc.analysis}
          groups={inc.taskGroups}
          counts={inc.counts}
          onSelectNode={selectNode}
        />
      </ErrorBoundary>
      <ErrorBoundary label="Annotations">
        <Annotations id={inc.id} selected={selected} lines={lines} />
      </ErrorBoundary>
      <ErrorBoundary label="Changes">
        <AuditTrail id={inc.id} />
      </ErrorBoundary>
      <div className="side-by-side">
        <Exports id={inc.id} />
        <ErrorBoundary label="Group">
          <GroupControls id={inc.id} />
        </ErrorBoundary>
        <ErrorBoundary label="Similar incidents">
          <SimilarIncidents id={inc.id} />
        </ErrorBoundary>
      </div>
    </main>
  );
}

/** The page's shape while the incident loads: same blocks, fixed heights, no jump. */
function IncidentSkeleton() {
  return (
    <main className="page incident-page incident-skeleton" aria-busy="true" aria-label="loading incident">
      <p className="muted">Loading incident…</p>
      <div className="sk" style={{ height: 64 }} />
      <div className="sk" style={{ height: 120 }} />
      <div className="sk" style={{ height: 160 }} />
      <div className="sk" style={{ height: 600 }} />
    </main>
  );
}
