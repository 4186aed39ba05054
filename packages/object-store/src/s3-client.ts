import { S3Client } from '@aws-sdk/client-s3';
import { ModuleError } from '@pypeline/sdk';
import { describeEndpoint, resolveS3, type ResolvedS3, type S3Options } from './s3-options.js';

/** A client and the settings it was made from (for messages). */
export interface S3Target {
  client: S3Client;
  s3: ResolvedS3;
  /** The endpoint as messages name it. */
  where: string;
}

const clients = new Map<string, S3Target>();

/**
 * The client for these options, made once per distinct settings in a process (a client keeps
 * its connections alive, so the sources and sinks of one run share them).
 */
export function s3Target(options: S3Options): S3Target {
  const { value: s3, problems } = resolveS3(options);
  if (problems.length > 0) throw new ModuleError(`object storage settings: ${problems.join('; ')}`, { retryable: false, hint: 'fix the s3_* options of the module (see docs/object-storage.md)' });
  const id = JSON.stringify(s3);
  let target = clients.get(id);
  if (!target) {
    // WARNING: the AWS SDK announces through process.emitWarning that its 2027 releases need
    // Node 22; on Node 20 that text would land in every run's output. The SDK reads this variable
    // for the purpose; an explicit setting of it is left alone.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const client = new S3Client({
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: s3.forcePathStyle,
      credentials: s3.credentials,
      maxAttempts: 3,
      // Checksums by default (CRC32 trailers, since SDK 3.729) are AWS's; many S3-compatible
      // services refuse them, so with an endpoint they are sent only where the API requires them.
      ...(s3.endpoint ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}),
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
    });
    target = { client, s3, where: describeEndpoint(s3) };
    clients.set(id, target);
  }
  return target;
}
