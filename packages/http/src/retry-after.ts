/**
 * The wait a `Retry-After` header asks for, in ms: delay-seconds (`120`) or an HTTP date
 * (`Wed, 21 Oct 2015 07:28:00 GMT`, counted from `now`; a date in the past is 0). Undefined when
 * the header is absent or neither form (RFC 9110, section 10.2.3).
 */
export function retryAfterMs(header: string | null | undefined, now: number = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // Date.parse also takes ISO and other forms; only the IMF-fixdate and obsolete forms have a weekday or GMT.
  if (!/GMT$|^[A-Za-z]{3,9},/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
