import { createServer } from 'node:net';
/**
 * Returns `count` distinct TCP ports that are free on 127.0.0.1 right now. The kernel picks them from its ephemeral
 * range, so two runs starting at the same moment get different ports (unlike a scan from a fixed start).
 */
export async function freePorts(count) {
    const servers = [];
    try {
        for (let i = 0; i < count; i++) {
            const server = createServer();
            servers.push(server);
            await new Promise((resolve, reject) => {
                server.once('error', reject);
                server.listen(0, '127.0.0.1', resolve);
            });
        }
        return servers.map((server) => {
            const address = server.address();
            if (address === null || typeof address === 'string')
                throw new Error('a TCP server has no port');
            return address.port;
        });
    }
    finally {
        await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    }
}
//# sourceMappingURL=ports.js.map