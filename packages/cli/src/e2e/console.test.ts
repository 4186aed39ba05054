// The web console end to end: the real `pype ui` (pype serve without a token, on 127.0.0.1) on a
// temp folder, driven by the system's Chromium through playwright-core: the flow's graph, a run
// started from the page turning green with its rows, a failing run's error and fix, a broken
// flow's problems on its graph, a scheduled run firing on the schedules page, the history still
// there after the server restarts, and a stream app started by `pype run` in another folder: its
// topology live, then stopped.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildFlow } from '@pypeline/core';
import { until } from '@pypeline/test-services';

const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
const REPO = fileURLToPath(new URL('../../../..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
/** Where the screenshots go: docs/images when refreshing the docs' pictures, else the temp folder. */
const SHOTS = process.env.PYPE_CONSOLE_SHOTS ? resolve(REPO, process.env.PYPE_CONSOLE_SHOTS) : undefined;

if (!existsSync(CHROMIUM)) console.warn(`skipping the console browser tests: ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run installs it)`);

describe.skipIf(!existsSync(CHROMIUM))('the web console in a browser', () => {
  let root: string;
  let shots: string;
  let server: { child: ChildProcess; base: string; output: () => string } | undefined;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'pype-console-'));
    shots = SHOTS ?? join(root, 'shots');
    mkdirSync(shots, { recursive: true });
    const jobs = join(root, 'jobs');
    const sample = readFileSync(join(REPO, 'examples', 'sample_etl.yaml'), 'utf8')
      .replace('data_dir: examples/data', `data_dir: ${JSON.stringify(join(REPO, 'examples', 'data'))}`)
      .replace('out_dir: out', `out_dir: ${JSON.stringify(join(root, 'out'))}`);
    writeFileSync(join(root, 'sample_etl.yaml'), sample);
    // The same flow reading a file that is not there: its run fails with the reader's error and fix.
    writeFileSync(join(root, 'missing_input.yaml'), sample.replace('name: sample_etl', 'name: missing_input').replace('/people.csv', '/nobody.csv'));
    for (const flow of ['sample_etl', 'missing_input']) buildFlow(join(root, `${flow}.yaml`), { searchDirs: [REPO], outDir: jobs });
    // A job pype serve starts by itself every 5 seconds.
    writeFileSync(join(root, 'heartbeat.yaml'), 'flow:\n  name: heartbeat\nmodules:\n  - id: beat\n    name: log_message\n    configs: { required: { message: beat } }\ntriggers:\n  - id: every_5s\n    cron: "0/5 * * * * *"\n    timezone: Europe/Paris\n');
    buildFlow(join(root, 'heartbeat.yaml'), { searchDirs: [REPO], outDir: jobs });
    writeFileSync(join(jobs, 'broken_flow.yaml'), readFileSync(join(REPO, 'examples', 'broken_flow.yaml')));
    // Stream apps announce themselves here; pype ui and pype run both inherit it (no other test's apps).
    process.env.PYPE_STREAM_APPS_DIR = join(root, 'stream-apps');
    server = await startUi(root);
    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    page.setDefaultTimeout(60_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (server) await stop(server.child);
  });

  it('draws the flow from its plan: every module with its type, sub flows, the control connection with its order and condition', async () => {
    await page.goto(`${server!.base}/console/`);
    await page.getByRole('link', { name: 'sample_etl' }).first().click();
    await page.waitForSelector('[data-node=report]');
    for (const id of ['source_csv', 'transform_data', 'enrich', 'output_parquet', 'report']) {
      expect(await page.locator(`[data-node=${id}]`).count()).toBe(1);
    }
    expect(await page.locator('[data-node=source_csv] .node-type').textContent()).toBe('source');
    expect(await page.locator('.subflow').count()).toBe(2);
    expect(await page.locator('.edge-control .edge-label text').textContent()).toBe('Last | {{output_parquet__row_count}} > 0');
    await page.click('[data-node=transform_data]');
    expect(await page.getByTestId('node-config').textContent()).toContain('"condition": "age > 18"');
    await page.screenshot({ path: join(shots, 'console-graph.png') });
  });

  it('starts a run, which turns green with its rows, its timeline and its logs filtered by module', async () => {
    await page.goto(`${server!.base}/console/#/jobs/sample_etl`);
    await page.getByTestId('run-button').click();
    await page.waitForURL(/#\/runs\//);
    await page.waitForSelector('.page-head [data-status=success]');
    for (const id of ['source_csv', 'transform_data', 'enrich', 'output_parquet', 'report']) {
      await page.waitForSelector(`[data-node=${id}][data-state=success]`);
    }
    expect(await page.locator('[data-module=source_csv] [data-testid=rows-out]').textContent()).toBe('40');
    expect(await page.locator('[data-module=transform_data] [data-testid=rows-out]').textContent()).toBe('33');
    expect(await page.locator('[data-node=source_csv] .node-rows').textContent()).toMatch(/^40 rows/);
    expect(await page.locator('.tl-bar.seg-success').count()).toBeGreaterThanOrEqual(5);
    await page.getByTestId('log-filter').selectOption('report');
    const logs = await page.getByTestId('logs').textContent();
    expect(logs).toContain('wrote 33 of 40 rows');
    expect(logs).not.toContain('read CSV');
    await page.getByTestId('log-filter').selectOption('');
    await page.screenshot({ path: join(shots, 'console-run.png'), fullPage: true });
  });

  it('shows a failing run\'s error with its fix, the failed module red', async () => {
    await page.goto(`${server!.base}/console/#/jobs/missing_input`);
    await page.getByTestId('run-button').click();
    await page.waitForURL(/#\/runs\//);
    await page.waitForSelector('.page-head [data-status=failed]');
    const error = await page.getByTestId('run-error').textContent();
    expect(error).toMatch(/source_csv.*nobody\.csv/);
    expect(error).toMatch(/fix: /);
    await page.waitForSelector('[data-node=source_csv][data-state=failed]');
    expect(await page.getByTestId('resume-button').count()).toBe(1);
    await page.screenshot({ path: join(shots, 'console-failed-run.png'), fullPage: true });
  });

  it('pins a broken flow\'s problems on its graph, each with its line and fix', async () => {
    await page.goto(`${server!.base}/console/#/flows/broken_flow.yaml`);
    await page.waitForSelector('[data-testid=problems]');
    expect(await page.getByTestId('invalid').count()).toBe(1);
    expect(await page.locator('[data-node=read].has-problem').count()).toBe(1);
    expect(await page.getByTestId('problems').textContent()).toMatch(/unknown module "csv_sorce".*fix: /);
    await page.screenshot({ path: join(shots, 'console-broken-flow.png'), fullPage: true });
  });

  it('shows the schedules, sees a scheduled run fire, and finds it in the job\'s runs as started by its trigger', async () => {
    await page.goto(`${server!.base}/console/`);
    await page.getByTestId('nav-schedules').click();
    const row = page.locator('[data-schedule="heartbeat/every_5s"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('cron "0/5 * * * * *" in Europe/Paris, catch-up last');
    // The page refreshes itself: the last fire appears, and its run turns green.
    await row.locator('[data-testid=last-fire] [data-status=success]').waitFor({ timeout: 90_000 });
    await page.screenshot({ path: join(shots, 'console-schedules.png'), fullPage: true });
    await page.goto(`${server!.base}/console/#/jobs/heartbeat`);
    const fired = page.locator('[data-testid=history] [data-run]').first();
    await fired.waitFor();
    expect(await fired.locator('[data-trigger=cron]').textContent()).toContain('every_5s');
    await fired.locator('a').first().click();
    await page.waitForSelector('.page-head [data-trigger=cron]');
  });

  it('keeps the history across a restart of the server', async () => {
    await stop(server!.child);
    server = await startUi(root);
    await page.goto(`${server.base}/console/#/jobs/sample_etl`);
    await page.waitForSelector('[data-testid=history] [data-run]');
    const rows = page.locator('[data-testid=history] [data-run]');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().locator('[data-status]').textContent()).toBe('success');
    await rows.first().locator('a').click();
    await page.waitForSelector('[data-node=report][data-state=success]');
  });

  it('shows a stream app run from another folder: its topology, rows/s live and rows growing, then the app as stopped', async () => {
    const dir = join(root, 'elsewhere');
    mkdirSync(dir);
    writeFileSync(join(dir, 'tail.yaml'), STREAM_FLOW);
    // The source's file grows by 20 readings every 100 ms while the app runs.
    const start = Date.now();
    let fed = 0;
    const feed = () => {
      appendFileSync(join(dir, 'in.jsonl'), readings(fed, fed + 20, start));
      fed += 20;
    };
    feed();
    const feeder = setInterval(feed, 100);
    onTestFinished(() => clearInterval(feeder));
    const app = spawn(process.execPath, [BIN, 'run', 'tail.yaml', '--progress', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    let output = '';
    app.stdout!.on('data', (d) => (output += d));
    app.stderr!.on('data', (d) => (output += d));
    onTestFinished(() => void app.kill('SIGKILL'));

    await page.goto(`${server!.base}/console/#/streams`);
    await page.waitForSelector('[data-stream=console_tail] [data-status=running]', { timeout: 90_000 }).catch((e) => {
      throw new Error(`${e}\npype run's output:\n${output}`);
    });
    await page.screenshot({ path: join(shots, 'console-streams-list.png') });
    await page.locator('[data-stream=console_tail] a').click();
    await page.waitForURL(/#\/streams\//);
    for (const id of ['readings', 'per_second', 'store', 'late']) await page.waitForSelector(`[data-testid=stream-graph] [data-node=${id}]`);
    expect(await page.locator('[data-edge="per_second->late"].edge-late').count()).toBe(1);
    const rate = page.locator('[data-operator=readings] [data-testid=rows-per-sec]');
    let shown: string | null = null;
    await until(async () => Number((shown = await rate.textContent())?.replace(/\D/g, '')) > 0, () => `rows/s of readings above 0; it shows ${shown}`, 60_000, 200);
    const read = page.locator('[data-node=readings] .node-rows');
    const before = rowsIn(await read.textContent());
    await until(async () => rowsIn((shown = await read.textContent())) > before, () => `the rows read to grow past ${before}; they show ${shown}`, 60_000, 200);
    expect(await page.locator('[data-node=readings] [data-testid=node-rate]').textContent()).toMatch(/rows\/s$/);
    // The watermark column: the event time the source has reached, as an ISO time.
    expect(await page.locator('[data-operator=readings] td').last().textContent()).toMatch(/^\d{4}-\d\d-\d\dT/);
    await page.getByTestId('stream-head').filter({ hasText: /checkpoint #\d+/ }).waitFor();
    await page.screenshot({ path: join(shots, 'console-streams.png'), fullPage: true });

    clearInterval(feeder);
    const exited = new Promise<number | null>((r) => app.on('exit', r));
    app.kill('SIGINT');
    expect(await exited).toBe(0);
    await page.waitForSelector('[data-testid=stream-stopped]');
    expect(await page.locator('.page-head [data-status]').textContent()).toBe('stopped');
    expect(await page.locator('[data-node=readings] [data-testid=node-rate]').textContent()).toBe('stopped');
  });
});

/** A stream flow following a growing JSON-lines file: readings counted per sensor and second. */
const STREAM_FLOW = `flow: { name: console_tail }
settings: { execution_mode: stream, checkpoint_interval: 1s }
modules:
  - id: readings
    name: file_tail_source
    configs:
      required: { path: in.jsonl }
      optional: { event_time: ts, schema: { sensor: string, value: float64, ts: timestamp }, poll_ms: 50 }
  - id: per_second
    name: window_aggregate
    configs: { required: { window: { tumbling: 1s }, aggregates: { n: "count(*)", mean: "avg(value)" } }, optional: { group_by: [sensor] } }
  - id: store
    name: file_sink
    configs: { required: { path: out.jsonl } }
  - id: late
    name: console_sink
    configs: { optional: { prefix: "late: " } }
connections:
  data:
    - "readings.data - per_second.input"
    - "per_second.output - store.input"
    - "per_second.late - late.input"
`;

/** Readings `from`..`to` of three sensors, 10 ms apart in event time from `start`. */
function readings(from: number, to: number, start: number): string {
  return Array.from({ length: to - from }, (_, j) => JSON.stringify({ sensor: `s${(from + j) % 3}`, value: from + j, ts: start + (from + j) * 10 })).join('\n') + '\n';
}

/** The row count of a node's \`N rows\` line (formatRows: 1234, 12.3 k, 1.23 M). */
function rowsIn(text: string | null): number {
  const m = /^([\d.]+)\s*(k|M|G)?\s*rows/.exec(text ?? '');
  if (!m) return -1;
  return Number(m[1]) * ({ k: 1e3, M: 1e6, G: 1e9 }[m[2] as 'k' | 'M' | 'G'] ?? 1);
}

/** `pype ui` on a free port, no browser opened; resolves once it prints the console's address. */
async function startUi(root: string): Promise<{ child: ChildProcess; base: string; output: () => string }> {
  const env = { ...process.env };
  delete env.PYPE_SERVE_TOKEN;
  const child = spawn(process.execPath, [BIN, 'ui', 'jobs', '--port', '0', '--no-open', '--project', REPO], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  let gone = false;
  child.on('exit', () => (gone = true));
  await until(() => gone || /console: (http:\/\/\S+)\/console\//.test(output), () => `pype ui to print its address; its output:\n${output}`, 60_000, 50);
  const base = /console: (http:\/\/\S+)\/console\//.exec(output)?.[1];
  if (!base) throw new Error(`pype ui exited before listening; its output:\n${output}`);
  return { child, base, output: () => output };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGTERM');
  await exited;
}
