import { fileURLToPath } from 'node:url';
import { ClusterError } from "./errors.js";
import { CommandError, run } from "./processes.js";
export const binaryNames = [
    'kube-apiserver',
    'kube-controller-manager',
    'kube-scheduler',
    'kubectl',
    'etcd',
    'kwok',
    'kwokctl',
    'helm',
];
const provisionScript = fileURLToPath(new URL('provision-binaries.sh', import.meta.url));
const provisionTools = fileURLToPath(new URL('../../scripts/provision-tools.sh', import.meta.url));
/**
 * Resolves every cluster binary through provision-binaries.sh (PETSTORE_BIN_DIR, then the cache, then a download,
 * then a Go build). Its progress and, on failure, its one explanation go straight to our stderr.
 */
export async function provisionBinaries() {
    let stdout;
    try {
        stdout = await run('bash', [provisionScript], { stderr: 'inherit' });
    }
    catch (error) {
        if (!(error instanceof CommandError))
            throw error;
        throw new ClusterError('the local cluster cannot start without its binaries (the error above says how to provide them)', {
            reported: true,
        });
    }
    const paths = new Map(stdout
        .split('\n')
        .filter((line) => line.includes('='))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    const binaries = {};
    for (const name of binaryNames) {
        const path = paths.get(name);
        if (path === undefined)
            throw new ClusterError(`${provisionScript} did not report where ${name} is`);
        binaries[name] = path;
    }
    return binaries;
}
/**
 * The moto_server executable of the project's cached virtualenv (the pinned moto, not whichever one is on PATH);
 * scripts/provision-tools.sh creates the virtualenv on first use and is quick afterwards.
 */
export async function motoServerBinary() {
    const script = `eval "$(PETSTORE_TOOLS_ONLY=1 bash '${provisionTools}')" && command -v moto_server`;
    try {
        return (await run('bash', ['-c', script], { stderr: 'inherit' })).trim();
    }
    catch (error) {
        if (!(error instanceof CommandError))
            throw error;
        throw new ClusterError('moto_server (PyPI moto[server]) is not available: scripts/provision-tools.sh could not install it (see above); ' +
            'it needs python3 with venv and access to PyPI');
    }
}
//# sourceMappingURL=binaries.js.map