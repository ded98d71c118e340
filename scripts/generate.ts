// Regenerates every artifact derived from a single source, or with --check fails when a committed copy drifted.
// Sources: crds/ (the PetStore CRD). Generated: operator/src/api/v1alpha1/petstore.generated.ts.
import { readFile, writeFile } from 'node:fs/promises';
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
    await writeFile(artifact.path, artifact.content);
    console.log(`wrote ${artifact.path}`);
  }
}
process.exitCode = drifted > 0 ? 1 : 0;
