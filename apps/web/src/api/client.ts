// Thin fetch wrappers for the server API. Failures become ApiError values carrying the
// server's `{error, message}` so pages can show the message instead of a stack.
import type {
  Annotation,
  AuditEntry,
  CreatedIncident,
  HistoryQuery,
  Incident,
  IncidentGroup,
  IncidentGroupDetail,
  IncidentView,
  IncidentViewWire,
  CompactTask,
  IncidentPage,
  Mitigation,
  NewAnnotation,
  RepeatInfo,
  SimilarIncident,
  TaskGroupSummary,
  UploadInput,
} from './types';
import type { AnalysisDiff, Frame, Task } from '@hangscope/analyzer';

export interface CaptureInfo {
  seq: number;
  createdAt: string;
  size: number;
  sha256: string;
}

export interface CaptureDiff extends AnalysisDiff {
  a: { incident: string; capture?: number; createdAt?: string };
  b: { incident: string; capture?: number; createdAt?: string };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function errorFrom(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = `${res.status} ${res.statusText}`.trim();
  try {
    const body: unknown = await res.json();
    if (body && typeof body === 'object') {
      const b = body as { error?: unknown; message?: unknown };
      if (typeof b.error === 'string') code = b.error;
      if (typeof b.message === 'string') message = b.message;
    }
  } catch {
    // Not JSON (a proxy error page, say): keep the status line.
  }
  return new ApiError(res.status, code, message);
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, { ...init, headers: { accept: 'application/json', ...init?.headers } });
  if (!res.ok) throw await errorFrom(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** For endpoints that may not exist yet on this server: 404 → null, not an error. */
async function optional<T>(path: string, init?: RequestInit): Promise<T | null> {
  try {
    return await request<T>(path, init);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405 || e.status === 501)) return null;
    throw e;
  }
}

/**
 * fetch() cannot report upload progress; XMLHttpRequest can. Same error contract as
 * request(): the server's `{error, message}` becomes an ApiError; no answer at all
 * (network down, server gone) is status 0.
 */
function postWithProgress<T>(path: string, body: FormData, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.upload.onload = () => onProgress(1);
    xhr.onerror = () =>
      reject(new ApiError(0, 'network', 'The server could not be reached: check the connection and try again.'));
    xhr.onload = () => {
      let parsed: unknown = null;
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        parsed = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(parsed as T);
        return;
      }
      const b = (parsed && typeof parsed === 'object' ? parsed : {}) as { error?: unknown; message?: unknown };
      reject(
        new ApiError(
          xhr.status,
          typeof b.error === 'string' ? b.error : `http_${xhr.status}`,
          typeof b.message === 'string' ? b.message : `${xhr.status} ${xhr.statusText}`.trim(),
        ),
      );
    };
    xhr.send(body);
  });
}

const enc = encodeURIComponent;

export function historyQueryString(q: HistoryQuery): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** Who this browser is signed in as; auth false: the server checks no tokens. */
export interface Session {
  auth: boolean;
  name: string | null;
  role: 'read' | 'write' | 'ingest' | 'admin' | null;
}

