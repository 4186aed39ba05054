/** A broker URL safe for logs and error messages: any password is replaced by `***`. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
