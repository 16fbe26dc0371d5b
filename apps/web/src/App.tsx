import { lazy, Suspense } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { Layout } from './routes/Layout';
import { HistoryPage } from './routes/HistoryPage';
import { NewIncidentPage } from './routes/NewIncidentPage';
import { GroupsPage } from './routes/GroupsPage';
import { GroupPage } from './routes/GroupPage';
import { NotFoundPage } from './routes/NotFoundPage';
import { RouteError } from './routes/RouteError';
import { ApiError, api } from './api/client';
import { keys } from './api/hooks';

// The incident view carries d3 and the graph code; the list and upload pages do not
// need them, so it is its own chunk (elkjs is a further lazy chunk inside it).
const loadIncidentPage = () => import('./routes/IncidentPage');
const IncidentPage = lazy(() => loadIncidentPage().then((m) => ({ default: m.IncidentPage })));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // An incident never changes once analyzed; refetching on focus only costs.
      refetchOnWindowFocus: false,
      staleTime: 30_000,
      // Client errors (404, 400) will not fix themselves on retry.
      retry: (count, err) => !(err instanceof ApiError && err.status < 500) && count < 2,
    },
  },
});

// A permalink opened directly: fetch the incident's view and the page's code together,
// not the code first and the data once the code has run.
const permalink = /^\/i\/([^/?#]+)/.exec(window.location.pathname);
if (permalink) {
  const id = decodeURIComponent(permalink[1]);
  void queryClient.prefetchQuery({ queryKey: keys.view(id), queryFn: () => api.getView(id) });
  void loadIncidentPage();
}

const router = createBrowserRouter([
  {
    element: <Layout />,
    errorElement: <RouteError />,
    children: [
      { path: '/', element: <HistoryPage /> },
      { path: '/new', element: <NewIncidentPage /> },
      { path: '/groups', element: <GroupsPage /> },
      { path: '/groups/:key', element: <GroupPage /> },
      {
        path: '/i/:id',
        element: (
          <Suspense fallback={<main className="page muted">Loading…</main>}>
            <IncidentPage />
          </Suspense>
        ),
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
