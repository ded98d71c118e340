// operator/iam/aws-policy.json: the operator may touch only the RDS instances, snapshots and master secrets it owns.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { repoRoot } from './tools.ts';

interface Statement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

const policy = JSON.parse(readFileSync(path.join(repoRoot, 'operator/iam/aws-policy.json'), 'utf8')) as {
  Version: string;
  Statement: Statement[];
};
const list = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);
const allows = policy.Statement.filter((statement) => statement.Effect === 'Allow');
/** Allow statements that grant the action on a resource ARN containing the fragment. */
const grants = (action: string, resourceFragment: string): Statement[] =>
  allows.filter(
    (s) => list(s.Action).includes(action) && list(s.Resource).some((resource) => resource.includes(resourceFragment)),
  );

describe('the operator IAM policy', () => {
  it('is an IAM policy document with a unique Sid per statement', () => {
    expect(policy.Version).toBe('2012-10-17');
    const sids = policy.Statement.map((statement) => statement.Sid);
    expect(new Set(sids).size).toBe(sids.length);
  });

  it('names every action: no wildcard actions', () => {
    const wildcards = policy.Statement.flatMap((statement) => list(statement.Action)).filter((action) =>
      action.includes('*'),
    );
    expect(wildcards).toEqual([]);
  });

  it('allows "*" resources for read-only describe calls only', () => {
    const broad = allows.filter((s) => list(s.Resource).includes('*')).flatMap((s) => list(s.Action));
    for (const action of broad) expect(action).toMatch(/^rds:Describe/);
  });

  it('creates only encrypted PostgreSQL instances tagged managed-by=petstore-operator with the required tags', () => {
    const [create, ...others] = grants('rds:CreateDBInstance', ':db:');
    expect(others).toEqual([]);
    expect(create?.Condition).toMatchObject({
      StringEquals: {
        'aws:RequestTag/managed-by': 'petstore-operator',
        'aws:RequestTag/Application': 'pet-store',
        'rds:DatabaseEngine': 'postgres',
      },
      Null: {
        'aws:RequestTag/Environment': 'false',
        'aws:RequestTag/Owner': 'false',
        'aws:RequestTag/Cost-Center': 'false',
      },
      Bool: { 'rds:ManageMasterUserPassword': 'true', 'rds:StorageEncrypted': 'true' },
    });
  });

  it('creates instances only in the subnet groups and parameter groups Terraform made (pet-store-*)', () => {
    const resources = grants('rds:CreateDBInstance', ':subgrp:').flatMap((s) => list(s.Resource));
    expect(resources.filter((r) => r.includes(':subgrp:'))).toEqual([
      'arn:aws:rds:${Region}:${Account}:subgrp:pet-store-*',
    ]);
  });

  it.each(['rds:ModifyDBInstance', 'rds:DeleteDBInstance', 'rds:RebootDBInstance'])(
    'allows %s only on instances tagged as its own',
    (action) => {
      const statements = grants(action, ':db:');
      expect(statements.length).toBeGreaterThan(0);
      for (const statement of statements)
        expect(statement.Condition?.StringEquals?.['aws:ResourceTag/managed-by']).toBe('petstore-operator');
    },
  );

  it('writes and deletes only snapshots named petstore-*, and deletes only its own', () => {
    const snapshotResources = allows.flatMap((s) => list(s.Resource)).filter((r) => r.includes(':snapshot:'));
    for (const resource of snapshotResources.filter((r) => !r.endsWith(':snapshot:*')))
      expect(resource).toBe('arn:aws:rds:${Region}:${Account}:snapshot:petstore-*');
    expect(grants('rds:CreateDBSnapshot', ':snapshot:petstore-*').length).toBe(1);
    const [remove] = grants('rds:DeleteDBSnapshot', ':snapshot:');
    expect(list(remove!.Resource)).toEqual(['arn:aws:rds:${Region}:${Account}:snapshot:petstore-*']);
    expect(remove?.Condition?.StringEquals?.['aws:ResourceTag/managed-by']).toBe('petstore-operator');
  });

  it('tags only with its own tag keys and never drops the ownership tag', () => {
    for (const statement of allows.filter((s) =>
      list(s.Action).some((a) => a.endsWith('TagsToResource') || a.endsWith('TagsFromResource')),
    )) {
      const keys = statement.Condition?.['ForAllValues:StringLike']?.['aws:TagKeys'];
      expect(keys).toEqual(expect.arrayContaining(['Environment', 'Owner', 'Cost-Center']));
      if (list(statement.Action).includes('rds:RemoveTagsFromResource')) expect(keys).not.toContain('managed-by');
    }
  });

  it('acts only on instances and snapshots of its own cluster (the eks-cluster-name tag of its Pod Identity session)', () => {
    const cluster = '${aws:PrincipalTag/eks-cluster-name}';
    // Exempt: reading tags, and naming the new final snapshot (the instance it comes from needs an owned-instance grant).
    const exempt = ['ListTagsOfDatabases', 'WriteFinalSnapshotsByName'];
    const scoped = allows.filter(
      (s) => !exempt.includes(s.Sid) && list(s.Resource).some((r) => r.endsWith(':db:*') || r.includes(':snapshot:')),
    );
    expect(scoped.length).toBeGreaterThan(3);
    for (const statement of scoped) {
      const conditions = JSON.stringify(statement.Condition ?? {});
      expect([
        statement.Sid,
        conditions.includes(`"aws:RequestTag/petstore.example.com/cluster":"${cluster}"`) ||
          conditions.includes(`"aws:ResourceTag/petstore.example.com/cluster":"${cluster}"`) ||
          // An administrator's grant names the cluster first: <cluster>/<namespace>/<name>.
          conditions.includes(`"aws:ResourceTag/petstore.example.com/restorable-by":"${cluster}/*"`),
      ]).toEqual([statement.Sid, true]);
    }
  });

  it('has no IfExists escape: a missing tag never counts as a match', () => {
    expect(JSON.stringify(policy)).not.toMatch(/IfExists/);
  });

  it('names the region and account in every ARN (Terraform replaces ${Region} and ${Account})', () => {
    const arns = policy.Statement.flatMap((s) => list(s.Resource)).filter((r) => r !== '*');
    for (const arn of arns) expect(arn).toMatch(/^arn:aws:[a-z]+:(\$\{Region\})?:\$\{Account\}:/);
  });

  it('tags an instance only when it is its own, granted by an administrator, or being created under its own name', () => {
    const cluster = '${aws:PrincipalTag/eks-cluster-name}';
    for (const statement of grants('rds:AddTagsToResource', ':db:')) {
      const c = statement.Condition ?? {};
      const own = c.StringEquals?.['aws:ResourceTag/petstore.example.com/cluster'] === cluster;
      const granted = c.StringLike?.['aws:ResourceTag/petstore.example.com/adoptable-by'] === `${cluster}/*`;
      const creating =
        c.Null?.['aws:ResourceTag/managed-by'] === 'true' &&
        list(statement.Resource).every((r) => r.endsWith(':db:petstore-*') || r.endsWith(':snapshot:petstore-*'));
      expect([statement.Sid, own || granted || creating]).toEqual([statement.Sid, true]);
    }
  });

  it('never writes the adoption or restore grants itself', () => {
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: ['rds:AddTagsToResource', 'rds:RemoveTagsFromResource'],
        Condition: {
          'ForAnyValue:StringEquals': {
            'aws:TagKeys': ['petstore.example.com/adoptable-by', 'petstore.example.com/restorable-by'],
          },
        },
      }),
    );
  });

  it('reads only the RDS-managed master secrets (rds!db-*) of instances it created or was granted', () => {
    const secrets = allows.filter((s) => list(s.Action).some((a) => a.startsWith('secretsmanager:')));
    expect([...new Set(secrets.flatMap((s) => list(s.Resource)))]).toEqual([
      'arn:aws:secretsmanager:${Region}:${Account}:secret:rds!db-*',
    ]);
    const readers = secrets.filter((s) => list(s.Action).includes('secretsmanager:GetSecretValue'));
    expect(readers.length).toBeGreaterThan(0);
    for (const reader of readers) expect(Object.keys(reader.Condition?.StringLike ?? {})).toHaveLength(1);
  });

  it('uses KMS keys only through RDS and Secrets Manager', () => {
    for (const statement of allows.filter((s) => list(s.Action).some((a) => a.startsWith('kms:')))) {
      expect(statement.Condition?.StringLike?.['kms:ViaService']).toEqual([
        'rds.*.amazonaws.com',
        'secretsmanager.*.amazonaws.com',
      ]);
    }
  });

  it('denies unencrypted storage and turning RDS password management off, whatever else is attached', () => {
    const denies = policy.Statement.filter((s) => s.Effect === 'Deny');
    expect(denies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Condition: { Bool: { 'rds:StorageEncrypted': 'false' } } }),
        expect.objectContaining({
          Action: ['rds:CreateDBInstance', 'rds:ModifyDBInstance'],
          Condition: { Bool: { 'rds:ManageMasterUserPassword': 'false' } },
        }),
      ]),
    );
  });
});
