/** The services tests may need, with where they listen on this machine. */
export interface ServiceAddress {
  host: string;
  port: number;
}

export type ServiceName = 'postgres' | 'redis' | 'mariadb' | 'rabbitmq' | 'mqtt' | 'nats';

const DEFAULT_PORTS: Record<ServiceName, number> = {
  postgres: 5432,
  redis: 6379,
  mariadb: 3306,
  rabbitmq: 5672,
  mqtt: 1883,
  nats: 4222,
};

export const SERVICE_NAMES = Object.keys(DEFAULT_PORTS) as ServiceName[];

/**
 * Where a service listens: `PYPE_<NAME>_HOST` / `PYPE_<NAME>_PORT` when set (e.g.
 * `PYPE_POSTGRES_PORT=5433`), else 127.0.0.1 and the service's usual port.
 */
export function serviceAddress(name: ServiceName, env: NodeJS.ProcessEnv = process.env): ServiceAddress {
  const key = name.toUpperCase();
  const port = Number(env[`PYPE_${key}_PORT`] ?? DEFAULT_PORTS[name]);
  return { host: env[`PYPE_${key}_HOST`] ?? '127.0.0.1', port };
}
