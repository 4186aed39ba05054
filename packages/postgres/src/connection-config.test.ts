import { describe, expect, it } from 'vitest';
import { CONNECTION_DEFAULTS, connectionConfig, describeConnection } from './connection-config.js';

describe('connectionConfig', () => {
  it('reads user, password, host, port, database and sslmode from a postgres:// URL', () => {
    expect(connectionConfig('postgresql://ann:p%40ss@db.local:6543/sales?sslmode=require')).toEqual({ ...CONNECTION_DEFAULTS, host: 'db.local', port: 6543, user: 'ann', password: 'p@ss', database: 'sales', ssl: true });
    expect(connectionConfig('postgres://127.0.0.1/test')).toEqual({ ...CONNECTION_DEFAULTS, host: '127.0.0.1', database: 'test' });
    expect(connectionConfig('postgres://[::1]:5433/test?sslmode=prefer&application_name=x')).toMatchObject({ host: '::1', port: 5433, ssl: false });
    expect(connectionConfig('postgres://u@h/db?ssl=true').ssl).toBe(true);
  });

  it('fills the defaults into connection fields, which win over them', () => {
    expect(connectionConfig({ database: 'd' })).toEqual({ ...CONNECTION_DEFAULTS, database: 'd' });
    expect(connectionConfig({ database: 'd', port: 1, ssl: true })).toMatchObject({ host: '127.0.0.1', port: 1, ssl: true });
  });

  it('says what is wrong with a URL and how to write it, without showing its password', () => {
    expect(() => connectionConfig('mysql://x/y')).toThrow('a PostgreSQL URL starts with postgres:// or postgresql://, not mysql:// (write postgres://user@host:5432/database)');
    expect(() => connectionConfig('postgres://host')).toThrow(/names no database/);
    expect(() => connectionConfig('ann:secret@db/sales')).toThrow('"ann:***@db/sales" is not a PostgreSQL URL (write postgres://user@host:5432/database)');
    expect(() => connectionConfig('postgres://ann:secret@db:port/sales')).toThrow(/^"postgres:\/\/ann:\*\*\*@db:port\/sales" is not a PostgreSQL URL/);
  });
});

describe('describeConnection', () => {
  it('shows where a connection goes, never its password', () => {
    expect(describeConnection('postgres://ann:secret@db.local/sales')).toBe('postgres://ann@db.local:5432/sales');
    expect(describeConnection({ database: 'test' })).toBe('postgres://postgres@127.0.0.1:5432/test');
  });
});
