// Every object the declared workflow wants for each example in examples/ (controller/dependents.ts, in its order), compared with a committed YAML file per example.
// After an intended change: UPDATE_GOLDEN=1 npm test -- operator/test/builders.golden.test.ts, then review the diff.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { stringify } from 'yaml';
import { postgresConnection, sqliteConnection } from '../src/spec/database-connection.ts';
import { desiredObjects } from '../src/controller/desired-objects.ts';
import { builtinDefaults } from '../src/spec/operator-defaults.ts';
import { resolveSpec } from '../src/spec/resolved-spec.ts';
import { toWire } from '../src/k8s/wire.ts';
import { exampleApiKey } from './builders/inputs.ts';
import { examplePetStores } from './examples.ts';

const connections = {
  sqlite: sqliteConnection,
  external: postgresConnection('postgres://petstore:example-password@postgres.databases.svc:5432/petstore'),
  rds: postgresConnection('postgres://petstore:example-password@shop.abc123.us-west-2.rds.amazonaws.com:5432/petstore'),
};

describe('builders produce the committed golden YAML', () => {
  it.each(examplePetStores())('for examples/$file', ({ file, petStore }) => {
    const spec = resolveSpec(petStore, builtinDefaults);
    const inputs = { petStore, spec, connection: connections[spec.database.engine], generatedApiKey: exampleApiKey };
    const children = desiredObjects(inputs, { namespace: 'pets', members: [{ petStore, spec }] });
    const rendered = children.map((child) => stringify(toWire(child), { sortMapEntries: false })).join('---\n');
    const golden = path.join(import.meta.dirname, 'golden', file);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, rendered);
    expect(rendered).toEqual(readFileSync(golden, 'utf8'));
  });
});
