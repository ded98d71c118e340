import { describe, expect, it } from '@jest/globals';
import { postgresConnection } from '../../spec/database-connection.ts';
import { parseMasterSecret, rdsConnection } from './credentials.ts';

const arn = 'arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-1';
const endpoint = { host: 'petstore-pets-shop-1a2b3c4d.abc.us-west-2.rds.amazonaws.com', port: 5432 };

describe('rdsConnection', () => {
  it('builds a URL the Secret builder and the API parse back into the same parts, whatever the password holds', () => {
    const credentials = { username: 'petstore', password: 'p@ss:w/rd?#%&=+ "é' };
    const connection = rdsConnection(credentials, endpoint, 'petstore', 'require');
    expect(connection.url).toMatch(
      /^postgres:\/\/petstore:[^@]+@petstore-pets-shop-1a2b3c4d\.abc\.us-west-2\.rds\.amazonaws\.com:5432\/petstore\?sslmode=require$/,
    );
    expect(postgresConnection(connection.url).postgres).toEqual({ ...credentials, ...endpoint, dbname: 'petstore' });
    expect(connection.postgres).toEqual({ ...credentials, ...endpoint, dbname: 'petstore' });
  });
});

describe('parseMasterSecret', () => {
  it('reads the {username, password} JSON RDS stores', () => {
    expect(parseMasterSecret('{"username":"petstore","password":"s3cret"}', arn)).toEqual({
      username: 'petstore',
      password: 's3cret',
    });
  });

  it.each([
    ['no value', undefined, /has no SecretString/],
    ['not JSON', 'hunter2', /is not JSON/],
    ['no password', '{"username":"petstore"}', /lacks a username or password/],
  ])('names the secret but never its content when it holds %s', (_case, value, message) => {
    let error: unknown;
    try {
      parseMasterSecret(value, arn);
    } catch (caught) {
      error = caught;
    }
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(arn);
    expect((error as Error).message).not.toContain('hunter2');
  });
});
