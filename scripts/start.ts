// `npm start`: the local quickstart on the embedded default. For now: the API on SQLite at http://127.0.0.1:8080/api/v1.
await import('../api/src/main.ts');
