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
