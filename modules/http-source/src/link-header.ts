/**
 * The target of the `rel="next"` link in a `Link` header (RFC 8288), e.g.
 * `<https://api.example.com/items?page=3>; rel="next", <…?page=9>; rel="last"`; undefined when
 * there is none. A relation may be one of several (`rel="next prefetch"`), quoted or not.
 */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const m of header.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+)*)/g)) {
    for (const param of m[2].split(';')) {
      const [name, raw] = param.split('=').map((s) => s?.trim());
      if (name?.toLowerCase() !== 'rel' || raw === undefined) continue;
      if (raw.replace(/^"|"$/g, '').toLowerCase().split(/\s+/).includes('next')) return m[1];
    }
  }
  return undefined;
}
