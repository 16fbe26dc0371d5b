import { useMutation } from '@tanstack/react-query';
import { api, exportLinks, redactedExportLinks, type ExportLink } from '../api/client';
import { useAccess } from '../api/hooks';
import { CopyButton } from '../components/CopyButton';

function LinkList({ links }: { links: ExportLink[] }) {
  return (
    <ul>
      {links.map((l) => (
        <li key={l.href}>
          <a href={l.href} download={l.filename}>
            {l.label}
          </a>
        </li>
      ))}
    </ul>
  );
}

export function Exports({ id }: { id: string }) {
  const share = useMutation({ mutationFn: () => api.shareRedacted(id) });
  // Making a share link needs the write grant; a read-only role still downloads redacted exports.
  const { canWrite } = useAccess();
  const link = share.data ? `${window.location.origin}${share.data.url}` : null;
  return (
    <section aria-labelledby="exports-h" className="exports">
      <h2 id="exports-h">Export</h2>
      <LinkList links={exportLinks(id)} />
      <p className="muted">The graph as drawn, with its legend: Save SVG / Save PNG above the graph.</p>
      <details className="redacted-exports">
        <summary>Redacted, to share outside the team</summary>
        <p className="muted">
          Host names, IP and MAC addresses, e-mail, home paths and kernel addresses replaced; the analysis is made again
          from the redacted text.
        </p>
        <LinkList links={redactedExportLinks(id)} />
        {canWrite && (
          <button type="button" disabled={share.isPending} onClick={() => share.mutate()}>
            Share redacted
          </button>
        )}
        {link && (
          <p>
            <a href={link}>{link}</a> <CopyButton text={link} label="Copy link" />
          </p>
        )}
        {share.isSuccess && share.data === null && (
          <span className="muted"> (this server cannot make share links)</span>
        )}
        {share.isError && <span className="error"> {share.error.message}</span>}
      </details>
    </section>
  );
}
