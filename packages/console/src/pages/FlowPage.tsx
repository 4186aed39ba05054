import { api } from '../api.js';
import { Card, ErrorNotice } from '../components/common.js';
import { GraphPanel, ProblemList } from '../components/GraphPanel.js';
import { useApi } from '../use-api.js';

/** A flow file, validated as `pype validate` does: its graph with every problem pinned on its module. */
export function FlowPage({ file }: { file: string }) {
  const flow = useApi(() => api.flow(file), `flow:${file}`);
  if (flow.error) return <ErrorNotice error={flow.error} />;
  if (!flow.data) return <div class="page muted">Validating {file}…</div>;
  const f = flow.data;
  return (
    <div class="page">
      <div class="page-head">
        <div>
          <h1>{f.graph.flow}</h1>
          <p class="muted">{file} · {f.ok ? 'valid' : 'does not validate'} · build it with <code>pype build {file}</code></p>
        </div>
        <div class="actions">{f.ok ? <span class="badge st-success">valid</span> : <span class="badge st-failed" data-testid="invalid">invalid</span>}</div>
      </div>
      <ProblemList graph={f.graph} />
      <Card title="Flow">
        <GraphPanel graph={f.graph} />
      </Card>
    </div>
  );
}
