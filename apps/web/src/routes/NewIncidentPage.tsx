import { UploadForm } from '../components/UploadForm';

export function NewIncidentPage() {
  return (
    <main className="page">
      <h1>New incident</h1>
      <UploadForm />
    </main>
  );
}
