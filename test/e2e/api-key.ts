import { kubectl } from '../cluster/fixtures.ts';

/** The API key the operator generated for a PetStore (`<name>-api-keys`, first line), as a user fetches it. */
export async function apiKeyOf(namespace: string, petStore: string): Promise<string> {
  const encoded = await kubectl([
    '-n',
    namespace,
    'get',
    'secret',
    `${petStore}-api-keys`,
    '-o',
    'jsonpath={.data.keys}',
  ]);
  const key = Buffer.from(encoded.trim(), 'base64').toString('utf8').split('\n')[0] ?? '';
  if (!key) throw new Error(`Secret ${namespace}/${petStore}-api-keys holds no key`);
  return key;
}
