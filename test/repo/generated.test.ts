// One source of truth per artifact: every generated copy must match what scripts/generate.ts makes from its source.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { generatedArtifacts, repoRoot } from '../../scripts/generated-artifacts.ts';

const artifacts = await generatedArtifacts();

describe('generated files match their single source', () => {
  it.each(artifacts.map((a) => [a.path, a] as const))('%s', (_path, artifact) => {
    const committed = readFileSync(path.join(repoRoot, artifact.path), 'utf8');
    // On failure: run `node scripts/generate.ts` and commit the result.
    expect(committed).toEqual(artifact.content);
  });
});
