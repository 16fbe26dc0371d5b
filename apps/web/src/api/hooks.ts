// react-query hooks, one per API resource, so pages never build URLs themselves.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, itemsOf } from './client';
import type { HistoryQuery, NewAnnotation, UploadInput } from './types';

export const keys = {
  /** The prefix of every key of one incident. */
  incident: (id: string) => ['incident', id] as const,
  view: (id: string) => ['incident', id, 'view'] as const,
  tasks: (id: string, taskIds: string[]) => ['incident', id, 'tasks', ...taskIds] as const,
  raw: (id: string) => ['incident', id, 'raw'] as const,
  history: (q: HistoryQuery) => ['incidents', q] as const,
  annotations: (id: string) => ['incident', id, 'annotations'] as const,
  similar: (id: string) => ['incident', id, 'similar'] as const,
  mitigation: (id: string) => ['incident', id, 'mitigation'] as const,
  repeat: (id: string) => ['incident', id, 'repeat'] as const,
  group: (key: string) => ['groups', key] as const,
  captures: (id: string) => ['incident', id, 'captures'] as const,
  diff: (id: string, a: number, b: number) => ['incident', id, 'diff', a, b] as const,
};

/** Who is signed in (null while loading or from a server without sessions). */
export function useSession() {
  return useQuery({ queryKey: ['session'], queryFn: () => api.session(), retry: false, staleTime: 60_000 });
}

/**
 * What this browser may do, for hiding what the server would refuse: with
 * authentication off (or before the session is known) everything; signed in, what the
 * role allows, and notes only their author's or an admin's to change.
 */
export function useAccess() {
  const s = useSession().data;
  const signedIn = !!s?.auth && s.name !== null;
  const role = signedIn ? s!.role : 'admin';
  return {
    /** The name notes are signed with (the server takes it from the token); null: typed in. */
    name: signedIn ? s!.name : null,
    canWrite: role === 'write' || role === 'admin',
    mayChange: (author: string | null) => !signedIn || role === 'admin' || (author !== null && author === s!.name),
  };
}

export function useSignIn() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (token: string) => api.signIn(token),
    // Everything fetched before (401s) is fetched again as the signed-in user.
    onSuccess: () => qc.invalidateQueries(),
  });
}

export function useSignOut() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: () => api.signOut(), onSuccess: () => qc.invalidateQueries() });
}

/** The incident page's data: the view, not the whole analysis (see api.getView). */
export function useIncidentView(id: string) {
  return useQuery({ queryKey: keys.view(id), queryFn: () => api.getView(id) });
}

/** Tasks the view does not carry (a deep link to one that is not drawn). */
export function useTasks(id: string, taskIds: string[]) {
  return useQuery({
    queryKey: keys.tasks(id, taskIds),
    queryFn: () => api.getTasks(id, taskIds),
    enabled: taskIds.length > 0,
    staleTime: Infinity,
  });
}

export function useRawText(id: string, enabled = true) {
  return useQuery({ queryKey: keys.raw(id), queryFn: () => api.getRaw(id), enabled, staleTime: Infinity });
}

export function useHistory(q: HistoryQuery) {
  return useQuery({
    queryKey: keys.history(q),
    queryFn: () => api.listIncidents(q),
    placeholderData: keepPreviousData,
  });
}

export function useUpload() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: UploadInput) => api.upload(input),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['incidents'] });
      void qc.invalidateQueries({ queryKey: ['groups'] });
    },
  });
}

export function useAnnotations(id: string) {
  return useQuery({
    queryKey: keys.annotations(id),
    queryFn: async () => itemsOf(await api.annotations(id)),
    retry: false,
  });
}

export function useAddAnnotation(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (a: NewAnnotation) => api.addAnnotation(id, a),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['incident', id, 'audit'] });
      return qc.invalidateQueries({ queryKey: keys.annotations(id) });
    },
  });
}

