import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createTestContext } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import logMessage from './index.js';
import { DEFAULTS, type Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));

describe('log_message', () => {
  it('keeps its code defaults equal to the generated manifest', () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    expect(manifest.config_schema.optional.level.default).toBe(DEFAULTS.level);
  });

  it('logs at the default level and sets the global', async () => {
    const ctx = createTestContext<Config>({ config: { message: 'hello' }, manifest: MANIFEST });
    expect(await logMessage.run({}, ctx)).toBeUndefined();
    expect(ctx.logs).toEqual([{ level: 'info', msg: 'hello' }]);
    expect(ctx.globals.get('message')).toBe('hello');
  });

  it.each(['warn', 'error'] as const)('logs at %s', async (level) => {
    const ctx = createTestContext<Config>({ config: { message: 'careful', level } });
    await logMessage.run({}, ctx);
    expect(ctx.logs).toEqual([{ level, msg: 'careful' }]);
  });
});
