/** A command that exited non-zero; the message carries its stderr, which is what explains the failure. */
export declare class CommandError extends Error {
    readonly exitCode: number | null;
    readonly stderr: string;
    constructor(command: string, exitCode: number | null, stderr: string);
}
export interface RunOptions {
    env?: NodeJS.ProcessEnv;
    /** Written to the command's stdin. */
    input?: string;
    /** Where stderr goes: captured into the error (default) or passed through to ours (long builds show progress). */
    stderr?: 'capture' | 'inherit';
}
/** Runs a command to completion and resolves with its stdout; rejects with a CommandError carrying its stderr. */
export declare function run(file: string, args: readonly string[], options?: RunOptions): Promise<string>;
/**
 * Starts a long-running process in its own session (so a Ctrl-C in the terminal that started it does not stop it),
 * with stdout and stderr appended to `logFile`, and returns its pid once it has been spawned.
 */
export declare function spawnDetached(file: string, args: readonly string[], logFile: string, env?: NodeJS.ProcessEnv): Promise<number>;
/** Whether `pid` is a live process (a zombie waiting to be reaped counts as gone). */
export declare function isAlive(pid: number): boolean;
/**
 * Stops a process: SIGTERM, then SIGKILL when it is still running after `graceMs`. Resolves once it is gone, so
 * callers can reuse its port or data directory at once.
 */
export declare function stopProcess(pid: number, graceMs?: number): Promise<void>;
