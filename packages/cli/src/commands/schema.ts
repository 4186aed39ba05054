import type { Command } from 'commander';
import { checkFlow, FlowValidationError, formatDiagnostic, formatTable, PypeError, sortDiagnostics, type EdgeSchemaJson } from '@pypeline/core';
import { flowText, isCodeFlow, isStreamFlowText, locatedFor } from '../flow-source.js';

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('show the schema (columns, types, nullability) on each data connection of a flow, known before anything runs')
    .argument('<flow>', 'flow file (YAML, or TypeScript exporting a flow())')
    .option('--edge <node.port>', 'only the connection from or to this port, e.g. read.data or keep.input')
    .option('--json', 'print the schemas as JSON')
    .action(async (file: string, opts: { edge?: string; json?: boolean }) => {
      const text = await flowText(file);
      if (!isCodeFlow(file) && isStreamFlowText(file, text)) {
        throw new PypeError(`${file} is a stream flow (execution_mode: stream): pype schema reads batch flows`, { hint: `check it with \`pype validate ${file}\`` });
      }
      const result = await checkFlow(file, { text });
      const diagnostics = sortDiagnostics(locatedFor(file, result.diagnostics));
      if (!result.schemas) throw new FlowValidationError(file, diagnostics);
      for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(file, d)}\n`);
      const edges = pickEdges(result.schemas.edges, opts.edge);
      if (opts.json) process.stdout.write(`${JSON.stringify({ flow: result.schemas.flow, edges }, null, 2)}\n`);
      else process.stdout.write(`${schemaTable(edges)}\n`);
      process.exitCode = result.ok ? 0 : 1;
    });
}

function pickEdges(edges: EdgeSchemaJson[], edge: string | undefined): EdgeSchemaJson[] {
  if (edge === undefined) return edges;
  const picked = edges.filter((e) => e.from === edge || e.to === edge);
  if (picked.length) return picked;
  throw new PypeError(`no data connection from or to ${edge}`, { hint: `the connections: ${edges.map((e) => `${e.from} - ${e.to}`).join(', ') || 'none'}` });
}

/** One row per column of each connection; an unknown connection is one row saying why. */
export function schemaTable(edges: EdgeSchemaJson[]): string {
  const rows = edges.flatMap((e) => {
    const name = `${e.from} - ${e.to}`;
    if ('unknown' in e) return [[name, '', 'unknown', '', e.unknown]];
    if (e.columns.length === 0) return [[name, '', '(no columns)', '', '']];
    return e.columns.map((c) => [name, c.name, c.type, c.nullable ? 'yes' : 'no', '']);
  });
  return formatTable(['edge', 'column', 'type', 'nullable', 'note'], rows);
}
