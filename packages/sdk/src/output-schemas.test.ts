import { describe, expect, it } from 'vitest';
import { ModuleError } from './errors.js';
import { configIssuesError } from './output-schemas.js';

describe('configIssuesError', () => {
  it('lists every problem with its key, and joins the distinct hints', () => {
    const error = configIssuesError('window_mod (win)', [
      { key: ['columns', 'a'], message: 'unknown function median', hint: 'write row_number()' },
      { key: ['order_by', 0], message: 'no column "dy"', hint: 'the columns are: day' },
      { key: ['columns', 'b'], message: 'unknown function mode', hint: 'write row_number()' },
    ], 'the fallback');
    expect(error).toBeInstanceOf(ModuleError);
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('window_mod (win): columns.a: unknown function median; order_by.0: no column "dy"; columns.b: unknown function mode');
    expect(error.hint).toBe('write row_number(); the columns are: day');
  });

  it('falls back to the given hint when no problem has one', () => {
    expect(configIssuesError('m', [{ key: ['x'], message: 'bad' }], 'fix x').hint).toBe('fix x');
  });
});
