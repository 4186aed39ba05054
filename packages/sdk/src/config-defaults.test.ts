import { describe, expect, it } from 'vitest';
import type { ConfigDefaults } from './module.js';

// Compile-time checks (pnpm typecheck): a scaffold's `DEFAULTS … satisfies ConfigDefaults<Config>`
// keeps compiling when a required key is added, and still refuses what is wrong.
interface Config {
  rows: number;
  /** Added after the scaffold was written: no default, no change to DEFAULTS. */
  added_later: string;
  prefix?: string;
  loud?: boolean;
}

const DEFAULTS = { prefix: 'hello', loud: false } as const satisfies ConfigDefaults<Config>;
// @ts-expect-error a required key cannot have a default
const WITH_REQUIRED = { rows: 3 } as const satisfies ConfigDefaults<Config>;
// @ts-expect-error a default of the wrong type
const WRONG_TYPE = { loud: 'yes' } as const satisfies ConfigDefaults<Config>;
// @ts-expect-error a key the Config does not have
const UNKNOWN = { lowd: true } as const satisfies ConfigDefaults<Config>;

describe('ConfigDefaults', () => {
  it('merges under a config as modules do', () => {
    const config: Config = { rows: 2, added_later: 'x' };
    const merged = { ...DEFAULTS, ...config };
    expect(merged).toEqual({ rows: 2, added_later: 'x', prefix: 'hello', loud: false });
    expect([WITH_REQUIRED, WRONG_TYPE, UNKNOWN]).toHaveLength(3);
  });
});
