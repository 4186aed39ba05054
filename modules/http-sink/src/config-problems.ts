import { clientProblems, urlProblems } from '@pypeline/http';
import type { ConfigIssue } from '@pypeline/sdk';
import type { Schema } from 'apache-arrow';
import { ALL_DEFAULTS, type Config } from './config.js';
import { templateColumns } from './url-template.js';

/** Every problem of an http_sink config, each with its key and fix; with the input's schema, the columns url names too. */
export function sinkProblems(config: Config, input?: Schema): ConfigIssue[] {
  const c = { ...ALL_DEFAULTS, ...config };
  const columns = templateColumns(c.url);
  // A placeholder is not a valid host or path character: check the URL with sample values in their place.
  const problems = [...urlProblems(c.url.replace(/\{([^{}]+)\}/g, 'x'), 'url').map((p) => ({ ...p, message: p.message.replace('"x"', `"${c.url}"`) })), ...clientProblems(c)];
  if (input) {
    const names = input.fields.map((f) => f.name);
    for (const name of columns.filter((n) => !names.includes(n))) {
      const start = c.url.indexOf(`{${name}}`);
      problems.push({ key: ['url'], message: `url names column "${name}", which the input does not have`, hint: `its columns: ${names.join(', ')}`, span: { start, end: start + name.length + 2 } });
    }
  }
  return problems;
}
