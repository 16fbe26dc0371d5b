// Paste a dump, or drop / pick a file; optional title, host and tags. On success the
// caller navigates to the new incident.
import { useEffect, useRef, useState, type DragEvent, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useLimits, useUpload } from '../api/hooks';
import { formatBytes } from '../util/format';
import { formatElapsed, uploadProblem } from './uploadCheck';

export function UploadForm() {
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState('');
  const [host, setHost] = useState('');
  const [tags, setTags] = useState('');
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const upload = useUpload();
  // Fraction of the body sent; null before an upload starts. 1 means "sent, analysing".
  const [progress, setProgress] = useState<number | null>(null);
  const navigate = useNavigate();
  const limits = useLimits();
  const maxBytes = limits.data?.maxUploadBytes ?? null;
  const [problem, setProblem] = useState<string | null>(null);
  // Elapsed time since Analyze, ticking while the upload and the analysis run.
  const [started, setStarted] = useState<number | null>(null);
  const [now, setNow] = useState(0);
  useEffect(() => {
    if (started === null || !upload.isPending) return;
    const t = setInterval(() => setNow(Date.now()), 200);
    return () => clearInterval(t);
  }, [started, upload.isPending]);

  // A chosen file is checked at once: an empty or too big file is said before Analyze.
  const fileProblem = file ? uploadProblem(file.size, false, maxBytes, 'file') : null;
  // Blank text is refused on submit, with a message (a disabled button says nothing).
  const canSubmit = !upload.isPending && !fileProblem;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const size = file ? file.size : new Blob([text]).size;
    const p = uploadProblem(size, !file && text.trim() === '', maxBytes, file ? 'file' : 'text');
    setProblem(p);
    if (p || !canSubmit) return;
    setStarted(Date.now());
    setNow(Date.now());
    setProgress(0);
    upload.mutate(
      { dump: file ?? text, title: title.trim(), host: host.trim(), tags: tags.trim(), onProgress: setProgress },
      {
        onSuccess: (created) =>
          navigate(`/i/${encodeURIComponent(created.id)}`, { state: { duplicate: created.duplicate === true } }),
      },
    );
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const f = e.dataTransfer.files[0];
    if (f) setFile(f);
  };

  return (
    <form className="upload-form" onSubmit={submit} aria-label="new incident">
      <div
        className={`drop-zone${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        {file ? (
          <p className="chosen-file">
            File: <strong>{file.name}</strong> ({formatBytes(file.size)}){' '}
            <button
              type="button"
              onClick={() => {
                setFile(null);
                if (fileInput.current) fileInput.current.value = '';
              }}
            >
              Remove
            </button>
          </p>
        ) : (
          <>
            <label htmlFor="dump-text">Paste a hang dump (dmesg hung-task report, sysrq-w/-t, crash session…)</label>
            <textarea
              id="dump-text"
              name="dump"
              value={text}
              onChange={(e) => {
                setText(e.target.value);
                setProblem(null);
              }}
              rows={16}
              spellCheck={false}
              placeholder="INFO: task rmmod:31969 blocked for more than 120 seconds…"
            />
          </>
        )}
        <p className="muted">
          <label htmlFor="dump-file">…or drop a file here, or choose one: </label>
          <input
            id="dump-file"
            ref={fileInput}
            type="file"
            name="dump-file"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </p>
      </div>
      <div className="meta-fields">
        <label>
          Title <input name="title" value={title} onChange={(e) => setTitle(e.target.value)} placeholder="optional" />
        </label>
        <label>
          Host <input name="host" value={host} onChange={(e) => setHost(e.target.value)} placeholder="optional" />
        </label>
        <label>
          Tags{' '}
          <input name="tags" value={tags} onChange={(e) => setTags(e.target.value)} placeholder="comma separated" />
        </label>
      </div>
      {(fileProblem ?? problem) && (
        <p role="alert" className="error upload-problem">
          {fileProblem ?? problem}
        </p>
      )}
      {maxBytes !== null && <p className="muted upload-limit">Dumps of up to {formatBytes(maxBytes)}.</p>}
      {upload.isError && (
        <p role="alert" className="error">
          Upload failed: {upload.error.message}
        </p>
      )}
      {upload.isPending && progress !== null && (
        <div className="upload-progress" aria-live="polite">
          <progress max={1} value={progress} aria-label="Upload progress" />
          <span className="upload-stage" role="status">
            {progress < 1 ? `Uploading ${Math.round(progress * 100)}%` : 'Uploaded — the server is analyzing the dump'}
            {started !== null && ` · ${formatElapsed(Math.max(0, now - started))} elapsed`}
          </span>
        </div>
      )}
      <button type="submit" className="primary" disabled={!canSubmit}>
        {upload.isPending ? (progress !== null && progress < 1 ? 'Uploading…' : 'Analyzing…') : 'Analyze'}
      </button>
    </form>
  );
}
