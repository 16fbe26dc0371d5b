// Client-side export of the graph as drawn: the SVG serialised with its computed styles
// inlined (the page's stylesheet does not travel with the file), and a PNG of it drawn
// on a canvas. Text stays text: the clone is made by the DOM, labels were set by React
// as text nodes, and XMLSerializer escapes them.

const STYLE_PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'display',
  // Edge labels are drawn over a halo of the panel colour: without paint-order the halo
  // covers the letters (black smudges in dark mode).
  'paint-order',
  'stroke-linejoin',
  'filter',
] as const;

const SVG_NS = 'http://www.w3.org/2000/svg';
const LEGEND_ROW = 18;

function el(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

export interface LegendEntry {
  /** Classes of a sample edge (`edge kind-waits_lock`) or node (`node type-task cycle`). */
  sample: { edge: string } | { node: string };
  text: string;
}

/**
 * The legend drawn into the picture, below the graph, with the page's classes (so the
 * theme's colours are read off the same rules as the graph's). Returns its height.
 */
function drawLegend(parent: SVGElement, entries: LegendEntry[], x: number, y: number, width: number): number {
  const g = el('g', { class: 'export-legend', transform: `translate(${x},${y})` });
  g.append(el('text', { class: 'node-label', x: 0, y: 10 }, 'Arrows point from the waiter to what it waits for.'));
  // Columns as wide as the longest entry (12 px monospace: ~7.3 px a character).
  const colW = 40 + Math.ceil(Math.max(...entries.map((e) => e.text.length)) * 7.4) + 24;
  const cols = Math.max(1, Math.floor(width / colW));
  entries.forEach((e, i) => {
    const cx = (i % cols) * colW;
    const cy = 24 + Math.floor(i / cols) * LEGEND_ROW;
    if ('edge' in e.sample) {
      const sg = el('g', { class: e.sample.edge });
      sg.append(el('line', { class: 'edge-line', x1: cx, y1: cy + 6, x2: cx + 32, y2: cy + 6 }));
      g.append(sg);
    } else {
      const sg = el('g', { class: e.sample.node, transform: `translate(${cx},${cy})` });
      sg.append(el('rect', { class: 'shape', width: 32, height: 12, rx: 5 }));
      g.append(sg);
    }
    g.append(el('text', { class: 'node-label', x: cx + 40, y: cy + 10 }, e.text));
  });
  parent.append(g);
  return 24 + Math.ceil(entries.length / cols) * LEGEND_ROW;
}

/** A standalone SVG document of `svg` at 1:1 scale, `width`×`height` plus a margin,
 *  with `legend` drawn below the graph. Returns the text and the picture's size. */
export function serializeGraphSvg(
  svg: SVGSVGElement,
  width: number,
  height: number,
  margin = 16,
  legend: LegendEntry[] = [],
): { text: string; width: number; height: number } {
  // Zoomed far out the page hides every label (.far): the file keeps them.
  const far = svg.classList.contains('far');
  svg.classList.remove('far');
  const legendW = Math.max(width, 560);
  const legendH = legend.length ? drawLegend(svg, legend, margin, height + 2 * margin, legendW) + margin : 0;
  const drawn = svg.querySelector('g.export-legend');
  let clone: SVGSVGElement;
  try {
    clone = inlineStyles(svg);
  } finally {
    drawn?.remove();
    if (far) svg.classList.add('far');
  }
  const w = Math.ceil(Math.max(width, legend.length ? legendW : 0) + 2 * margin);
  const h = Math.ceil(height + 2 * margin + legendH);
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(w));
  clone.setAttribute('height', String(h));
  clone.setAttribute('viewBox', `0 0 ${w} ${h}`);
  clone.removeAttribute('class');
  // The zoom/pan transform of the view group is the user's, not the picture's.
  clone.querySelector('g[data-view]')?.setAttribute('transform', `translate(${margin},${margin})`);
  // The colour the graph is drawn on (the panel's, in either theme): without it a dark
  // theme's light text lands on a viewer's white page.
  const bg = backgroundOf(svg);
  if (bg) clone.setAttribute('style', `background:${bg}`);
  for (const e of [clone, ...clone.querySelectorAll('[tabindex]')]) e.removeAttribute('tabindex');
  for (const a of ['aria-keyshortcuts', 'role']) clone.removeAttribute(a);
  return {
    text: `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`,
    width: w,
    height: h,
  };
}

/** The first opaque background colour of the element or an ancestor. */
function backgroundOf(start: Element): string | null {
  for (let e: Element | null = start; e; e = e.parentElement) {
    const bg = getComputedStyle(e).backgroundColor;
    if (bg && bg !== 'transparent' && !/^rgba\(.*,\s*0\)$/.test(bg)) return bg;
  }
  return null;
}

/** A copy of `svg` with each element's computed style inlined. */
function inlineStyles(svg: SVGSVGElement): SVGSVGElement {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const src = [svg, ...svg.querySelectorAll('*')];
  const dst = [clone, ...clone.querySelectorAll('*')];
  src.forEach((el, i) => {
    const cs = getComputedStyle(el);
    const d = dst[i] as SVGElement;
    const decl = STYLE_PROPS.map((p) => [p, cs.getPropertyValue(p)] as const)
      .filter(([, v]) => v && v !== 'normal')
      .map(([p, v]) => `${p}:${v}`)
      .join(';');
    if (decl) d.setAttribute('style', decl);
  });
  return clone;
}

/** Draws serialised SVG on a canvas (scaled by `scale`) and returns it as PNG. */
export async function svgToPng(svgText: string, width: number, height: number, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.decoding = 'sync';
    await new Promise<void>((ok, fail) => {
      img.onload = () => ok();
      img.onerror = () => fail(new Error('the browser could not draw the SVG'));
      img.src = url;
    });
    // Browsers cap canvas size; keep under 16k px a side.
    const k = Math.min(scale, 16000 / Math.max(width, height, 1));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(width * k));
    canvas.height = Math.max(1, Math.round(height * k));
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no canvas');
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((ok, fail) =>
      canvas.toBlob((b) => (b ? ok(b) : fail(new Error('PNG encoding failed'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
