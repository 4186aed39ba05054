import { resolve } from 'node:path';
import type { Command } from 'commander';
import { parse, stringify } from 'yaml';
import { checkFlow, columnsJson, discoverProject, formatTable, PypeError, resolveModule, type ColumnJson } from '@pypeline/core';

export function registerDiscover(program: Command): void {
  program
    .command('discover')
    .description('show the columns a source would produce with this config, without writing a flow (it reads a header, a footer, a sample or asks its database)')
    .argument('<module>', 'a source module, e.g. csv_source')
    .argument('[settings...]', 'its config as key=value (values in YAML: 42, true, [a, b], "text")')
    .option('--json', 'print the columns as JSON')
    .action(async (name: string, settings: string[], opts: { json?: boolean }) => {
      const discovery = discoverProject(process.cwd());
      const found = resolveModule(discovery, name);
      if ('error' in found) throw new PypeError(found.error, { hint: found.hint ?? 'pype list-modules shows what is installed' });
      const { entry } = found;
      if (entry.type !== 'source') throw new PypeError(`${name} is a ${entry.type} module: pype discover describes sources`, { hint: `for a whole flow, run \`pype schema <flow>\`` });
      const config: Record<string, unknown> = {};
      for (const setting of settings) {
        const eq = setting.indexOf('=');
        if (eq <= 0) throw new PypeError(`"${setting}": expected key=value`, { hint: `e.g. pype discover ${name} ${Object.keys(entry.config_schema.required)[0] ?? 'key'}=value` });
        config[setting.slice(0, eq)] = parse(setting.slice(eq + 1)) ?? '';
      }
      const required = Object.fromEntries(Object.entries(config).filter(([k]) => k in entry.config_schema.required));
      const optional = Object.fromEntries(Object.entries(config).filter(([k]) => !(k in entry.config_schema.required)));
      const id = name;
      const text = stringify({ flow: { name: 'discover' }, modules: [{ id, name, configs: { required, optional } }] });
      const ports = new Map<string, ReturnType<typeof columnsJson>>();
      const result = await checkFlow(resolve('pype-discover.yaml'), { text, discovery, schemaTimeoutMs: 30_000, onPort: (port, schema) => ports.set(port.slice(id.length + 1), columnsJson(schema)) });
      const problems = result.diagnostics.filter((d) => d.severity === 'error');
      if (problems.length) {
        throw new PypeError(`${name} cannot be described with this config:\n${problems.map((d) => `  - ${d.path.replace(/^modules\[0\]\.configs\.(required|optional)\./, '')}: ${d.message}${d.hint ? ` (${d.hint})` : ''}`).join('\n')}`, {
          hint: `its keys: ${[...Object.keys(entry.config_schema.required).map((k) => `${k} (required)`), ...Object.keys(entry.config_schema.optional)].join(', ')}`,
        });
      }
      const described = Object.fromEntries(ports);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ module: name, package: `${entry.package}@${entry.version}`, ports: described }, null, 2)}\n`);
      } else {
        const rows = Object.entries(described).flatMap(([port, s]) => ('unknown' in s ? [[port, '', 'unknown', '', s.unknown]] : s.columns.map((c: ColumnJson) => [port, c.name, c.type, c.nullable ? 'yes' : 'no', ''])));
        process.stdout.write(`${formatTable(['port', 'column', 'type', 'nullable', 'note'], rows)}\n`);
        for (const d of result.diagnostics.filter((x) => x.severity !== 'error')) process.stderr.write(`! ${d.message}\n`);
      }
      if (Object.values(described).some((s) => 'unknown' in s) && !Object.values(described).some((s) => 'columns' in s)) process.exitCode = 1;
    });
}
