import type { Command } from 'commander';
import { errorMessage } from '@pypeline/sdk';
import { serveJobs, serveOptions, type ServeCliOptions } from './serve.js';

interface UiCliOptions extends ServeCliOptions {
  open: boolean;
}

/**
 * `pype ui [jobs]`: `pype serve` for a local user. It listens on 127.0.0.1 and asks for no token
 * unless one is configured (PYPE_SERVE_TOKEN or --token-file), prints the console's address and,
 * on a terminal, opens it in the browser.
 */
export function registerUi(program: Command): void {
  serveOptions(
    program
      .command('ui')
      .argument('[jobs]', 'folder of built jobs and flow files', 'jobs')
      .description('open the web console on a folder of jobs: pype serve on 127.0.0.1, without a token unless one is configured'),
  )
    .option('--no-open', 'only print the console address, do not open a browser')
    .action(async (jobs: string, opts: UiCliOptions) => {
      const auth = Boolean(opts.tokenFile || process.env.PYPE_SERVE_TOKEN);
      await serveJobs({ ...opts, jobs, auth }, async (address) => {
        const url = `${address.replace('://[::1]', '://localhost')}/console/`;
        process.stdout.write(`▶ console: ${url}${auth ? ' (sign in with a token of PYPE_SERVE_TOKEN or --token-file)' : ''}\n`);
        if (opts.open && process.stdout.isTTY) await openBrowser(url);
      });
    });
}

async function openBrowser(url: string): Promise<void> {
  try {
    const { default: open } = await import('open');
    const child = await open(url);
    child.on('error', () => process.stdout.write(`  (no browser could be opened here: open ${url} yourself)\n`));
  } catch (err) {
    process.stdout.write(`  (no browser could be opened here: ${errorMessage(err)}; open ${url} yourself)\n`);
  }
}
