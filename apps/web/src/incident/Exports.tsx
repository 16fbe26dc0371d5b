import { exportLinks } from '../api/client';

export function Exports({ id }: { id: string }) {
  return (
    <section aria-labelledby="exports-h" className="exports">
      <h2 id="exports-h">Export</h2>
      <ul>
        {exportLinks(id).map((l) => (
          <li key={l.href}>
            <a href={l.href} download={l.filename}>
              {l.label}
            </a>
          </li>
        ))}
      </ul>
      <p className="muted">The graph as drawn, with its legend: Save SVG / Save PNG above the graph.</p>
    </section>
  );
}
