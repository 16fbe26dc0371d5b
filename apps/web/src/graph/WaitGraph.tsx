// The wait-for graph. ELK computes positions (layout.ts, lazily, in a worker); React
// renders the SVG; d3 only attaches zoom/pan to the svg ref and moves one <g>.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { select, zoom, zoomIdentity, zoomTransform, type ZoomBehavior } from 'd3';
import type { Finding, GraphEdge, GraphNode } from '@hangscope/analyzer';
import { edgePath, nodeSubtitle, type PositionedGraph } from './elkGraph';
import { cycleNodeIds, isCycleEdge, rootBlockerIds } from './highlight';
import { NodeShape } from './NodeShape';
import { GraphLegend } from './GraphLegend';
import { useLayout } from './useLayout';

interface Props {
  graph: { nodes: GraphNode[]; edges: GraphEdge[] };
  findings: Finding[];
  selected: string | null;
  onSelect: (nodeId: string | null) => void;
}

export function WaitGraph({ graph, findings, selected, onSelect }: Props) {
  const [attempt, setAttempt] = useState(0);
  const state = useLayout(graph, attempt);
  if (graph.nodes.length === 0) {
    return <p className="muted graph-empty">The analyzer found nothing waiting on anything in this dump.</p>;
  }
  return (
    <section className="graph-panel" aria-label="wait-for graph">
      {state.status === 'pending' && <p className="muted">Laying out {graph.nodes.length} nodes…</p>}
      {state.status === 'error' && (
        <p role="alert" className="error">
          Graph layout failed: {state.error.message}{' '}
          <button type="button" onClick={() => setAttempt((a) => a + 1)}>
            Retry
          </button>
        </p>
      )}
      {state.status === 'done' && (
        <GraphCanvas layout={state.layout} findings={findings} selected={selected} onSelect={onSelect} />
      )}
      <GraphLegend />
    </section>
  );
}

const MARGIN = 24;

