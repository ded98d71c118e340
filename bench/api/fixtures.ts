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
