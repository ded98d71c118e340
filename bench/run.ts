// `npm run bench [-- <name>...]`: runs the benchmark of each name given (api, operator, operator-pod), or api and
// operator when none is given. Each runs in a process of its own, one after the other, so they never compete for CPU.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// operator-pod runs the operator as a pod on the real node (root, and the machine's one real node): only when named.
const entries: Record<string, string> = {
  api: 'api/run.ts',
  operator: 'operator/run.ts',
  'operator-pod': 'operator/pod.ts',
};
const entry = (name: string) => fileURLToPath(new URL(`./${entries[name]}`, import.meta.url));
const available = Object.keys(entries).filter((name) => existsSync(entry(name)));
const byDefault = available.filter((name) => name !== 'operator-pod');
const wanted = process.argv.slice(2);

for (const name of wanted) {
  if (!available.includes(name)) {
    console.error(`unknown benchmark "${name}"; available: ${available.join(', ') || 'none'}`);
    process.exit(2);
  }
}
for (const name of wanted.length > 0 ? wanted : byDefault) {
  console.log(`\n# benchmark: ${name}\n`);
  const { status } = spawnSync(process.execPath, [entry(name)], { stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
}
