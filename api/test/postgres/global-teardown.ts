// Stops the PostgreSQL server of global-setup.ts and removes its data.
export default async function globalTeardown(): Promise<void> {
  await globalThis.petstorePostgres?.dispose();
  globalThis.petstorePostgres = undefined;
}
