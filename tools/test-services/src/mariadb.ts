import { serviceAddress } from './services.js';

/** How tests reach the local MariaDB/MySQL: user root without a password, database `test` unless overridden. */
export interface MariadbTestConfig {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
}

export function mariadbTestConfig(env: NodeJS.ProcessEnv = process.env): MariadbTestConfig {
  const { host, port } = serviceAddress('mariadb', env);
  const password = env.PYPE_MARIADB_PASSWORD;
  return { host, port, user: env.PYPE_MARIADB_USER ?? 'root', ...(password ? { password } : {}), database: env.PYPE_MARIADB_DATABASE ?? 'test' };
}
