import type { AnalysisDocument } from '@hangscope/analyzer';

/** A DOT string literal: quotes and backslashes escaped, line breaks as \n. */
export function dotString(value: string): string {
  return `"${value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\r?\n|\r/g, '\\n')}"`;
}

const SHAPES: Record<string, string> = {
  task: 'box',
  cpu: 'box3d',
  lock: 'octagon',
  work: 'note',
  wq: 'folder',
  external: 'doubleoctagon',
};
const STYLE: Record<string, string> = { certain: 'solid', likely: 'dashed', guess: 'dotted' };

/** The wait-for graph in Graphviz DOT (`dot -Tsvg graph.dot > graph.svg`). */
export function graphToDot(doc: AnalysisDocument, title: string): string {
  const lines = [
    `digraph hangscope {`,
    `  label=${dotString(title)};`,
    '  labelloc=t;',
    '  rankdir=LR;',
    '  node [fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  for (const node of doc.graph.nodes) {
    const label = [
      node.label,
      node.waitFrame ? `in ${node.waitFrame}` : null,
      node.count && node.count > 1 ? `×${node.count}` : null,
    ]
      .filter(Boolean)
      .join('\n');
    lines.push(
      `  ${dotString(node.id)} [label=${dotString(label)}, shape=${SHAPES[node.type] ?? 'box'}, tooltip=${dotString(node.id)}];`,
    );
  }
  for (const edge of doc.graph.edges) {
    lines.push(
      `  ${dotString(edge.from)} -> ${dotString(edge.to)} [label=${dotString(edge.kind)}, style=${STYLE[edge.confidence] ?? 'solid'}, tooltip=${dotString(edge.why)}];`,
    );
  }
  lines.push('}', '');
  return lines.join('\n');
}
