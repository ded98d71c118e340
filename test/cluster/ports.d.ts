/**
 * Returns `count` distinct TCP ports that are free on 127.0.0.1 right now. The kernel picks them from its ephemeral
 * range, so two runs starting at the same moment get different ports (unlike a scan from a fixed start).
 */
export declare function freePorts(count: number): Promise<number[]>;