export function useUpdateAnnotation(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ annotationId, patch }: { annotationId: string; patch: Partial<NewAnnotation> }) =>
      api.updateAnnotation(id, annotationId, patch),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['incident', id, 'audit'] });
      return qc.invalidateQueries({ queryKey: keys.annotations(id) });
    },
  });
}

export function useDeleteAnnotation(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (annotationId: string) => api.deleteAnnotation(id, annotationId),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['incident', id, 'audit'] });
      return qc.invalidateQueries({ queryKey: keys.annotations(id) });
    },
  });
}

export function useSimilar(id: string) {
  return useQuery({
    queryKey: keys.similar(id),
    queryFn: async () => itemsOf(await api.similar(id)),
    retry: false,
  });
}

export function useSetStatus(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (status: string) => api.setStatus(id, status),
    onSuccess: () => {
      // The exact key: the prefix would also refetch the raw dump (megabytes) for a status.
      void qc.invalidateQueries({ queryKey: keys.view(id), exact: true });
      void qc.invalidateQueries({ queryKey: ['incidents'] });
      void qc.invalidateQueries({ queryKey: ['incident', id, 'audit'] });
    },
  });
}

export function useLimits() {
  return useQuery({ queryKey: ['limits'], queryFn: () => api.limits(), retry: false, staleTime: Infinity });
}

export function useAudit(id: string) {
  return useQuery({
    queryKey: ['incident', id, 'audit'],
    queryFn: async () => itemsOf(await api.audit(id)),
    retry: false,
  });
}

export function useSetPinned(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (pinned: boolean) => api.setPinned(id, pinned),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.view(id), exact: true });
      void qc.invalidateQueries({ queryKey: ['incident', id, 'audit'] });
    },
  });
}

export function useDeleteIncident(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.deleteIncident(id),
    onSuccess: () => {
      qc.removeQueries({ queryKey: keys.incident(id) });
      void qc.invalidateQueries({ queryKey: ['incidents'] });
      void qc.invalidateQueries({ queryKey: ['groups'] });
    },
  });
}

export function useMitigation(id: string) {
  return useQuery({ queryKey: keys.mitigation(id), queryFn: () => api.mitigation(id), retry: false });
}

export function useSaveMitigation(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ body, author }: { body: string; author: string }) => api.saveMitigation(id, body, author),
    onSuccess: (m) => {
      qc.setQueryData(keys.mitigation(id), m);
      void qc.invalidateQueries({ queryKey: ['incident', id, 'audit'] });
    },
  });
}

export function useGroups() {
  return useQuery({ queryKey: ['groups'], queryFn: async () => itemsOf(await api.groups()), retry: false });
}

export function useGroup(key: string) {
  return useQuery({ queryKey: keys.group(key), queryFn: () => api.group(key), retry: false });
}

/** The incident's group and what it knew before it (null: the server has no groups). */
export function useRepeat(id: string) {
  return useQuery({ queryKey: keys.repeat(id), queryFn: () => api.repeat(id), retry: false });
}

export function useSetGrouping(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (change: { duplicateOf: string } | { groupSplit: boolean }) => api.setGrouping(id, change),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.repeat(id) });
      void qc.invalidateQueries({ queryKey: keys.view(id), exact: true });
      void qc.invalidateQueries({ queryKey: keys.similar(id) });
      void qc.invalidateQueries({ queryKey: ['groups'] });
      void qc.invalidateQueries({ queryKey: ['incidents'] });
    },
  });
}

export function useCaptures(id: string) {
  return useQuery({ queryKey: keys.captures(id), queryFn: async () => itemsOf(await api.captures(id)), retry: false });
}

/** Adding a capture changes the incident's analysis: everything of it is fetched again. */
export function useAddCapture(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (dump: string | File) => api.addCapture(id, dump),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.incident(id) }),
  });
}

export function useDiff(id: string, a: number, b: number, enabled: boolean) {
  return useQuery({ queryKey: keys.diff(id, a, b), queryFn: () => api.diff(id, a, b), enabled, staleTime: Infinity });
}
