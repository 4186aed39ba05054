export { SERVICE_NAMES, serviceAddress } from './services.js';
export type { ServiceAddress, ServiceName } from './services.js';
export { probeService, serviceAvailable, servicesRequired } from './probe.js';
export type { ProbeOptions, ServiceStatus } from './probe.js';
export { describeWithService } from './describe-with-service.js';
export { postgresTestConfig, uniqueName } from './postgres.js';
export type { PostgresTestConfig } from './postgres.js';
export { until } from './until.js';