export const api = {
  session: () => request<Session>('/api/session'),

  /** Sign in with a token once: the server answers with an HttpOnly session cookie. */
  signIn: (token: string) =>
    request<Session>('/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    }),

  signOut: () => request<void>('/api/session', { method: 'DELETE' }),

  listIncidents: (q: HistoryQuery) => request<IncidentPage>(`/api/incidents${historyQueryString(q)}`),

  /** The incident with its whole analysis (the page uses getView; this is for scripts and tests). */
  getIncident: (id: string) => request<Incident>(`/api/incidents/${enc(id)}`),

  /** The incident page's view (GET …/view): what it draws, without the whole analysis. */
  async getView(id: string): Promise<IncidentView> {
    return viewFromWire(await request<IncidentViewWire>(`/api/incidents/${enc(id)}/view`));
  },

  /** Tasks by id (any task, drawn or not), frames filled in. */
  async getTasks(id: string, taskIds: string[]): Promise<Task[]> {
    const r = await request<{ stacks: Frame[][]; items: CompactTask[] }>(
      `/api/incidents/${enc(id)}/view/tasks?ids=${enc(taskIds.join(','))}`,
    );
    return expandTasks(r.stacks, r.items);
  },

  /** Stack groups after the first page the view carries, largest first. */
  taskGroups: (id: string, offset: number, limit: number) =>
    request<{ total: number; items: TaskGroupSummary[] }>(
      `/api/incidents/${enc(id)}/view/task-groups?offset=${offset}&limit=${limit}`,
    ),

  /** The text the analysis read: the dump, or with several captures all of them joined
   *  (the lines evidence spans count). */
  async getRaw(id: string): Promise<string> {
    const res = await fetch(`/api/incidents/${enc(id)}/input`);
    if (!res.ok) throw await errorFrom(res);
    return res.text();
  },

  /**
   * Always multipart: one code path for pasted text and files, and it carries the
   * optional title/host/tags. A File is sent as is, so the server hashes the exact
   * bytes the user picked (re-encoding via text() could change non-UTF-8 bytes).
   */
  upload(input: UploadInput): Promise<CreatedIncident> {
    const form = new FormData();
    if (input.title) form.set('title', input.title);
    if (input.host) form.set('host', input.host);
    if (input.tags) form.set('tags', input.tags);
    const dump = typeof input.dump === 'string' ? new Blob([input.dump], { type: 'text/plain' }) : input.dump;
    form.set('dump', dump, typeof input.dump === 'string' ? 'pasted.txt' : input.dump.name);
    if (!input.onProgress) return request<CreatedIncident>('/api/incidents', { method: 'POST', body: form });
    return postWithProgress<CreatedIncident>('/api/incidents', form, input.onProgress);
  },

  /**
   * true once changed; null when this server has no PATCH. The answer is the whole
   * incident with its analysis (90 MB of JSON for a 50 MB dump): it is not read; the
   * page refetches its view instead.
   */
  async setStatus(id: string, status: string): Promise<true | null> {
    const res = await fetch(`/api/incidents/${enc(id)}`, {
      method: 'PATCH',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ status }),
    });
    if (res.status === 404 || res.status === 405 || res.status === 501) return null;
    if (!res.ok) throw await errorFrom(res);
    void res.body?.cancel().catch(() => {});
    return true;
  },

  similar: (id: string) =>
    optional<{ items: SimilarIncident[] } | SimilarIncident[]>(`/api/incidents/${enc(id)}/similar`),

  annotations: (id: string) =>
    optional<{ items: Annotation[] } | Annotation[]>(`/api/incidents/${enc(id)}/annotations`),

  addAnnotation: (id: string, a: NewAnnotation) =>
    request<Annotation>(`/api/incidents/${enc(id)}/annotations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(a),
    }),

  updateAnnotation: (id: string, annotationId: string, patch: Partial<NewAnnotation>) =>
    request<Annotation>(`/api/incidents/${enc(id)}/annotations/${enc(annotationId)}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(patch),
    }),

  deleteAnnotation: (id: string, annotationId: string) =>
    request<void>(`/api/incidents/${enc(id)}/annotations/${enc(annotationId)}`, { method: 'DELETE' }),

  groups: () => optional<{ items: IncidentGroup[] }>('/api/groups'),
  /** The server's upload limit; null from a server without the endpoint. */
  limits: () => optional<{ maxUploadBytes: number }>('/api/limits'),

  group: (key: string) => optional<IncidentGroupDetail>(`/api/groups/${enc(key)}`),

  repeat: (id: string) => optional<RepeatInfo>(`/api/incidents/${enc(id)}/repeat`),

  /** Mark a duplicate of another incident (it joins that one's group), or move the
   *  incident out of its group / back in. The answer is not read (see setStatus). */
  async setGrouping(id: string, change: { duplicateOf: string } | { groupSplit: boolean }): Promise<void> {
    const body = 'duplicateOf' in change ? { status: 'duplicate', duplicateOf: change.duplicateOf } : change;
    const res = await fetch(`/api/incidents/${enc(id)}`, {
      method: 'PATCH',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw await errorFrom(res);
    void res.body?.cancel().catch(() => {});
  },

  audit: (id: string) => optional<{ items: AuditEntry[] }>(`/api/incidents/${enc(id)}/audit`),

  /** Pin (kept by retention) or unpin. The answer is not read (see setStatus). */
  async setPinned(id: string, pinned: boolean): Promise<void> {
    const res = await fetch(`/api/incidents/${enc(id)}`, {
      method: 'PATCH',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ pinned }),
    });
    if (!res.ok) throw await errorFrom(res);
    void res.body?.cancel().catch(() => {});
  },

  /** A redacted share link (host names, addresses, e-mail, home paths replaced); null: a server without them. */
  shareRedacted: (id: string) =>
    optional<{ id: string; url: string; raw: string; analysis: string; svg: string }>(
      `/api/incidents/${enc(id)}/shares`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      },
    ),

  deleteIncident: (id: string) => request<void>(`/api/incidents/${enc(id)}`, { method: 'DELETE' }),

  mitigation: (id: string) => optional<Mitigation>(`/api/incidents/${enc(id)}/mitigation`),

  /** The incident's captures (1: its own dump); null from a server without them. */
  captures: (id: string) => optional<{ items: CaptureInfo[] }>(`/api/incidents/${enc(id)}/captures`),

  /** Add a capture: the text pasted or the file picked, as its bytes. */
  addCapture: (id: string, dump: string | File) =>
    request<{ id: string; seq: number; duplicate?: boolean }>(`/api/incidents/${enc(id)}/captures`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: dump,
    }),

  /** Two captures compared (default: the last two). */
  diff: (id: string, a: number, b: number) => request<CaptureDiff>(`/api/incidents/${enc(id)}/diff?a=${a}&b=${b}`),

  saveMitigation: (id: string, body: string, author: string) =>
    request<Mitigation>(`/api/incidents/${enc(id)}/mitigation`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ body, author: author || null }),
    }),
};

