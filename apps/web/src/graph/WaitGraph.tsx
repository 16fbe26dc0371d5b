// The wait-for graph. layout.ts computes positions (a fast layered layout at once,
// ELK's refinement of small graphs afterwards); React renders the SVG; d3 only attaches
// zoom/pan to the svg ref and moves one <g>.
// Identical waiters arrive folded (collapse.ts); a graph still larger than NODE_BUDGET
// is drawn component by component, biggest and most important first.
import { memo, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { select, zoom, zoomIdentity, zoomTransform, type ZoomBehavior } from 'd3';
import type { Finding, GraphEdge, GraphNode } from '@hangscope/analyzer';
import { edgePath, nodeSubtitle, type PlacedEdge, type PlacedNode, type PositionedGraph } from './elkGraph';
import { cycleNodeIds, isCycleEdge, rootBlockerIds } from './highlight';
import { NodeShape } from './NodeShape';
import { GraphLegend } from './GraphLegend';
import { useLayout } from './useLayout';
import { capComponents, derivedOf } from './collapse';
import { downloadBlob, serializeGraphSvg, svgToPng, type LegendEntry } from './exportImage';
import { EDGE_MEANING, edgeWords } from './edgeWords';
import { CONFIDENCE } from './GraphLegend';

interface Props {
  graph: { nodes: GraphNode[]; edges: GraphEdge[] };
  findings: Finding[];
  selected: string | null;
  onSelect: (nodeId: string | null) => void;
  /** Base of downloaded file names. */
  name?: string;
  /** A permalink's node: the graph opens on it and focuses it, once. */
  landOn?: string | null;
  /** Notes pinned to nodes: a marker with the count on each. */
  notes?: Map<string, number>;
}

const NO_NOTES = new Map<string, number>();

/** Nodes drawn before the rest of the components wait behind "Show all". */
export const NODE_BUDGET = 200;
/** ELK packs many small components slowly: at most this many before "Show all". */
export const COMPONENT_BUDGET = 40;
/** The canvas has one height whatever the graph, so nothing below it moves when it lays out. */
export const GRAPH_HEIGHT = 520;

export function WaitGraph({
  graph,
  findings,
  selected,
  onSelect,
  name = 'graph',
  landOn = null,
  notes = NO_NOTES,
}: Props) {
  const [attempt, setAttempt] = useState(0);
  const [showAll, setShowAll] = useState(false);
  const base = useMemo(
    () =>
      derivedOf(graph, findings, 'base', () => capComponents(graph, findings, NODE_BUDGET, [], 1, COMPONENT_BUDGET)),
    [graph, findings],
  );
  const baseIds = useMemo(() => new Set(base.nodes.map((n) => n.id)), [base]);
  // A node picked elsewhere (finding, table, link) in a component not drawn: draw it too.
  // Only then does selection change what is laid out.
  const hiddenPick = !showAll && selected && !baseIds.has(selected) ? selected : null;
  const visible = useMemo(() => {
    if (showAll)
      return derivedOf(graph, findings, 'all', () => capComponents(graph, findings, Infinity, [], 1, Infinity));
    if (hiddenPick) {
      return derivedOf(graph, findings, `pick ${hiddenPick}`, () =>
        capComponents(graph, findings, NODE_BUDGET, [hiddenPick], 1, COMPONENT_BUDGET),
      );
    }
    return base;
  }, [showAll, hiddenPick, graph, findings, base]);
  // Once the reader zooms, pans or picks a node, ELK's refined picture is not swapped in
  // under them (useLayout).
  const touched = useRef(false);
  const keepFast = useCallback(() => touched.current, []);
  const onTouch = useCallback(() => {
    touched.current = true;
  }, []);
  const state = useLayout(visible, attempt, keepFast);
  if (graph.nodes.length === 0) {
    return <p className="muted graph-empty">The analyzer found nothing waiting on anything in this dump.</p>;
  }
  const capped = base.hiddenNodes > 0;
  return (
    <section className="graph-panel" aria-label="wait-for graph" aria-busy={state.status === 'done' && state.refining}>
      {capped && (
        <p className="graph-cap" role="status">
          {showAll
            ? `All ${base.components} connected components, ${graph.nodes.length} nodes.`
            : `Showing ${visible.shown} of ${visible.components} connected components (${visible.nodes.length} of ${graph.nodes.length} nodes), the ones findings name first, then the largest.`}{' '}
          <button type="button" onClick={() => setShowAll((v) => !v)}>
            {showAll ? 'Show fewer' : 'Show all'}
          </button>
        </p>
      )}
      {state.status === 'error' && (
        <div className="graph-skeleton" style={{ height: GRAPH_HEIGHT + TOOLBAR_HEIGHT }}>
          <p role="alert" className="error">
            Graph layout failed: {state.error.message}{' '}
            <button type="button" onClick={() => setAttempt((a) => a + 1)}>
              Retry
            </button>
          </p>
        </div>
      )}
      {state.status === 'done' && (
        <GraphCanvas
          layout={state.layout}
          engine={state.engine}
          findings={findings}
          selected={selected}
          onSelect={onSelect}
          onTouch={onTouch}
          name={name}
          landOn={landOn}
          notes={notes}
        />
      )}
      <GraphLegend />
    </section>
  );
}

const TOOLBAR_HEIGHT = 34;

const MARGIN = 24;
/**
 * Below this zoom the text is a few pixels high and unreadable: it is hidden, and so
 * not painted on every frame of a pan over thousands of nodes.
 */
export const FAR_ZOOM = 0.4;
/** Nodes of a graph small enough to open whole down to FAR_ZOOM. */
const SMALL_GRAPH = 30;
/** The smallest zoom a big graph opens at: 12 px labels drawn at 9 px. */
export const READABLE_ZOOM = 0.75;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Scales at which a box fills the view's width / height (margins kept), capped at 1.2. */
function fitScales(box: Box, w: number, h: number): { fitW: number; fitH: number } {
  return {
    fitW: Math.min(1.2, (w - 2 * MARGIN) / Math.max(box.width, 1)),
    fitH: Math.min(1.2, (h - 2 * MARGIN) / Math.max(box.height, 1)),
  };
}

function boxOf(nodes: PlacedNode[]): Box {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of nodes) {
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x + p.width);
    y1 = Math.max(y1, p.y + p.height);
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The legend of an exported picture: the marks this graph uses, each named. */
function legendFor(layout: PositionedGraph, cycle: Set<string>, roots: Set<string>): LegendEntry[] {
  const out: LegendEntry[] = [];
  const kinds = [...new Set(layout.edges.map((pe) => pe.edge.kind))];
  for (const k of kinds)
    out.push({ sample: { edge: `edge kind-${k}` }, text: `${edgeWords(k)}: ${EDGE_MEANING[k] ?? k}` });
  const confs = new Set(layout.edges.map((pe) => pe.edge.confidence));
  for (const [c, text] of CONFIDENCE) if (confs.has(c)) out.push({ sample: { edge: `edge conf-${c}` }, text });
  if (layout.nodes.some((p) => cycle.has(p.node.id)))
    out.push({ sample: { node: 'node type-task cycle' }, text: 'in a deadlock cycle' });
  if (layout.nodes.some((p) => roots.has(p.node.id)))
    out.push({ sample: { node: 'node type-task root-blocker' }, text: 'root blocker' });
  return out;
}

/** The ids and their direct neighbours in the drawn graph. */
function neighbourhood(ids: string[], layout: PositionedGraph): string[] {
  const set = new Set(ids);
  for (const pe of layout.edges) {
    if (set.has(pe.edge.from) || set.has(pe.edge.to)) {
      set.add(pe.edge.from);
      set.add(pe.edge.to);
    }
  }
  return [...set];
}

export function GraphCanvas({
  layout,
  findings,
  selected,
  onSelect,
  onTouch,
  engine,
  name = 'graph',
  landOn = null,
  notes = NO_NOTES,
}: {
  layout: PositionedGraph;
  /** Which layout drew it (a data attribute, for tests and bug reports). */
  engine?: 'fast' | 'elk';
  findings: Finding[];
  selected: string | null;
  onSelect: (id: string | null) => void;
  /** The reader zoomed, panned or picked a node. */
  onTouch?: () => void;
  name?: string;
  landOn?: string | null;
  notes?: Map<string, number>;
}) {
  const svgRef = useRef<SVGSVGElement>(null);
  const viewRef = useRef<SVGGElement>(null);
  const zoomRef = useRef<ZoomBehavior<SVGSVGElement, unknown> | null>(null);
  const activeRef = useRef(false);
  // Read by the first view only: a later selection must not reset the zoom.
  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  const cycle = useMemo(() => cycleNodeIds(findings), [findings]);
  const roots = useMemo(() => rootBlockerIds(findings), [findings]);
  const byId = useMemo(() => new Map(layout.nodes.map((p) => [p.node.id, p])), [layout]);
  const height = GRAPH_HEIGHT;
  const [exportError, setExportError] = useState<string | null>(null);

  /** Show `box` (layout coordinates) centred at scale k, or from its top when taller than the view. */
  const showBox = useCallback(
    (box: Box, k: number) => {
      const svg = svgRef.current;
      const z = zoomRef.current;
      if (!svg || !z) return;
      const w = svg.clientWidth || 800;
      const h = svg.clientHeight || height;
      const tx = box.width * k <= w - 2 * MARGIN ? (w - box.width * k) / 2 - box.x * k : MARGIN - box.x * k;
      const ty = box.height * k <= h - 2 * MARGIN ? (h - box.height * k) / 2 - box.y * k : MARGIN - box.y * k;
      select(svg).call(z.transform, zoomIdentity.translate(tx, ty).scale(k));
    },
    [height],
  );

  // Fit: the whole graph, but never so small that no label is drawn — a tall graph is
  // fitted to the width (down to FAR_ZOOM) and shown from its top, not as a grey sliver.
  const fit = useCallback(() => {
    const svg = svgRef.current;
    if (!svg) return;
    const whole = { x: 0, y: 0, width: layout.width, height: layout.height };
    const { fitW, fitH } = fitScales(whole, svg.clientWidth || 800, svg.clientHeight || height);
    const k = Math.min(fitW, fitH) >= FAR_ZOOM ? Math.min(fitW, fitH) : Math.max(0.05, Math.min(fitW, FAR_ZOOM));
    showBox(whole, k);
  }, [layout, height, showBox]);

  // The first view: the whole graph when it fits legibly; otherwise the answer's part
  // of it — the cycle, else the root blockers (else the selected node), with the nodes
  // around them — at a readable zoom. Fit still shows all of it.
  const [partial, setPartial] = useState(false);
  const initialView = useCallback(() => {
    const svg = svgRef.current;
    if (!svg) return;
    const w = svg.clientWidth || 800;
    const h = svg.clientHeight || height;
    const whole = { x: 0, y: 0, width: layout.width, height: layout.height };
    const all = fitScales(whole, w, h);
    const k = Math.min(all.fitW, all.fitH);
    // A small graph is shown whole even a little under the readable zoom.
    if (k >= READABLE_ZOOM || (k >= FAR_ZOOM && layout.nodes.length <= SMALL_GRAPH)) {
      setPartial(false);
      showBox(whole, k);
      return;
    }
    setPartial(true);
    const picked = selectedRef.current;
    const focus = picked && byId.has(picked) ? [picked] : [...cycle].filter((id) => byId.has(id));
    if (!focus.length) focus.push(...[...roots].filter((id) => byId.has(id)));
    if (!focus.length) {
      showBox(whole, Math.max(READABLE_ZOOM, Math.min(1, all.fitW)));
      return;
    }
    // The focus and its neighbours when they fit readably, else the focus alone.
    const near = neighbourhood(focus, layout);
    for (const ids of [near, focus]) {
      const box = boxOf(ids.flatMap((id) => byId.get(id) ?? []));
      const f = fitScales(box, w, h);
      const k = Math.min(1, f.fitW, f.fitH);
      if (k >= READABLE_ZOOM || ids === focus) {
        showBox(box, Math.max(READABLE_ZOOM, k));
        return;
      }
    }
  }, [layout, height, showBox, cycle, roots, byId]);

  const onTouchRef = useRef(onTouch);
  onTouchRef.current = onTouch;

  useEffect(() => {
    const svg = svgRef.current;
    const view = viewRef.current;
    if (!svg || !view) return;
    let far: boolean | null = null;
    const z = zoom<SVGSVGElement, unknown>()
      // The page scrolls under the wheel: the graph zooms with ctrl/⌘+wheel, or with the
      // wheel once it was clicked into (until a click elsewhere or the pointer leaves).
      .filter((ev: MouseEvent) =>
        ev.type === 'wheel' ? activeRef.current || ev.ctrlKey || ev.metaKey : !ev.ctrlKey && !ev.button,
      )
      // d3's default extent reads svg.width.baseVal, which is the attribute ("100%"),
      // not the rendered size; the client box is what the user sees.
      .extent(() => [
        [0, 0],
        [svg.clientWidth || 800, svg.clientHeight || height],
      ])
      .scaleExtent([0.05, 4])
      .on('start', (ev: { sourceEvent: unknown }) => {
        // Programmatic moves (fit, pan to a selection) have no source event.
        if (ev.sourceEvent) onTouchRef.current?.();
      })
      .on('zoom', (ev: { transform: { k: number; toString(): string } }) => {
        view.setAttribute('transform', ev.transform.toString());
        const isFar = ev.transform.k < FAR_ZOOM;
        if (isFar !== far) {
          far = isFar;
          svg.classList.toggle('far', isFar);
        }
      });
    zoomRef.current = z;
    const activate = () => {
      activeRef.current = true;
      svg.classList.add('active');
    };
    const deactivate = () => {
      activeRef.current = false;
      svg.classList.remove('active');
    };
    const outside = (ev: PointerEvent) => {
      if (!svg.contains(ev.target as Node)) deactivate();
    };
    svg.addEventListener('pointerdown', activate);
    svg.addEventListener('pointerleave', deactivate);
    document.addEventListener('pointerdown', outside);
    // Double-click zoom would fight with double-clicking a label to select its text.
    select(svg).call(z).on('dblclick.zoom', null);
    initialView();
    return () => {
      select(svg).on('.zoom', null);
      svg.removeEventListener('pointerdown', activate);
      svg.removeEventListener('pointerleave', deactivate);
      document.removeEventListener('pointerdown', outside);
    };
  }, [initialView, height]);

  // Keys on the focused graph: + and - zoom, arrows pan, 0 fits.
  const onCanvasKey = useCallback(
    (e: KeyboardEvent<SVGSVGElement>) => {
      const svg = svgRef.current;
      const z = zoomRef.current;
      if (!svg || !z || e.altKey || e.ctrlKey || e.metaKey) return;
      const step = 80 / zoomTransform(svg).k;
      const pan: Record<string, [number, number]> = {
        ArrowLeft: [step, 0],
        ArrowRight: [-step, 0],
        ArrowUp: [0, step],
        ArrowDown: [0, -step],
      };
      if (e.key === '+' || e.key === '=') select(svg).call(z.scaleBy, 1.25);
      else if (e.key === '-' || e.key === '_') select(svg).call(z.scaleBy, 0.8);
      else if (e.key === '0') fit();
      else if (pan[e.key]) select(svg).call(z.translateBy, ...pan[e.key]);
      else return;
      e.preventDefault();
      onTouchRef.current?.();
    },
    [fit],
  );

  // A node picked outside the graph (a finding, the tasks table, a deep link) may be
  // off-screen: pan to it. One picked by clicking it is on screen already; leave the
  // view alone so the graph does not jump under the pointer.
  const clickedRef = useRef<string | null>(null);
  useEffect(() => {
    const svg = svgRef.current;
    const z = zoomRef.current;
    if (!svg || !z || !selected || clickedRef.current === selected) return;
    const p = byId.get(selected);
    if (!p) return;
    const t = zoomTransform(svg);
    const [x0, y0] = t.apply([p.x, p.y]);
    const [x1, y1] = t.apply([p.x + p.width, p.y + p.height]);
    const w = svg.clientWidth || 800;
    const h = svg.clientHeight || height;
    if (x0 >= 0 && y0 >= 0 && x1 <= w && y1 <= h) return;
    select(svg).call(z.translateTo, p.x + p.width / 2, p.y + p.height / 2);
  }, [selected, byId, height]);

  // A permalink's node: focused once it is drawn (focus scrolls the page to it when the
  // graph is not in view, and a screen reader announces it).
  const landed = useRef(false);
  useEffect(() => {
    if (landed.current || !landOn || !byId.has(landOn)) return;
    landed.current = true;
    const el = svgRef.current?.querySelector<SVGGElement>(`[data-node-id="${CSS.escape(landOn)}"]`);
    el?.focus({ preventScroll: true });
    // The whole canvas into view (centred), not just the node at the window's edge: a
    // later refinement of the layout moves nodes within the canvas.
    const r = el?.getBoundingClientRect();
    if (r && (r.top < 0 || r.bottom > window.innerHeight)) svgRef.current?.scrollIntoView({ block: 'center' });
  }, [landOn, byId]);

  // Stable handlers, so a selection change re-renders only the nodes whose state changed.
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;
  const pick = useCallback((id: string) => {
    clickedRef.current = id;
    onTouchRef.current?.();
    onSelectRef.current(id);
  }, []);
  const onKey = useCallback(
    (e: KeyboardEvent, id: string) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        pick(id);
      } else if (e.key === 'Escape') {
        onSelectRef.current(null);
      }
    },
    [pick],
  );

  const exportAs = async (kind: 'svg' | 'png') => {
    const svg = svgRef.current;
    if (!svg) return;
    setExportError(null);
    try {
      const m = 16;
      const pic = serializeGraphSvg(svg, layout.width, layout.height, m, legendFor(layout, cycle, roots));
      if (kind === 'svg') downloadBlob(new Blob([pic.text], { type: 'image/svg+xml' }), `${name}.svg`);
      else downloadBlob(await svgToPng(pic.text, pic.width, pic.height), `${name}.png`);
    } catch (e) {
      setExportError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <div className="graph-canvas">
      <div className="graph-toolbar" style={{ height: TOOLBAR_HEIGHT }}>
        <button type="button" onClick={fit}>
          Fit
        </button>
        <button type="button" onClick={() => void exportAs('svg')}>
          Save SVG
        </button>
        <button type="button" onClick={() => void exportAs('png')}>
          Save PNG
        </button>
        {selected && (
          <button type="button" onClick={() => onSelect(null)}>
            Clear selection
          </button>
        )}
        <span className="muted">
          {layout.nodes.length} nodes · {layout.edges.length} edges · drag to pan; ctrl/⌘+wheel (or click, then wheel)
          to zoom; keys + − ← → ↑ ↓ 0{partial && ' · too big to show whole at a readable size: Fit (0) shows all of it'}
        </span>
        {exportError && <span className="error">Export failed: {exportError}</span>}
      </div>
      <svg
        ref={svgRef}
        className="wait-graph"
        data-layout={engine}
        role="group"
        tabIndex={0}
        aria-label="wait-for graph, arrows from waiter to what it waits for; + and - zoom, arrow keys pan, 0 fits"
        aria-keyshortcuts="+ - 0 ArrowLeft ArrowRight ArrowUp ArrowDown"
        onKeyDown={onCanvasKey}
        height={height}
        width="100%"
      >
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="9"
            markerHeight="9"
            markerUnits="userSpaceOnUse"
            orient="auto-start-reverse"
          >
            <path d="M0,0 L10,5 L0,10 z" className="arrow" />
          </marker>
          <marker
            id="arrow-cycle"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="9"
            markerHeight="9"
            markerUnits="userSpaceOnUse"
            orient="auto-start-reverse"
          >
            <path d="M0,0 L10,5 L0,10 z" className="arrow arrow-cycle" />
          </marker>
        </defs>
        <g ref={viewRef} data-view="">
          <g className="edges">
            {layout.edges.map((pe) => (
              <EdgeView
                key={pe.id}
                pe={pe}
                inCycle={isCycleEdge(pe.edge, cycle)}
                touchesSelected={selected !== null && (pe.edge.from === selected || pe.edge.to === selected)}
              />
            ))}
          </g>
          <g className="nodes" role="listbox" aria-label="nodes: Enter selects, Escape clears">
            {layout.nodes.map((p) => (
              <NodeView
                key={p.node.id}
                p={p}
                inCycle={cycle.has(p.node.id)}
                root={roots.has(p.node.id)}
                isSelected={selected === p.node.id}
                noteCount={notes.get(p.node.id) ?? 0}
                pick={pick}
                onKey={onKey}
              />
            ))}
          </g>
        </g>
      </svg>
    </div>
  );
}

