/** How mysql_source and mysql_sink reach the server; their Config interfaces extend it. */
export interface MysqlConnection {
  /**
   * Server host name or address
   * @default "127.0.0.1"
   */
  host?: string;
  /**
   * Server port
   * @asType integer
   * @default 3306
   */
  port?: number;
  /** Database (schema) to connect to */
  database: string;
  /**
   * User to log in as
   * @default "root"
   */
  user?: string;
  /**
   * Password of the user; leave it out for a user without one. Pass it from a context value (e.g. "{{context.mysql_password}}"), never written in the flow
   * @secret
   */
  password?: string;
  /**
   * Connect with TLS (the server's certificate is verified)
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
  port: 3306,
  user: 'root',
  ssl: false,
  connect_timeout: 10,
} as const satisfies Omit<Required<MysqlConnection>, 'database' | 'password'>;

/** A connection with every default filled in. */
export type ResolvedConnection = MysqlConnection & Required<Omit<MysqlConnection, 'password'>>;

export function connectionConfig(target: MysqlConnection): ResolvedConnection {
  return { ...CONNECTION_DEFAULTS, ...target };
}

/** Where a connection goes, for logs and messages; never shows the password. */
export function describeConnection(target: MysqlConnection): string {
  const c = connectionConfig(target);
  return `mysql://${c.user}@${c.host}:${c.port}/${c.database}`;
}