/** Lists may come bare or wrapped in `{items}`; accept both. */
export function itemsOf<T>(v: { items: T[] } | T[] | null | undefined): T[] | null {
  if (v == null) return null;
  return Array.isArray(v) ? v : v.items;
}

export interface ExportLink {
  label: string;
  href: string;
  filename: string;
}

/** `?download=1` makes the server answer with `Content-Disposition: attachment`. */
export function exportLinks(id: string): ExportLink[] {
  const base = `/api/incidents/${enc(id)}`;
  const file = (ext: string) => `hangscope-${id}.${ext}`;
  return [
    { label: 'Report (Markdown)', href: `${base}/report.md?download=1`, filename: file('md') },
    { label: 'Graph (DOT)', href: `${base}/graph.dot?download=1`, filename: file('dot') },
    { label: 'Analysis (JSON)', href: `${base}/analysis.json?download=1`, filename: file('analysis.json') },
    { label: 'Raw dump', href: `${base}/raw`, filename: file('txt') },
  ];
}

/** The same exports with host names, addresses, e-mail and home paths replaced. */
export function redactedExportLinks(id: string): ExportLink[] {
  const base = `/api/incidents/${enc(id)}`;
  const file = (ext: string) => `hangscope-${id}.redacted.${ext}`;
  return [
    { label: 'Report (Markdown)', href: `${base}/report.md?redact=1&download=1`, filename: file('md') },
    { label: 'Analysis (JSON)', href: `${base}/analysis.json?redact=1&download=1`, filename: file('analysis.json') },
    { label: 'Raw dump', href: `${base}/redacted.txt`, filename: file('txt') },
  ];
}

/** Compact tasks with their frames: tasks with the same stack share one (read-only) array. */
export function expandTasks(stacks: Frame[][], tasks: CompactTask[]): Task[] {
  return tasks.map(({ stack, ...rest }) => ({ ...rest, frames: stacks[stack] ?? [] }));
}

export function viewFromWire(w: IncidentViewWire): IncidentView {
  const { view, ...fields } = w;
  const { stacks, tasks, coverageCounts, coverageSegments, counts, taskGroups, ...analysis } = view;
  return {
    ...fields,
    analysis: { ...analysis, tasks: expandTasks(stacks, tasks) },
    counts,
    coverageCounts,
    coverageSegments,
    taskGroups,
  };
}
