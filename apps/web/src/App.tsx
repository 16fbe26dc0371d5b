import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { Layout } from './routes/Layout';
import { HistoryPage } from './routes/HistoryPage';
import { NewIncidentPage } from './routes/NewIncidentPage';
import { IncidentPage } from './routes/IncidentPage';
import { NotFoundPage } from './routes/NotFoundPage';
import { RouteError } from './routes/RouteError';
import { ApiError } from './api/client';

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

const router = createBrowserRouter([
  {
    element: <Layout />,
    errorElement: <RouteError />,
    children: [
      { path: '/', element: <HistoryPage /> },
      { path: '/new', element: <NewIncidentPage /> },
      { path: '/i/:id', element: <IncidentPage /> },
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
