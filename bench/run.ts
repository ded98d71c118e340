// `npm run bench [-- <name>...]`: runs bench/<name>/run.ts for each name given (api, operator), or every benchmark
// present when none is given. Each runs in a process of its own, one after the other, so they never compete for CPU.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = (name: string) => fileURLToPath(new URL(`./${name}/run.ts`, import.meta.url));
const known = ['api', 'operator'];
const available = known.filter((name) => existsSync(entry(name)));
const wanted = process.argv.slice(2);

for (const name of wanted) {
  if (!available.includes(name)) {
    console.error(`unknown benchmark "${name}"; available: ${available.join(', ') || 'none'}`);
    process.exit(2);
  }
}
for (const name of wanted.length > 0 ? wanted : available) {
  console.log(`\n# benchmark: ${name}\n`);
  const { status } = spawnSync(process.execPath, [entry(name)], { stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
}
