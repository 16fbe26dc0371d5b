// Catches render errors in one part of the page (a malformed analysis must not blank
// the whole incident) and offers a retry that re-mounts the children.
import { Component, type ReactNode } from 'react';

interface Props {
  children: ReactNode;
  label?: string;
  onReset?: () => void;
}

interface State {
  error: Error | null;
}

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: unknown) {
    console.error(error);
  }

  reset = () => {
    this.props.onReset?.();
    this.setState({ error: null });
  };

  override render() {
    if (this.state.error) {
      return (
        <div role="alert" className="error-box">
          <p>
            {this.props.label ?? 'This part of the page'} failed to render: {this.state.error.message}
          </p>
          <button type="button" onClick={this.reset}>
            Retry
          </button>
        </div>
      );
    }
    return this.props.children;
  }
}
