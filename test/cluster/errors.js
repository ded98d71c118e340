/**
 * A failure the user can fix (a missing tool, a component that did not start): its message says what to do, and it
 * prints without a stack trace because the stack would only hide that message.
 */
export class ClusterError extends Error {
    /** The explanation is already on stderr (a script we ran printed it), so the CLI prints nothing more. */
    reported;
    constructor(message, options = {}) {
        super(message, options);
        this.name = 'ClusterError';
        this.stack = `${this.name}: ${message}`;
        this.reported = options.reported ?? false;
    }
}
//# sourceMappingURL=errors.js.map