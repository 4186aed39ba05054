/**
 * How the file modules reach object storage for `s3://bucket/key` paths; their Config
 * interfaces extend it. Every field is optional: without them the AWS SDK's own defaults apply
 * (AWS_* environment variables, `~/.aws` profiles, instance roles).
 */
export interface S3Options {
  /**
   * Endpoint URL of an S3-compatible service for s3:// paths, e.g. "http://127.0.0.1:9000" (MinIO, Ceph, R2, ...); when left out, AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, else AWS S3 itself
   */
  s3_endpoint?: string;
  /**
   * Region of the bucket for s3:// paths; when left out, AWS_REGION or AWS_DEFAULT_REGION, else us-east-1
   */
  s3_region?: string;
  /**
   * Address buckets as http://endpoint/bucket/key instead of http://bucket.endpoint/key (most S3-compatible services need it); when left out, true with an endpoint set and false for AWS
   */
  s3_force_path_style?: boolean;
  /**
   * Access key id for s3:// paths, from a secret ("{{secret.s3_key_id}}"); when left out, AWS_ACCESS_KEY_ID or the AWS SDK's other sources (profiles, instance roles)
   * @secret
   */
  s3_access_key_id?: string;
  /**
   * Secret access key for s3:// paths, from a secret ("{{secret.s3_secret}}"); set together with s3_access_key_id
   * @secret
   */
  s3_secret_access_key?: string;
  /**
   * Session token of temporary credentials for s3:// paths, from a secret
   * @secret
   */
  s3_session_token?: string;
}

/** The settings a client is made from, every default settled; `endpoint` undefined means AWS. */
export interface ResolvedS3 {
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/**
 * S3Options with the environment and defaults applied. Problems a user made (a key id without
 * its secret, an endpoint that is not a URL) are listed, all of them, rather than thrown one by one.
 */
export function resolveS3(options: S3Options, env: NodeJS.ProcessEnv = process.env): { value: ResolvedS3; problems: string[] } {
  const problems: string[] = [];
  const endpoint = options.s3_endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  if (endpoint !== undefined && !/^https?:\/\/[^/]+/.test(endpoint)) problems.push(`s3_endpoint ${JSON.stringify(endpoint)} is not an http:// or https:// URL`);
  const region = options.s3_region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const id = options.s3_access_key_id;
  const secret = options.s3_secret_access_key;
  if ((id === undefined) !== (secret === undefined)) problems.push(`s3_access_key_id and s3_secret_access_key go together: ${id === undefined ? 's3_access_key_id' : 's3_secret_access_key'} is missing`);
  const credentials = id !== undefined && secret !== undefined ? { accessKeyId: id, secretAccessKey: secret, ...(options.s3_session_token ? { sessionToken: options.s3_session_token } : {}) } : undefined;
  return { value: { endpoint, region, forcePathStyle: options.s3_force_path_style ?? endpoint !== undefined, credentials }, problems };
}

/** Where requests go, for messages: the endpoint, or AWS S3 in the region. Never shows a credential. */
export function describeEndpoint(s3: ResolvedS3): string {
  return s3.endpoint ?? `AWS S3 (${s3.region})`;
}

/** Parts of this size are sent as they fill; two at a time, so a write holds at most ~3 parts in memory. */
export const PART_BYTES = 8 * 1024 * 1024;
