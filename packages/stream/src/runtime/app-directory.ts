import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFileAtomicSync } from '@pypeline/sdk';
import { METRICS_FILE, type MetricsFile } from './metrics-writer.js';
import { processAlive } from './state-lock.js';

/**
 * Where stream apps announce themselves, so that `pype serve` finds every app run on this
 * machine by this user, whatever folder it was started in: PYPE_STREAM_APPS_DIR, else a folder of
 * this user's in the OS temp folder (a reboot, which ends every app, may empty it).
 */
export function streamAppsDir(): string {
  return process.env.PYPE_STREAM_APPS_DIR || join(tmpdir(), `pypeline-stream-apps-${process.getuid?.() ?? 'user'}`);
}

/** One announced app: a pointer to its state folder, whose `metrics.json` says the rest. */
export interface AppEntry {
  /** Stable per state folder (a hash of its path), so a restarted app keeps its id. */
  id: string;
  app: string;
  stateDir: string;
  pid: number;
  startedAt: number;
}

/**
 * What an app is doing: its metrics' status, or `gone` when they say it runs but its process
 * has ended (killed or crashed: the last checkpoint is intact and a new run resumes from it).
 */
export type LiveStatus = MetricsFile['status'] | 'gone';

export interface AnnouncedApp extends AppEntry {
  status: LiveStatus;
  /** Undefined until the app writes its first metrics. */
  metrics?: MetricsFile;
}

/** The id of the app whose state is in `stateDir`. */
export function appId(stateDir: string): string {
  return createHash('sha256').update(resolve(stateDir)).digest('hex').slice(0, 16);
}

/** Records that the app `app` runs with state in `stateDir` (called by runStream once it holds the folder). */
export function announceApp(stateDir: string, app: string): AppEntry {
  const dir = streamAppsDir();
  mkdirSync(dir, { recursive: true });
  const entry: AppEntry = { id: appId(stateDir), app, stateDir: resolve(stateDir), pid: process.pid, startedAt: Date.now() };
  writeFileAtomicSync(join(dir, `${entry.id}.json`), JSON.stringify(entry), { durable: false });
  return entry;
}

/** `metrics.status`, or `gone` when a running status outlived its process. */
export function liveStatus(metrics: MetricsFile): LiveStatus {
  const running = metrics.status === 'starting' || metrics.status === 'running' || metrics.status === 'stopping';
  return running && !processAlive(metrics.pid) ? 'gone' : metrics.status;
}

/**
 * Every announced app with its metrics, the latest first. An entry whose state folder was
 * deleted is dropped (and its file removed): nothing is left to show or resume.
 */
export function listApps(): AnnouncedApp[] {
  const dir = streamAppsDir();
  if (!existsSync(dir)) return [];
  const apps: AnnouncedApp[] = [];
  for (const name of readdirSync(dir)) {
    if (!/^[0-9a-f]{16}\.json$/.test(name)) continue;
    const app = readEntry(join(dir, name));
    if (app) apps.push(app);
  }
  return apps.sort((a, b) => (b.metrics?.updatedAt ?? b.startedAt) - (a.metrics?.updatedAt ?? a.startedAt));
}

/** The announced app `id`, or undefined. */
export function findApp(id: string): AnnouncedApp | undefined {
  if (!/^[0-9a-f]{16}$/.test(id)) return undefined;
  const file = join(streamAppsDir(), `${id}.json`);
  return existsSync(file) ? readEntry(file) : undefined;
}

function readEntry(file: string): AnnouncedApp | undefined {
  let entry: AppEntry;
  try {
    entry = JSON.parse(readFileSync(file, 'utf8')) as AppEntry;
  } catch {
    return undefined; // being replaced, or not ours
  }
  if (!existsSync(entry.stateDir)) {
    rmSync(file, { force: true });
    return undefined;
  }
  const metrics = readMetrics(entry.stateDir);
  if (!metrics) return { ...entry, status: processAlive(entry.pid) ? 'starting' : 'gone' };
  return { ...entry, status: liveStatus(metrics), metrics };
}

function readMetrics(stateDir: string): MetricsFile | undefined {
  try {
    return JSON.parse(readFileSync(join(stateDir, METRICS_FILE), 'utf8')) as MetricsFile;
  } catch {
    return undefined; // not written yet
  }
}
