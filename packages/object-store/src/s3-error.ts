import { errorCode, errorMessage, ModuleError } from '@pypeline/sdk';
import type { S3Target } from './s3-client.js';

/** What was being done, for the message: `read`, `write`, `list`. */
export type S3Action = 'read' | 'write' | 'list';

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE']);
const BAD_CREDENTIALS = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken', 'TokenRefreshRequired', 'InvalidClientTokenId']);

interface AwsError {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * A ModuleError for a failed object-storage call: it names the URL, the endpoint and the fix.
 * Unreachable endpoints and server errors stay retryable; missing objects, refused credentials
 * and denied access do not (retrying cannot fix them).
 */
export function s3Error(error: unknown, action: S3Action, url: string, target: S3Target): Error {
  if (error instanceof ModuleError || (error as Error | undefined)?.name === 'AbortError') return error as Error;
  const e = (error ?? {}) as AwsError;
  const name = e.Code ?? e.name ?? '';
  const status = e.$metadata?.httpStatusCode;
  const code = errorCode(error) ?? '';
  const what = `cannot ${action} ${url}`;
  const cause = { cause: error };
  if (UNREACHABLE.has(code) || name === 'TimeoutError' || /connect|socket hang up|timed out/i.test(errorMessage(error)) && status === undefined) {
    return new ModuleError(`${what}: the object storage endpoint ${target.where} cannot be reached (${code || errorMessage(error)})`, {
      ...cause,
      hint: 'check s3_endpoint (or AWS_ENDPOINT_URL_S3) and that the service is up and reachable from this machine',
    });
  }
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(errorMessage(error))) {
    return new ModuleError(`${what}: no credentials for ${target.where}`, {
      ...cause,
      retryable: false,
      hint: 'set s3_access_key_id and s3_secret_access_key from secrets ("{{secret.s3_key_id}}"), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment',
    });
  }
  if (BAD_CREDENTIALS.has(name)) {
    return new ModuleError(`${what}: ${target.where} refused the credentials (${name})`, {
      ...cause,
      retryable: false,
      hint: 'check s3_access_key_id and s3_secret_access_key (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), and that s3_endpoint is the service the keys belong to',
    });
  }
  if (name === 'AccessDenied' || name === 'Forbidden' || status === 403) {
    // A HEAD answer has no body, so S3 cannot say which (the SDK names it Unknown): a wrong key id looks the same.
    const said = name && name !== 'Unknown' ? name : `HTTP ${status ?? 403}`;
    return new ModuleError(`${what}: ${target.where} denied access (${said}): the credentials are wrong or may not ${action} this bucket`, {
      ...cause,
      retryable: false,
      hint: `check s3_access_key_id and s3_secret_access_key, and that the bucket policy lets them ${action} the key`,
    });
  }
  if (name === 'NoSuchBucket') {
    return new ModuleError(`${what}: bucket ${bucketOf(url)} does not exist at ${target.where}`, { ...cause, retryable: false, hint: 'check the bucket name in the path, s3_endpoint and s3_region' });
  }
  if (name === 'NoSuchKey' || name === 'NotFound' || status === 404) {
    return new ModuleError(`${what}: no such object at ${target.where}`, { ...cause, retryable: false, hint: 'check the key in the path and the context values in it (keys are case-sensitive)' });
  }
  if (name === 'PreconditionFailed' || status === 412) {
    return new ModuleError(`${what}: the object changed while it was being read`, { ...cause, hint: 'run again once the object is no longer being replaced' });
  }
  return new ModuleError(`${what} at ${target.where}: ${name ? `${name}: ` : ''}${errorMessage(error)}`, {
    ...cause,
    retryable: status === undefined || status >= 500,
    hint: 'check the path, s3_endpoint and s3_region; a 5xx error is the service\'s own and may pass on a retry',
  });
}

function bucketOf(url: string): string {
  return url.replace(/^s3:\/\//, '').split('/')[0];
}
