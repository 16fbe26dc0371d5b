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
  'display',
] as const;

/** A standalone SVG document of `svg` at 1:1 scale, `width`×`height` plus a margin. */
export function serializeGraphSvg(svg: SVGSVGElement, width: number, height: number, margin = 16): string {
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
  const w = Math.ceil(width + 2 * margin);
  const h = Math.ceil(height + 2 * margin);
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(w));
  clone.setAttribute('height', String(h));
  clone.setAttribute('viewBox', `0 0 ${w} ${h}`);
  clone.removeAttribute('class');
  // The zoom/pan transform of the view group is the user's, not the picture's.
  clone.querySelector('g[data-view]')?.setAttribute('transform', `translate(${margin},${margin})`);
  const bg = getComputedStyle(svg.parentElement ?? svg).backgroundColor;
  if (bg && bg !== 'rgba(0, 0, 0, 0)') clone.setAttribute('style', `background:${bg}`);
  for (const el of clone.querySelectorAll('[tabindex]')) el.removeAttribute('tabindex');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`;
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
    return await new Promise<Blob>((ok, fail) => canvas.toBlob((b) => (b ? ok(b) : fail(new Error('PNG encoding failed'))), 'image/png'));
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
