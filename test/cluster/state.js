import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
/** Names the state file of a test run's cluster; the jest global setup sets it for every test worker. */
export const stateEnvVar = 'PETSTORE_CLUSTER_STATE';
const prefix = 'petstore-cluster-';
const stateFile = 'state.json';
const checkout = fileURLToPath(new URL('../..', import.meta.url));
/** The run directory of this checkout's long-lived cluster: `up` twice finds the same one. */
export function checkoutRunDir() {
    const id = createHash('sha256').update(checkout).digest('hex').slice(0, 8);
    return join(tmpdir(), `${prefix}${id}`);
}
/** A new, empty run directory for one test run. */
export function newRunDir() {
    return mkdtempSync(join(tmpdir(), `${prefix}run-`));
}
export function isRunDir(dir) {
    return basename(dir).startsWith(prefix);
}
export function readState(runDir) {
    const file = join(runDir, stateFile);
    return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}
export function writeState(state) {
    writeFileSync(join(state.runDir, stateFile), `${JSON.stringify(state, null, 2)}\n`);
}
export function statePath(runDir) {
    return join(runDir, stateFile);
}
/** Run directories of test runs whose owner process has exited (killed, or interrupted before its teardown). */
export function orphanedRunDirs(isAlive) {
    return readdirSync(tmpdir())
        .filter((name) => name.startsWith(prefix))
        .map((name) => join(tmpdir(), name))
        .filter((dir) => {
        try {
            const owner = readState(dir)?.ownerPid;
            return owner !== undefined && !isAlive(owner);
        }
        catch {
            return false;
        }
    });
}
//# sourceMappingURL=state.js.map