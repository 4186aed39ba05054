import { errorCode } from '@pypeline/sdk';

/** Why a request got no answer, and what to do about it: said in words, with the system code. */
export interface FetchFailure {
  /** e.g. `connection refused (ECONNREFUSED)`. */
  reason: string;
  /** The fix, naming the host. */
  hint: string;
}

/** Reads what `fetch` threw (undici puts the system error in `cause`). */
export function describeFetchFailure(error: unknown, url: string, timeoutMs: number): FetchFailure {
  const err = error as Error & { cause?: unknown };
  const host = hostOf(url);
  if (err?.name === 'TimeoutError') {
    return { reason: `no answer within ${timeoutMs / 1000} s`, hint: `check that ${host} answers, or raise timeout` };
  }
  const code = errorCode(err?.cause) ?? errorCode(err);
  const cause = (err?.cause as Error | undefined)?.message ?? err?.message ?? String(error);
  switch (code) {
    case 'ECONNREFUSED':
      return { reason: 'connection refused (ECONNREFUSED)', hint: `nothing listens at ${host}: start the server, or fix the host and port in url` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { reason: `host name not found (${code})`, hint: `check the host name in url (${host}) and the machine's DNS` };
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return { reason: `the connection was closed before an answer (${code})`, hint: `check that ${host} is up and speaks HTTP at that port` };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { reason: `${host} cannot be reached (${code})`, hint: `check the network path to ${host}, or the host in url` };
    default:
      return { reason: code ? `${cause} (${code})` : cause, hint: `check that ${host} is up and that url is right` };
  }
}

/** `host:port` of a URL for messages (never its credentials or query). */
export function hostOf(url: string): string {
  try {
    const u = new URL(url);
    return u.port ? `${u.hostname}:${u.port}` : `${u.hostname} (port ${u.protocol === 'https:' ? 443 : 80})`;
  } catch {
    return url;
  }
}
