// `node scripts/build-operator.ts`: the operator as the image runs it, one bundle in operator/dist/bundle/ (main.js,
// and a chunk for each dynamic import: the AWS SDK loads only with engine rds). Dockerfile.operator runs this after
// `tsc -b operator` (which type-checks); the operator benchmark runs the same bundle under the chart's memory limit.
//
// Why a bundle: V8 keeps the source text of every module it loaded. @kubernetes/client-node's entry point loads every
// generated API and model, 25 MB of JavaScript, about 20 MiB of heap before the first object is cached (a fifth of the
// chart's 128Mi). Bundling keeps the code the operator can reach, without comments.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
export const operatorBundle = path.join(root, 'operator/dist/bundle/main.js');

export async function buildOperator(): Promise<string> {
  const outdir = path.dirname(operatorBundle);
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: [path.join(root, 'operator/src/main.ts')],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    // Identifiers stay readable in stack traces; whitespace and dead branches go (less source text kept by V8).
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    // Some dependencies are CommonJS and call require() for Node's built-in modules.
    banner: {
      js: [
        "import { createRequire as __createRequire } from 'node:module';",
        'const require = __createRequire(import.meta.url);',
      ].join(' '),
    },
    logLevel: 'warning',
  });
  return operatorBundle;
}

if (import.meta.main) process.stdout.write(`${await buildOperator()}\n`);
