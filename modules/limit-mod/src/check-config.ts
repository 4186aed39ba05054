import type { Config } from './config.js';

/** Every problem with the config at once, each naming its key. */
export function configProblems(config: Config): { key: keyof Config; message: string }[] {
  const problems: { key: keyof Config; message: string }[] = [];
  const whole = (key: 'limit' | 'offset' | 'sample_rows') => {
    const v = config[key];
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) problems.push({ key, message: `"${key}" must be a whole number ≥ 0, not ${v}` });
  };
  whole('limit');
  whole('offset');
  whole('sample_rows');
  const f = config.sample_fraction;
  if (f !== undefined && !(f >= 0 && f <= 1)) problems.push({ key: 'sample_fraction', message: `"sample_fraction" must be between 0 and 1, not ${f}` });
  if (config.sample_rows !== undefined && f !== undefined) problems.push({ key: 'sample_fraction', message: 'set one of "sample_rows" and "sample_fraction", not both' });
  const sampling = config.sample_rows !== undefined || f !== undefined;
  if (sampling && (config.limit !== undefined || (config.offset ?? 0) > 0)) {
    problems.push({ key: 'limit', message: 'sampling ("sample_rows" / "sample_fraction") does not combine with "limit" / "offset"; chain two limit_mod modules' });
  }
  if (!sampling && config.limit === undefined && (config.offset ?? 0) === 0) {
    problems.push({ key: 'limit', message: 'set "limit" and/or "offset", or "sample_rows", or "sample_fraction"' });
  }
  return problems;
}
