import type { AppContext } from '../http/context.ts';
import { HttpProblem } from '../problem.ts';
import type { ApiKeyStore } from './api-key-store.ts';
import { apiKeyHeader } from './credentials.ts';

const realm = 'realm="petstore-api"';

/**
 * The check the router runs before an operation whose OpenAPI `security` asks for a key: 401 unless the request
 * presented a valid one. The answer is the same whatever the operation and whether its resource exists.
 */
export function requireApiKey(keys: ApiKeyStore): (ctx: AppContext) => void {
  return (ctx) => {
    if (!keys.required || ctx.state.client.keyId !== undefined) return;
    const { invalidKey } = ctx.state.client;
    throw new HttpProblem(
      401,
      invalidKey
        ? 'the API key is not valid'
        : `this operation needs an API key: send it in the ${apiKeyHeader} header or as Authorization: Bearer <key>`,
      {
        headers: {
          'WWW-Authenticate': `Bearer ${realm}${invalidKey ? ', error="invalid_token"' : ''}, ApiKey ${realm}, header="${apiKeyHeader}"`,
        },
      },
    );
  };
}
