import { formatMs, type PypeEvent } from '@pypeline/core';

/** Human progress lines for a run, written as events arrive. */
export function consoleReporter(write: (line: string) => void, verbose = false): (e: PypeEvent) => void {
  return (e) => {
    switch (e.type) {
      case 'run.started':
        return write(`▶ ${e.flow}: ${e.modules} modules in ${e.subflows} sub flows (context: ${e.context})`);
      case 'module.finished':
        return write(`  ✓ ${e.nodeId.padEnd(24)} ${formatMs(e.durationMs).padStart(9)}  ${e.rowsIn} → ${e.rowsOut} rows`);
      case 'module.failed':
        return write(`  ✗ ${e.nodeId.padEnd(24)} ${formatMs(e.durationMs).padStart(9)}  ${e.error.split('\n')[0]}${e.willRetry ? ` (attempt ${e.attempt}, retrying)` : ''}`);
      case 'module.cached':
        return write(`  ≡ ${e.nodeId.padEnd(24)} ${'cached'.padStart(9)}  ${e.rowsOut} rows from the cache (key ${e.key.slice(0, 12)}; unchanged version, config and inputs)`);
      case 'module.skipped':
        return write(`  - ${e.nodeId.padEnd(24)} ${'skipped'.padStart(9)}  ${e.reason}`);
      case 'subflow.restored':
        return write(`  ↺ ${e.modules.map((m) => `${m}#${e.frame}`).join(', ')}: completed before, restored from the checkpoint`);
      case 'iteration.started':
        return write(`  ⟳ ${e.from} → ${e.to}: item ${e.index + 1} of ${e.total}`);
      case 'artifact.spilled':
        return write(`  ↓ ${e.nodeId}: ${e.rows} rows spilled to ${e.uri}`);
      case 'log':
        if (verbose || e.level !== 'debug') write(`  ${e.level === 'info' || e.level === 'debug' ? '·' : '!'} ${e.nodeId ?? ''} ${e.msg}${fieldText(e.fields)}`);
        return;
      default:
        return;
    }
  };
}

/** ` k=v k=v` for a log line's scalar fields. */
function fieldText(fields: Record<string, unknown> | undefined): string {
  if (!fields) return '';
  const parts = Object.entries(fields).filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v)).map(([k, v]) => `${k}=${v}`);
  return parts.length ? `  (${parts.join(' ')})` : '';
}
