// The baseline: a bare node:http server answering the benchmarked routes with the same JSON as the API, from memory
// (no framework, no validation, no database, no logging). `PORT=<port> node baseline-server.ts`.
import { createServer } from 'node:http';
import { responses } from './fixtures.ts';

const { pet: one, page, health } = responses;
let nextId = 1;

const server = createServer((req, res) => {
  const send = (status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
    res.end(body);
  };
  if (req.method === 'POST') {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const id = nextId++;
      send(201, JSON.stringify({ id, ...(JSON.parse(body) as object) }), { Location: `/api/v1/pets/${id}` });
    });
  } else if (req.url?.startsWith('/api/v1/pets?')) send(200, page);
  else if (req.url?.startsWith('/api/v1/pets/')) send(200, one, { ETag: '"1"' });
  else send(200, health);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
