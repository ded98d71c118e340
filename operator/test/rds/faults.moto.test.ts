// AWS faults injected by a proxy in front of moto server: throttling and 5xx are retried (by the SDK, then by the
// workqueue after a hold) without duplicates; access denied is permanent with a clear message.
import { describe, expect, it } from '@jest/globals';
import type { PetStore } from '../../src/api/v1alpha1/petstore.ts';
import { isPermanentError } from '../../src/runtime/errors.ts';
import { AwsRequestRefusedError, type RdsDatabase } from '../../src/database/rds/index.ts';
import { capturingLogger, manualClock, rdsPetStore, specOf, rejection } from './fixtures.ts';
import { useMotoRds, undeclaredActions } from './moto-rds.ts';

const moto = useMotoRds();

const { log } = capturingLogger();
const clock = manualClock();
const ctx = { log, now: clock.now };
const look = (engine: RdsDatabase, petStore: PetStore) => engine.resolve(petStore, specOf(petStore), ctx);

describe('throttling and server errors', () => {
  it('are absorbed by the SDK’s retries when they pass within one call', async () => {
    const petStore = rdsPetStore({ name: 'throttled' });
    moto.current.proxy.inject('rds:DescribeDBInstances', 'throttle', 1);
    moto.current.proxy.inject('rds:CreateDBInstance', 'server-error', 1);
    const before = moto.current.proxy.requests.length;
    const resolved = await look(moto.current.engine(), petStore);
    expect(resolved.state.instanceIdentifier).toBeDefined();
    expect(moto.current.proxy.requests.slice(before).map((r) => `${r.action} ${String(r.status)}`)).toEqual([
      'rds:DescribeDBInstances 400',
      'rds:DescribeDBInstances 404',
      'rds:CreateDBInstance 500',
      'rds:CreateDBInstance 200',
    ]);
    expect(await moto.current.instancesOf(petStore)).toHaveLength(1);
  });

  it('outlasting the SDK’s retries fail the pass as temporary, hold AWS off, then succeed with exactly one instance', async () => {
    const petStore = rdsPetStore({ name: 'storm' });
    const engine = moto.current.engine();
    moto.current.proxy.inject('*', 'throttle', 3);
    moto.current.proxy.inject('rds:CreateDBInstance', 'server-error', 2);
    const first = await rejection(look(engine, petStore));
    expect(isPermanentError(first)).toBe(false);
    expect(first.message).toMatch(
      /^rds:DescribeDBInstances on instance petstore-pets-storm-\w+ failed \(ThrottlingException\): Rate exceeded$/,
    );

    // The workqueue retries sooner than the hold: AWS is not asked, the same error is reported.
    const held = moto.current.proxy.requests.length;
    expect(await rejection(look(engine, petStore))).toBe(first);
    expect(moto.current.proxy.requests.length).toBe(held);

    clock.advance(1000);
    const resolved = await look(engine, petStore);
    expect(resolved.state.instanceIdentifier).toBeDefined();
    expect(await moto.current.instancesOf(petStore)).toHaveLength(1);
  });
});

describe('access denied', () => {
  it('on CreateDBInstance is permanent (Stalled), names the action, the AWS code and message, and the policy to attach; nothing is created', async () => {
    const petStore = rdsPetStore({ name: 'denied' });
    moto.current.proxy.inject('rds:CreateDBInstance', 'access-denied', 3);
    const error = await rejection(look(moto.current.engine(), petStore));
    expect(isPermanentError(error)).toBe(true);
    expect(error).toBeInstanceOf(AwsRequestRefusedError);
    expect(error.message).toMatch(
      /^AWS denied rds:CreateDBInstance on instance petstore-pets-denied-\w+ \(AccessDenied\): User: the operator's IAM role is not authorized to perform: rds:CreateDBInstance .*\. The operator's IAM role needs the policy in operator\/iam\/aws-policy\.json/,
    );
    expect(
      moto.current.proxy.requests.filter((r) => r.action === 'rds:CreateDBInstance' && r.fault === 'access-denied'),
    ).toHaveLength(1);
    expect(error.message).not.toMatch(/123456789012|assumed-role/); // the role and account stay out of status
    expect(await moto.current.instancesOf(petStore)).toHaveLength(0);
    moto.current.proxy.clear();
  });

  it('on reading the secret is permanent too, with the Secrets Manager code', async () => {
    const petStore = rdsPetStore({ name: 'secret-denied' });
    const engine = moto.current.engine();
    const created = await look(engine, petStore);
    clock.advance(created.state.requeueAfterMs ?? 0);
    moto.current.proxy.inject('secretsmanager:GetSecretValue', 'access-denied', 1);
    const error = await rejection(look(engine, petStore));
    expect(isPermanentError(error)).toBe(true);
    expect(error.message).toMatch(
      /^AWS denied secretsmanager:GetSecretValue on secret arn:aws:secretsmanager:.*rds!db-.* \(AccessDeniedException\)/,
    );
  });
});

it('sends only AWS actions the IAM policy test checks (awsActions)', () => {
  expect(moto.current.proxy.requests.length).toBeGreaterThan(0);
  expect(undeclaredActions(moto.current.proxy)).toEqual([]);
});
