import { parse } from 'pg-connection-string';

/** How postgres_source and postgres_sink reach the server; their Config interfaces extend it. */
export interface PostgresConnection {
  /**
   * Server host name or address
   * @default "127.0.0.1"
   */
  host?: string;
  /**
   * Server port
   * @asType integer
   * @default 5432
   */
  port?: number;
  /** Database to connect to */
  database: string;
  /**
   * User to log in as
   * @default "postgres"
   */
  user?: string;
  /**
   * Password of the user; leave it out for trust or peer authentication. Pass it from a context value (e.g. "{{context.pg_password}}"), never written in the flow
   * @secret
   */
  password?: string;
  /**
   * Connect with TLS
   * @default false
   */
  ssl?: boolean;
  /**
   * Seconds to wait for the connection before failing
   * @asType integer
   * @default 10
   */
  connect_timeout?: number;
}

/** The defaults above as values; each module's test keeps them equal to its generated manifest. */
export const CONNECTION_DEFAULTS = {
  host: '127.0.0.1',
  port: 5432,
  user: 'postgres',
  ssl: false,
  connect_timeout: 10,
} as const satisfies Omit<Required<PostgresConnection>, 'database' | 'password'>;

/** A `postgres://user:password@host:port/database?sslmode=require` URL, or the fields of one. */
export type PostgresTarget = string | PostgresConnection;

/** A connection with every default filled in. */
export type ResolvedConnection = PostgresConnection & Required<Omit<PostgresConnection, 'password'>>;

/**
 * The one way a PostgreSQL connection is configured, for batch modules (the fields of their
 * config) and stream connectors (a URL or those fields): the defaults above fill what is left
 * out. A URL is read by pg-connection-string, as libpq and psql read it; `sslmode` require,
 * verify-ca or verify-full (or `ssl=true`) turns TLS on, and the server's certificate is then
 * always verified.
 */
export function connectionConfig(target: PostgresTarget): ResolvedConnection {
  return { ...CONNECTION_DEFAULTS, ...(typeof target === 'string' ? connectionFromUrl(target) : target) };
}

/** Where a connection goes, for logs and messages; never shows the password. */
export function describeConnection(target: PostgresTarget): string {
  const c = connectionConfig(target);
  return `postgres://${c.user}@${c.host}:${c.port}/${c.database}`;
}

const WRITE_IT = 'write postgres://user@host:5432/database';
const TLS_MODES = new Set(['require', 'verify-ca', 'verify-full', 'no-verify']);

function connectionFromUrl(url: string): PostgresConnection {
  const scheme = /^([a-z][a-z\d+.-]*):\/\//i.exec(url)?.[1];
  if (!scheme) throw notAUrl(url);
  if (!/^postgres(ql)?$/i.test(scheme)) throw new Error(`a PostgreSQL URL starts with postgres:// or postgresql://, not ${scheme}:// (${WRITE_IT})`);
  // sslmode is read here: pg-connection-string would turn it into TLS options this connection
  // does not take (and warn about modes it treats as verify-full, which is what connect() does).
  const [head, query = ''] = url.split(/\?(.*)/s);
  const params = new URLSearchParams(query);
  const sslmode = params.get('sslmode');
  params.delete('sslmode');
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(params.size > 0 ? `${head}?${params}` : head);
  } catch {
    throw notAUrl(url);
  }
  if (!parsed.database) throw new Error(`the PostgreSQL URL names no database (${WRITE_IT})`);
  return {
    database: parsed.database,
    ...(parsed.host ? { host: parsed.host } : {}),
    ...(parsed.port ? { port: Number(parsed.port) } : {}),
    ...(parsed.user ? { user: parsed.user } : {}),
    ...(parsed.password ? { password: parsed.password } : {}),
    ...((sslmode && TLS_MODES.has(sslmode)) || parsed.ssl === true ? { ssl: true } : {}),
  };
}

function notAUrl(url: string): Error {
  return new Error(`"${url.replace(/:[^:@/]*@/, ':***@')}" is not a PostgreSQL URL (${WRITE_IT})`);
}
