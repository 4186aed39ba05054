import { spawnSync } from 'node:child_process';
import { PypeError } from '@pypeline/core';

/** The keyword every module package carries (`pype new-module` writes it; discovery needs it). */
export const MODULE_KEYWORD = 'pypeline-module';

export interface SearchHit {
  name: string;
  version: string;
  description: string;
  registry: string;
  date?: string;
}

/** Every registry the project's npm configuration names: the default and each scope's. */
export function configuredRegistries(cwd: string): string[] {
  const r = spawnSync('npm', ['config', 'list', '--json'], { cwd, encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new PypeError(`cannot read the npm configuration: ${(r.stderr || r.error?.message || '').trim()}`, { hint: 'check that npm is installed, or pass --registry <url>' });
  const config = JSON.parse(r.stdout) as Record<string, unknown>;
  const urls = Object.entries(config).filter(([key, value]) => (key === 'registry' || key.endsWith(':registry')) && typeof value === 'string').map(([, value]) => value as string);
  return [...new Set(urls.map((u) => u.replace(/\/?$/, '/')))];
}

interface SearchObject {
  package: { name: string; version?: string; 'dist-tags'?: { latest?: string }; description?: string; keywords?: string[]; date?: string };
}

/**
 * Module packages matching `words` on each registry: the registry's search API asked for the
 * module keyword and the words, then filtered here too (a registry may ignore the `keywords:`
 * qualifier), so only packages carrying the keyword and every word in their name, description
 * or keywords are listed.
 */
export async function searchModules(words: string[], registries: string[], signal?: AbortSignal): Promise<{ hits: SearchHit[]; failures: string[] }> {
  const hits: SearchHit[] = [];
  const failures: string[] = [];
  const wanted = words.map((w) => w.toLowerCase());
  for (const registry of registries) {
    const queries = [`keywords:${MODULE_KEYWORD} ${words.join(' ')}`.trim(), words.join(' ') || MODULE_KEYWORD];
    let found: SearchObject[] = [];
    try {
      for (const text of queries) {
        const url = new URL('-/v1/search', registry);
        url.searchParams.set('text', text);
        url.searchParams.set('size', '250');
        const response = await fetch(url, { signal: signal ?? AbortSignal.timeout(30_000), headers: { accept: 'application/json' } });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        found = ((await response.json()) as { objects?: SearchObject[] }).objects ?? [];
        if (found.some((o) => o.package.keywords?.includes(MODULE_KEYWORD))) break;
      }
    } catch (error) {
      failures.push(`${registry}: ${(error as Error).message}`);
      continue;
    }
    for (const { package: p } of found) {
      if (!p.keywords?.includes(MODULE_KEYWORD)) continue;
      const text = [p.name, p.description ?? '', ...(p.keywords ?? [])].join(' ').toLowerCase();
      if (!wanted.every((w) => text.includes(w))) continue;
      if (hits.some((h) => h.name === p.name)) continue;
      const version = p.version ?? p['dist-tags']?.latest ?? (await latestVersion(registry, p.name, signal));
      hits.push({ name: p.name, version, description: p.description ?? '', registry, date: p.date });
    }
  }
  return { hits: hits.sort((a, b) => a.name.localeCompare(b.name)), failures };
}

/** The `latest` tag from the package document, for registries whose search answer leaves the version out (Verdaccio). */
async function latestVersion(registry: string, name: string, signal?: AbortSignal): Promise<string> {
  try {
    const response = await fetch(new URL(name.replace('/', '%2f'), registry), { signal: signal ?? AbortSignal.timeout(30_000), headers: { accept: 'application/vnd.npm.install-v1+json' } });
    if (!response.ok) return '?';
    return ((await response.json()) as { 'dist-tags'?: { latest?: string } })['dist-tags']?.latest ?? '?';
  } catch {
    return '?';
  }
}
