import { describe, expect, it } from 'vitest';
import { parseRedisUrl, safeRedisUrl } from './redis-url.js';

describe('parseRedisUrl', () => {
  it('reads host, port, credentials, database and TLS', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379')).toEqual({ host: '127.0.0.1', port: 6379 });
    expect(parseRedisUrl('rediss://u:p%40ss@cache.example:6380/2')).toEqual({ host: 'cache.example', port: 6380, username: 'u', password: 'p@ss', db: 2, tls: {} });
    expect(parseRedisUrl('redis://:pw@h')).toMatchObject({ host: 'h', port: 6379, password: 'pw' });
  });

  it('refuses what is not a redis URL, with the fix', () => {
    expect(() => parseRedisUrl('127.0.0.1:6379')).toThrow(/not a URL/);
    expect(() => parseRedisUrl('http://h:1')).toThrow(/expected a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => parseRedisUrl('redis://h/x')).toThrow(/database must be a number/);
  });

  it('never shows the password', () => {
    expect(safeRedisUrl('redis://u:secret@h:1/0')).toBe('redis://u:***@h:1/0');
    expect(() => parseRedisUrl('ftp://u:secret@h')).toThrow(/\*\*\*/);
  });
});
