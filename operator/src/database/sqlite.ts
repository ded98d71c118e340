import { sqliteConnection } from '../spec/database-connection.ts';
import type { DatabaseEngine } from './engine.ts';

/** SQLite: a file in the pod's emptyDir, for development. Nothing to provision. */
export const sqliteEngine: DatabaseEngine = {
  resolve: () =>
    Promise.resolve({
      state: { ready: true, reason: 'Available', message: 'SQLite file in the pod (development only)' },
      connection: sqliteConnection,
    }),
};
