import type { AnalysisDocument } from '@hangscope/analyzer';
import { layerGraph } from './layout.js';

/** Text for XML content and attribute values; also drops characters XML 1.0 forbids. */
export function xmlEscape(value: string): string {
  return value
    .replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

const W = 200;
const H = 44;
const GAP_X = 90;
const GAP_Y = 24;
const MAX_NODES = 400;
const FILL: Record<string, string> = {
  task: '#e8f0fe',
  cpu: '#fde8e8',
  lock: '#fff4d6',
  work: '#e6f4ea',
  wq: '#e6f4ea',
  external: '#eeeeee',
};

/**
 * A self-contained SVG of the wait-for graph: layered layout, waiters on the left.
 * Edges that close a cycle are red and dashed. Every piece of text comes from the
 * dump, so all of it is XML-escaped; the SVG contains no script and no links.
 */
export function graphToSvg(doc: AnalysisDocument, title: string): string {
  const nodes = doc.graph.nodes.slice(0, MAX_NODES);
  const truncated = doc.graph.nodes.length > nodes.length;
  const { layers, backEdges } = layerGraph(nodes, doc.graph.edges);
  const pos = new Map<string, { x: number; y: number }>();
  layers.forEach((layer, li) =>
    layer.forEach((id, i) => pos.set(id, { x: 20 + li * (W + GAP_X), y: 50 + i * (H + GAP_Y) })),
  );
  const width = Math.max(420, 40 + layers.length * (W + GAP_X) - GAP_X);
  const height = Math.max(120, 70 + Math.max(0, ...layers.map((l) => l.length)) * (H + GAP_Y));

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker>' +
      '<marker id="arrow-cycle" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#c5221f"/></marker></defs>',
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="20" y="28" font-size="15" font-weight="bold">${xmlEscape(clip(title, 120))}</text>`,
  ];
  if (nodes.length === 0)
    out.push(
      `<text x="20" y="70" font-size="12" fill="#666">The analysis found no wait-for graph in this dump.</text>`,
    );
  if (truncated)
    out.push(
      `<text x="20" y="${height - 10}" font-size="11" fill="#c5221f">Only the first ${MAX_NODES} of ${doc.graph.nodes.length} nodes are drawn.</text>`,
    );

  for (const edge of doc.graph.edges) {
    const a = pos.get(edge.from);
    const b = pos.get(edge.to);
    if (!a || !b) continue;
    const cycle = backEdges.has(edge);
    const [x1, y1] = [a.x + W, a.y + H / 2];
    const [x2, y2] = b.x > a.x ? [b.x, b.y + H / 2] : [b.x + W / 2, b.y + (b.y >= a.y ? 0 : H)];
    const dash = cycle ? ' stroke-dasharray="6 4"' : edge.confidence === 'certain' ? '' : ' stroke-dasharray="2 3"';
    const color = cycle ? '#c5221f' : '#555';
    out.push(
      `<g><title>${xmlEscape(`${edge.from} ${edge.kind} ${edge.to}: ${edge.why}`)}</title>` +
        `<path d="M${x1},${y1} C${x1 + 40},${y1} ${x2 - 40},${y2} ${x2},${y2}" fill="none" stroke="${color}" stroke-width="1.4"${dash} marker-end="url(#${cycle ? 'arrow-cycle' : 'arrow'})"/>` +
        `<text x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2 - 4}" font-size="9" fill="${color}" text-anchor="middle">${xmlEscape(edge.kind)}</text></g>`,
    );
  }
  for (const node of nodes) {
    const p = pos.get(node.id)!;
    const sub = [
      node.waitFrame ? `in ${node.waitFrame}` : node.id,
      node.count && node.count > 1 ? `×${node.count}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    out.push(
      `<g><title>${xmlEscape(node.id)}</title>` +
        `<rect x="${p.x}" y="${p.y}" width="${W}" height="${H}" rx="6" fill="${FILL[node.type] ?? '#eeeeee'}" stroke="#888"/>` +
        `<text x="${p.x + 8}" y="${p.y + 18}" font-size="12">${xmlEscape(clip(node.label, 30))}</text>` +
        `<text x="${p.x + 8}" y="${p.y + 34}" font-size="10" fill="#555">${xmlEscape(clip(sub, 36))}</text></g>`,
    );
  }
  out.push('</svg>', '');
  return out.join('\n');
}
