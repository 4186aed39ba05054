import type { ComponentChildren } from 'preact';
import type { ApiError, RunPhase } from '../api.js';

export function StatusBadge({ status }: { status: RunPhase | string }) {
  return <span class={`badge st-${status}`} data-status={status}>{status}</span>;
}

export function ErrorNotice({ error }: { error: Error | ApiError }) {
  const hint = (error as ApiError).hint;
  return (
    <div class="notice error">
      <div>{error.message}</div>
      {hint && <div class="fix">fix: {hint}</div>}
    </div>
  );
}

export function Card({ title, children, actions, testid }: { title?: string; children: ComponentChildren; actions?: ComponentChildren; testid?: string }) {
  return (
    <section class="card" data-testid={testid}>
      {(title || actions) && (
        <header class="card-head">
          {title && <h2>{title}</h2>}
          <div class="actions">{actions}</div>
        </header>
      )}
      {children}
    </section>
  );
}