export function GraphCanvas({
  layout,
  findings,
  selected,
  onSelect,
}: {
  layout: PositionedGraph;
  findings: Finding[];
  selected: string | null;
  onSelect: (id: string | null) => void;
}) {
  const svgRef = useRef<SVGSVGElement>(null);
  const viewRef = useRef<SVGGElement>(null);
  const zoomRef = useRef<ZoomBehavior<SVGSVGElement, unknown> | null>(null);
  const cycle = useMemo(() => cycleNodeIds(findings), [findings]);
  const roots = useMemo(() => rootBlockerIds(findings), [findings]);
  // Tall enough for the graph at 1:1 when small, capped so the page stays usable.
  const height = Math.min(Math.max(layout.height + 2 * MARGIN, 220), 640);

  const fit = () => {
    const svg = svgRef.current;
    const z = zoomRef.current;
    if (!svg || !z) return;
    const w = svg.clientWidth || 800;
    const h = svg.clientHeight || height;
    const k = Math.min(1.2, (w - 2 * MARGIN) / Math.max(layout.width, 1), (h - 2 * MARGIN) / Math.max(layout.height, 1));
    const tx = (w - layout.width * k) / 2;
    const ty = (h - layout.height * k) / 2;
    select(svg).call(z.transform, zoomIdentity.translate(tx, ty).scale(k));
  };

  useEffect(() => {
    const svg = svgRef.current;
    const view = viewRef.current;
    if (!svg || !view) return;
    const z = zoom<SVGSVGElement, unknown>()
      // d3's default extent reads svg.width.baseVal, which is the attribute ("100%"),
      // not the rendered size; the client box is what the user sees.
      .extent(() => [
        [0, 0],
        [svg.clientWidth || 800, svg.clientHeight || height],
      ])
      .scaleExtent([0.05, 4])
      .on('zoom', (ev: { transform: { toString(): string } }) => {
        view.setAttribute('transform', ev.transform.toString());
      });
    zoomRef.current = z;
    // Double-click zoom would fight with double-clicking a label to select its text.
    select(svg).call(z).on('dblclick.zoom', null);
    fit();
    return () => {
      select(svg).on('.zoom', null);
    };
    // fit depends only on layout/height, which are the effect's inputs.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [layout]);

  // A node picked outside the graph (a finding, the tasks table, a deep link) may be
  // off-screen: pan to it. One picked by clicking it is on screen already; leave the
  // view alone so the graph does not jump under the pointer.
  const clickedRef = useRef<string | null>(null);
  useEffect(() => {
    const svg = svgRef.current;
    const z = zoomRef.current;
    if (!svg || !z || !selected || clickedRef.current === selected) return;
    const p = layout.nodes.find((n) => n.node.id === selected);
    if (!p) return;
    const t = zoomTransform(svg);
    const [x0, y0] = t.apply([p.x, p.y]);
    const [x1, y1] = t.apply([p.x + p.width, p.y + p.height]);
    const w = svg.clientWidth || 800;
    const h = svg.clientHeight || height;
    if (x0 >= 0 && y0 >= 0 && x1 <= w && y1 <= h) return;
    select(svg).call(z.translateTo, p.x + p.width / 2, p.y + p.height / 2);
  }, [selected, layout, height]);

  const pick = (id: string) => {
    clickedRef.current = id;
    onSelect(id);
  };

  const onKey = (e: KeyboardEvent, id: string) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      pick(id);
    } else if (e.key === 'Escape') {
      onSelect(null);
    }
  };

  return (
    <div className="graph-canvas">
      <div className="graph-toolbar">
        <button type="button" onClick={fit}>
          Fit
        </button>
        {selected && (
          <button type="button" onClick={() => onSelect(null)}>
            Clear selection
          </button>
        )}
        <span className="muted">
          {layout.nodes.length} nodes · {layout.edges.length} edges · drag to pan, wheel to zoom
        </span>
      </div>
      <svg ref={svgRef} className="wait-graph" role="group" aria-label="wait-for graph, arrows from waiter to what it waits for" height={height} width="100%">
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="arrow" />
          </marker>
          <marker id="arrow-cycle" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="arrow arrow-cycle" />
          </marker>
        </defs>
        <g ref={viewRef}>
          <g className="edges">
            {layout.edges.map((pe) => {
              const inCycle = isCycleEdge(pe.edge, cycle);
              const touchesSelected = selected !== null && (pe.edge.from === selected || pe.edge.to === selected);
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
                <g key={pe.id} className={cls} data-edge={`${pe.edge.from}->${pe.edge.to}`}>
                  <title>{`${pe.edge.kind} (${pe.edge.confidence}): ${pe.edge.why}`}</title>
                  <path className="edge-line" d={edgePath(pe)} markerEnd={inCycle ? 'url(#arrow-cycle)' : 'url(#arrow)'} />
                  {pe.label && (
                    <text className="edge-label" x={pe.label.x} y={pe.label.y} textAnchor="middle" dominantBaseline="middle">
                      {pe.edge.kind}
                    </text>
                  )}
                </g>
              );
            })}
          </g>
          <g className="nodes">
            {layout.nodes.map(({ node, x, y, width, height: h }) => {
              const cls = [
                'node',
                `type-${node.type}`,
                cycle.has(node.id) ? 'cycle' : '',
                roots.has(node.id) ? 'root-blocker' : '',
                selected === node.id ? 'selected' : '',
              ]
                .filter(Boolean)
                .join(' ');
              const sub = nodeSubtitle(node);
              const count = node.count && node.count > 1 ? node.count : null;
              return (
                <g
                  key={node.id}
                  className={cls}
                  data-node-id={node.id}
                  transform={`translate(${x},${y})`}
                  role="button"
                  tabIndex={0}
                  aria-pressed={selected === node.id}
                  aria-label={`${node.type} ${node.label}${count ? `, ${count} tasks` : ''}`}
                  onClick={(e) => {
                    e.stopPropagation();
                    pick(node.id);
                  }}
                  onKeyDown={(e) => onKey(e, node.id)}
                >
                  <NodeShape type={node.type} width={width} height={h} />
                  <text className="node-label" x={count ? (width - 8 - String(count).length * 7.3 - 10) / 2 : width / 2} y={sub ? 17 : h / 2} textAnchor="middle" dominantBaseline="middle">
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
                </g>
              );
            })}
          </g>
        </g>
      </svg>
    </div>
  );
}
