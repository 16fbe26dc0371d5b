import { afterEach, describe, expect, it, vi } from 'vitest';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { ErrorBoundary } from './ErrorBoundary';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root | null = null;
afterEach(() => {
  act(() => root?.unmount());
  root = null;
  document.body.innerHTML = '';
  vi.restoreAllMocks();
});

describe('ErrorBoundary', () => {
  it('shows the error and re-renders the children on retry', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    let fail = true;
    const Flaky = () => {
      if (fail) throw new Error('bad <b>graph</b>');
      return <p>graph ok</p>;
    };
    const host = document.createElement('div');
    document.body.append(host);
    root = createRoot(host);
    act(() =>
      root!.render(
        <ErrorBoundary label="The graph">
          <Flaky />
        </ErrorBoundary>,
      ),
    );
    expect(host.querySelector('[role="alert"]')?.textContent).toContain('The graph failed to render: bad <b>graph</b>');
    expect(host.querySelector('b')).toBeNull();

    fail = false;
    act(() => host.querySelector('button')!.dispatchEvent(new MouseEvent('click', { bubbles: true })));
    expect(host.textContent).toBe('graph ok');
  });
});
