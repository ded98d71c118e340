// The floor of the API's framework: Koa answering the benchmarked routes with the same JSON as baseline-server.ts, from
// memory, with nothing of the API's own (no logging, metrics, validation, authentication, rate limit or database).
// `--router` adds @koa/router with the API's own route table (every path of its OpenAPI document under /api/v1, all
// of Node's methods, allowedMethods() after it), routed as api/src/http/openapi-router.ts does. Koa and @koa/router are
// fixed by the product owner, so what this server costs is the least any request to the API can cost.
// `PORT=<port> node koa-floor-server.ts [--router]`.
import { createServer, METHODS } from 'node:http';
import { Router } from '@koa/router';
import Koa, { type Context } from 'koa';
import { openApiDocument } from '../../api/src/openapi/document.ts';
import { httpMethods } from '../../api/src/openapi/types.ts';
import { responses } from './fixtures.ts';

const { pet: one, page, health } = responses;
let nextId = 1;

const answer = async (ctx: Context) => {
  ctx.type = 'application/json';
  if (ctx.method === 'POST') {
    let body = '';
    for await (const chunk of ctx.req) body += (chunk as Buffer).toString();
    const id = nextId++;
    ctx.status = 201;
    ctx.set('Location', `/api/v1/pets/${id}`);
    ctx.body = JSON.stringify({ id, ...(JSON.parse(body) as object) });
  } else if (ctx.path === '/api/v1/pets') ctx.body = page;
  else if (ctx.path.startsWith('/api/v1/pets/')) {
    ctx.set('ETag', '"1"');
    ctx.body = one;
  } else ctx.body = health;
};

const app = new Koa();
if (process.argv.includes('--router')) {
  const document = openApiDocument({ apiVersion: '0.1.0', paginationLimit: 100 });
  const router = new Router({ prefix: document.servers[0].url, methods: METHODS });
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of httpMethods) {
      if (item[method]) router[method](path.replace(/{(\w+)}/g, ':$1'), answer);
    }
  }
  app.use(router.routes()).use(router.allowedMethods());
} else {
  app.use(answer);
}
const handle = app.callback();
const server = createServer((req, res) => void handle(req, res));
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
