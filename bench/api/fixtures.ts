/** The pet every scenario writes and reads, so the API and the baseline move the same JSON. */
export const pet = {
  name: 'Rex',
  category: { id: 1, name: 'Dogs' },
  photoUrls: ['https://img.example.com/rex.jpg'],
  tags: [{ id: 1, name: 'dog' }],
  status: 'available',
};

export const pageSize = 20;

/** The API key the benchmarked API accepts (API_KEYS); the writes send it, as a client would. */
export const apiKey = 'bench-key-0123456789abcdef';

/** What the two from-memory baselines (baseline-server.ts, koa-floor-server.ts) answer, as JSON text. */
export const responses = {
  pet: JSON.stringify({ id: 1, ...pet }),
  page: JSON.stringify(Array.from({ length: pageSize }, (_, i) => ({ id: i + 1, ...pet }))),
  health: JSON.stringify({ status: 'ok', version: '0.1.0' }),
};
