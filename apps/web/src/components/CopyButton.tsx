import { useState } from 'react';

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [done, setDone] = useState<'ok' | 'fail' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone('ok');
    } catch {
      // Clipboard needs a secure context or permission; say so instead of failing silently.
      setDone('fail');
    }
    setTimeout(() => setDone(null), 1500);
  };
  return (
    <button type="button" className="copy" onClick={() => void copy()} aria-label={`${label}: copy to clipboard`}>
      {done === 'ok' ? 'Copied' : done === 'fail' ? 'Copy failed' : label}
    </button>
  );
}
