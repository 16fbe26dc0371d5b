// The triage loop on the page (issue 23): the command that takes the next capture on the
// hung machine and posts it back here, the incident's captures, a form to add one by
// hand, and what changed between two of them.
import { useState, type FormEvent } from 'react';
import type { NextCapture } from '@hangscope/analyzer';
import { useAccess, useAddCapture, useCaptures, useSession } from '../api/hooks';
import { CopyButton } from '../components/CopyButton';
import { formatDate } from '../util/format';
import { CaptureDiffView } from './CaptureDiff';

/** The collector command for this incident: fetched from this server, posting back to it. */
export function collectCommand(origin: string, id: string, next: NextCapture | undefined, token: boolean): string {
  const args = [
    ...(next?.args ?? []),
    '--post',
    origin,
    '--incident',
    id,
    ...(token ? ['--token', '"$HANGSCOPE_TOKEN"'] : []),
  ];
  return `curl -fsS ${origin}/collect.sh | sudo sh -s -- ${args.join(' ')}`;
}

const kb = (n: number) => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`);

export function Captures({ id, next }: { id: string; next: NextCapture | undefined }) {
  const captures = useCaptures(id);
  const session = useSession();
  const add = useAddCapture(id);
  // Adding a capture needs the upload grant; a read-only role gets the command, not the form.
  const { canWrite } = useAccess();
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  if (captures.data === null) return null; // a server without captures
  const list = captures.data ?? [];
  const command = collectCommand(window.location.origin, id, next, session.data?.auth === true);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const dump = file ?? text;
    if (dump === '' || (typeof dump !== 'string' && dump.size === 0)) return;
    add.mutate(dump, {
      onSuccess: () => {
        setText('');
        setFile(null);
      },
    });
  };

  return (
    <section aria-labelledby="captures-h" className="captures">
      <h2 id="captures-h">Captures</h2>
      <p>
        Capture next on the hung machine (as root){next?.sections.length ? `: ${next.sections.join(', ')}` : ''}{' '}
        <CopyButton text={command} label="Copy command" />
      </p>
      <pre className="collect-command" aria-label="collector command">
        {command}
      </pre>
      {list.length > 0 && (
        <ol className="capture-list" aria-label="captures">
          {list.map((c) => (
            <li key={c.seq}>
              Capture {c.seq}
              {c.seq === 1 ? ' (the upload)' : ''} · {formatDate(c.createdAt)} · {kb(c.size)} ·{' '}
              <a href={`/api/incidents/${encodeURIComponent(id)}/captures/${c.seq}/raw`}>raw</a>
            </li>
          ))}
        </ol>
      )}
      {canWrite && (
        <form onSubmit={submit} className="note-form">
          <textarea
            aria-label="capture text"
            placeholder="Paste what the collector (or any capture) printed"
            value={text}
            onChange={(e) => setText(e.target.value)}
            rows={3}
          />
          <input type="file" aria-label="capture file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          <span>
            <button type="submit" className="primary" disabled={add.isPending || (text === '' && !file)}>
              {add.isPending ? 'Adding…' : 'Add capture'}
            </button>
          </span>
          {add.isError && <span className="error">{add.error.message}</span>}
          {add.isSuccess && (
            <span role="status">
              {add.data.duplicate
                ? `These bytes are capture ${add.data.seq} already.`
                : `Added as capture ${add.data.seq}; the analysis now reads all captures.`}
            </span>
          )}
        </form>
      )}
      {list.length >= 2 && <CaptureDiffView id={id} count={list.length} />}
    </section>
  );
}
