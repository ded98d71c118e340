// Regenerates every artifact derived from a single source, or with --check fails when a committed copy drifted.
// Sources: crds/ (the PetStore CRD) and operator/src/permissions.ts (RBAC). Generated: the TypeScript types, the
// chart's and config/'s CRD copies, the chart's RBAC rules and config/rbac/role.yaml.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generatedArtifacts } from './generated-artifacts.ts';

const check = process.argv.includes('--check');
let drifted = 0;
for (const artifact of await generatedArtifacts()) {
  const current = await readFile(artifact.path, 'utf8').catch(() => '');
  if (current === artifact.content) continue;
  if (check) {
    drifted++;
    console.error(`${artifact.path} is out of date with ${artifact.source}: run \`node scripts/generate.ts\``);
  } else {
    await mkdir(path.dirname(artifact.path), { recursive: true });
    await writeFile(artifact.path, artifact.content);
    console.log(`wrote ${artifact.path}`);
  }
}
process.exitCode = drifted > 0 ? 1 : 0;
