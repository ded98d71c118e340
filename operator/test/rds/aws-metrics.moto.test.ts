// petstore_operator_aws_requests_total's source against moto server: every AWS call the engine makes is reported with
// its operation and outcome code, an AWS refusal with the refusal's code, and nothing else (no parameters).
import { describe, expect, it } from '@jest/globals';
import type { AwsRequest } from '../../src/database/rds/aws-metrics.ts';
import { capturingLogger, manualClock, rdsPetStore, specOf } from './fixtures.ts';
import { useMotoRds } from './moto-rds.ts';

const moto = useMotoRds();

describe('AWS request metrics', () => {
  it('reports each call of the engine by service, operation and code', async () => {
    const requests: AwsRequest[] = [];
    const engine = moto.current.engine({ observeAwsRequest: (request) => requests.push(request) });
    const petStore = rdsPetStore({ name: 'metered' });
    const { log } = capturingLogger();
    await engine.resolve(petStore, specOf(petStore), { log, now: manualClock().now });
    // A new PetStore: the instance is not there yet (an expected answer, reported with its code), then created.
    expect(requests.slice(0, 2)).toEqual([
      { service: 'rds', operation: 'DescribeDBInstances', code: 'DBInstanceNotFound' },
      { service: 'rds', operation: 'CreateDBInstance', code: 'OK' },
    ]);
    expect(requests.every((r) => Object.keys(r).sort().join() === 'code,operation,service')).toBe(true);
  });

  it('reports an AWS refusal with its error code', async () => {
    const requests: AwsRequest[] = [];
    const engine = moto.current.engine({ observeAwsRequest: (request) => requests.push(request) });
    moto.current.proxy.inject('rds:DescribeDBInstances', 'access-denied', 1);
    const petStore = rdsPetStore({ name: 'refused' });
    const { log } = capturingLogger();
    await expect(engine.resolve(petStore, specOf(petStore), { log, now: manualClock().now })).rejects.toThrow();
    expect(requests[0]).toEqual({ service: 'rds', operation: 'DescribeDBInstances', code: 'AccessDenied' });
  });
});
