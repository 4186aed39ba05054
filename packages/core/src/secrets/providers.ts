import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PypeError } from '../errors.js';
import { errorCode, errorMessage, type Thrown } from '@pypeline/sdk';

/** Where secret values come from; each returns undefined when it does not have the name. */
export interface SecretProvider {
  name: string;
  get(secret: string): Promise<string | undefined>;
}

/** `PYPE_SECRET_<NAME>` environment variables (name upper-cased). */
export function envProvider(env: NodeJS.ProcessEnv = process.env): SecretProvider {
  return { name: 'env', get: async (s) => env[`PYPE_SECRET_${s.toUpperCase()}`] };
}

/** One file per secret in a folder (e.g. mounted Kubernetes/Docker secrets); trailing newline trimmed. */
export function fileProvider(dir: string): SecretProvider {
  return {
    name: `files in ${dir}`,
    get: async (s) => {
      const file = join(dir, s);
      return existsSync(file) ? readFileSync(file, 'utf8').replace(/\r?\n$/, '') : undefined;
    },
  };
}

export interface VaultOptions {
  addr: string;
  /** KV v2 mount, default `secret`. */
  mount?: string;
  /** Path of the secret under the mount; each key of it is a secret name. */
  path: string;
  token?: string;
  appRole?: { roleId: string; secretId: string };
}

/** The parts of Vault's answers read here: AppRole login and KV v2 reads. */
interface VaultAnswer {
  auth?: { client_token?: string };
  data?: { data?: Record<string, string> };
}

/** HashiCorp Vault KV v2 over its HTTP API, with token or AppRole auth. */
export function vaultProvider(opts: VaultOptions): SecretProvider {
  let data: Promise<Record<string, string>> | undefined;
  const call = async (method: string, path: string, token?: string, body?: unknown): Promise<VaultAnswer> => {
    let res: Response;
    try {
      res = await fetch(new URL(`/v1/${path}`, opts.addr), {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { 'X-Vault-Token': token } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new PypeError(`cannot reach Vault at ${opts.addr}: ${errorCode((err as Thrown)?.cause) ?? errorMessage(err)}`, { hint: 'check VAULT_ADDR and that Vault is running' });
    }
    if (!res.ok) throw new PypeError(`Vault ${method} /v1/${path} answered ${res.status}`, { hint: res.status === 403 ? 'check the token or AppRole credentials and the policy' : 'check the mount and path (PYPE_VAULT_PATH)' });
    return (await res.json()) as VaultAnswer;
  };
  const load = async (): Promise<Record<string, string>> => {
    let token = opts.token;
    if (!token && opts.appRole) {
      token = (await call('POST', 'auth/approle/login', undefined, { role_id: opts.appRole.roleId, secret_id: opts.appRole.secretId })).auth?.client_token;
    }
    if (!token) throw new PypeError('Vault needs VAULT_TOKEN or VAULT_ROLE_ID + VAULT_SECRET_ID');
    const body = await call('GET', `${opts.mount ?? 'secret'}/data/${opts.path}`, token);
    return body?.data?.data ?? {};
  };
  return {
    name: `vault ${opts.addr}`,
    get: async (s) => {
      data ??= load();
      const v = (await data)[s];
      return v === undefined ? undefined : String(v);
    },
  };
}

/** Providers from the environment: env vars, then PYPE_SECRETS_DIR, then Vault when VAULT_ADDR is set. */
export function providersFromEnv(env: NodeJS.ProcessEnv = process.env): SecretProvider[] {
  const out = [envProvider(env)];
  if (env.PYPE_SECRETS_DIR) out.push(fileProvider(env.PYPE_SECRETS_DIR));
  if (env.VAULT_ADDR) {
    out.push(vaultProvider({
      addr: env.VAULT_ADDR,
      mount: env.PYPE_VAULT_MOUNT,
      path: env.PYPE_VAULT_PATH ?? 'pypeline',
      token: env.VAULT_TOKEN,
      appRole: env.VAULT_ROLE_ID && env.VAULT_SECRET_ID ? { roleId: env.VAULT_ROLE_ID, secretId: env.VAULT_SECRET_ID } : undefined,
    }));
  }
  return out;
}
