import { createServer } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { buildFlow } from '../build/build.js';
import { runJob } from '../run/run-job.js';
import { fixtureProject, flowYaml, writeFlow } from '../testing/flow-files.js';
import { envProvider, fileProvider, vaultProvider } from './providers.js';

const SECRET = 's3cr3t-VALUE-42';

function build(yaml: string): string {
  return buildFlow(writeFlow(yaml), { searchDirs: [fixtureProject()], outDir: mkdtempSync(join(tmpdir(), 'pype-jobs-')) }).jobDir;
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

const LEAKY = flowYaml({
  modules: `  - id: a\n    name: sleep_solo\n    configs:\n      required:\n        ms: 1\n      optional:\n        note: "token={{secret.api_token}}"\n  - id: b\n    name: emit_rows\n    configs:\n      required:\n        rows: "{{secret.api_token}}"`,
  control: ['a (1|) b'],
});

describe('secrets', () => {
  it('resolve at run time only and never appear in the job folder, checkpoint, logs, events or errors', async () => {
    const job = build(LEAKY);
    const r = await runJob(job, { searchDirs: [fixtureProject()], secretProviders: [envProvider({ PYPE_SECRET_API_TOKEN: SECRET })] });
    expect(r.status).toBe('failed');
    expect(r.resumable).toBe(true);
    expect(r.events.find((e) => e.type === 'log' && e.nodeId === 'a#0')).toMatchObject({ msg: 'token=***' });
    expect(r.errors[0].message).toMatch(/must be an integer \(got string "\*\*\*"\)/);
    const files = allFiles(job);
    expect(files.some((f) => f.includes('checkpoint'))).toBe(true);
    expect(files.some((f) => f.includes('logs'))).toBe(true);
    for (const f of files) expect(readFileSync(f, 'utf8'), f).not.toContain(SECRET);
    expect(JSON.stringify(r)).not.toContain(SECRET);
  });

  it('reads secrets from files and from Vault KV v2 with AppRole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-secrets-'));
    writeFileSync(join(dir, 'from_file'), 'file-value\n');
    expect(await fileProvider(dir).get('from_file')).toBe('file-value');
    expect(await fileProvider(dir).get('absent')).toBeUndefined();

    // No Vault server exists on this machine: this server answers the two KV v2 / AppRole
    // endpoints exactly as Vault documents them.
    const seen: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push(`${req.method} ${req.url}`);
        if (req.url === '/v1/auth/approle/login' && JSON.parse(body).secret_id === 'sid') {
          return res.end(JSON.stringify({ auth: { client_token: 'tok' } }));
        }
        if (req.url === '/v1/kv/data/team/etl' && req.headers['x-vault-token'] === 'tok') {
          return res.end(JSON.stringify({ data: { data: { db_password: 'vault-value' }, metadata: { version: 3 } } }));
        }
        res.statusCode = 403;
        res.end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const vault = vaultProvider({ addr, mount: 'kv', path: 'team/etl', appRole: { roleId: 'rid', secretId: 'sid' } });
      expect(await vault.get('db_password')).toBe('vault-value');
      expect(await vault.get('other')).toBeUndefined();
      expect(seen).toEqual(['POST /v1/auth/approle/login', 'GET /v1/kv/data/team/etl']);
      await expect(vaultProvider({ addr, path: 'team/etl', token: 'wrong' }).get('x')).rejects.toThrow(/answered 403/);
      await expect(vaultProvider({ addr: 'http://127.0.0.1:1', path: 'p', token: 't' }).get('x')).rejects.toThrow(/cannot reach Vault/);
    } finally {
      server.close();
    }
  });

  it('fails before anything runs when a secret is missing', async () => {
    const job = build(LEAKY);
    await expect(runJob(job, { searchDirs: [fixtureProject()], secretProviders: [envProvider({})] })).rejects.toThrow(/secret\(s\) not found: api_token/);
  });
});
