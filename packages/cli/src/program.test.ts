import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commandIndex, createProgram } from './program.js';

const help = async (index: Parameters<typeof createProgram>[1]) => (await createProgram(['node', 'pype', '--help'], index)).helpInformation();

describe('the command index behind `pype --help`', () => {
  it('prints the overview exactly as the registered commands do', async () => {
    const index = await commandIndex();
    expect(index.map((c) => c.name)).toContain('run');
    expect(index.find((c) => c.name === 'run')?.term).toBe('run [options] <job>');
    expect(await help(index)).toBe(await help(false));
  });

  it('is written by the build from the current commands', async () => {
    const built = fileURLToPath(new URL('../dist/command-index.json', import.meta.url));
    expect(existsSync(built), 'run `pnpm build` in packages/cli').toBe(true);
    expect(JSON.parse(readFileSync(built, 'utf8'))).toEqual(await commandIndex());
  });

  it('registers a command for real when it runs, or is asked about with `help <command>`', async () => {
    for (const argv of [['run', 'x.yaml'], ['help', 'run'], ['--debug', 'run', '--help']]) {
      const program = await createProgram(['node', 'pype', ...argv]);
      expect(program.commands.map((c) => c.name())).toEqual(['run']);
      expect(program.commands[0].options.map((o) => o.long)).toContain('--executor');
    }
  });
});