const EdgeView = memo(function EdgeView({
  pe,
  inCycle,
  touchesSelected,
}: {
  pe: PlacedEdge;
  inCycle: boolean;
  touchesSelected: boolean;
}) {
  const cls = [
    'edge',
    `kind-${pe.edge.kind}`,
    `conf-${pe.edge.confidence}`,
    inCycle ? 'cycle' : '',
    touchesSelected ? 'selected' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <g className={cls} data-edge={`${pe.edge.from}->${pe.edge.to}`}>
      <title>{`${edgeWords(pe.edge.kind)} (${pe.edge.confidence}): ${pe.edge.why}`}</title>
      <path className="edge-line" d={edgePath(pe)} markerEnd={inCycle ? 'url(#arrow-cycle)' : 'url(#arrow)'} />
      {pe.label && (
        <text className="edge-label" x={pe.label.x} y={pe.label.y} textAnchor="middle" dominantBaseline="middle">
          {edgeWords(pe.edge.kind)}
        </text>
      )}
    </g>
  );
});

const NodeView = memo(function NodeView({
  p: { node, x, y, width, height: h },
  inCycle,
  root,
  isSelected,
  noteCount,
  pick,
  onKey,
}: {
  p: PlacedNode;
  inCycle: boolean;
  root: boolean;
  isSelected: boolean;
  noteCount: number;
  pick: (id: string) => void;
  onKey: (e: KeyboardEvent, id: string) => void;
}) {
  const cls = [
    'node',
    `type-${node.type}`,
    inCycle ? 'cycle' : '',
    root ? 'root-blocker' : '',
    isSelected ? 'selected' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const sub = nodeSubtitle(node);
  const count = node.count && node.count > 1 ? node.count : null;
  return (
    <g
      className={cls}
      data-node-id={node.id}
      data-members={node.members && node.members.length > 1 ? node.members.join(' ') : undefined}
      transform={`translate(${x},${y})`}
      role="option"
      tabIndex={0}
      aria-selected={isSelected}
      aria-label={`${node.type} ${node.label}${count ? `, ${count} tasks` : ''}${noteCount ? `, ${noteCount} note${noteCount === 1 ? '' : 's'}` : ''}`}
      onClick={(e) => {
        e.stopPropagation();
        pick(node.id);
      }}
      onKeyDown={(e) => onKey(e, node.id)}
    >
      <NodeShape type={node.type} width={width} height={h} />
      <text
        className="node-label"
        x={count ? (width - 8 - String(count).length * 7.3 - 10) / 2 : width / 2}
        y={sub ? 17 : h / 2}
        textAnchor="middle"
        dominantBaseline="middle"
      >
        {node.label}
      </text>
      {count && (
        // A separate element, so the label's text stays exactly the node's label.
        <text className="node-count" x={width - 8} y={sub ? 17 : h / 2} textAnchor="end" dominantBaseline="middle">
          {`×${count}`}
        </text>
      )}
      {sub && (
        <text className="node-sub" x={width / 2} y={31} textAnchor="middle" dominantBaseline="middle">
          {sub}
        </text>
      )}
      {noteCount > 0 && (
        <g className="note-marker" transform={`translate(${width - 4},-4)`}>
          <title>{`${noteCount} note${noteCount === 1 ? '' : 's'} pinned here`}</title>
          <circle r={8} />
          <text textAnchor="middle" dominantBaseline="central">
            {noteCount}
          </text>
        </g>
      )}
    </g>
  );
});
