import { EntitySchema } from 'typeorm';

/** A user as the client writes it (the OpenAPI `User` schema); the password is write-only. */
export interface UserInput {
  username: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  password?: string;
  phone?: string;
  userStatus?: number;
}

/** A row of `users`: the password only as a scrypt hash, never returned. */
export interface UserRecord {
  id: number;
  username: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  userStatus: number | null;
  passwordHash: string;
  version: number;
}

export const UserEntity = new EntitySchema<UserRecord>({
  name: 'User',
  tableName: 'users',
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    username: { type: 'varchar', length: 64, unique: true },
    firstName: { name: 'first_name', type: 'varchar', length: 100, nullable: true },
    lastName: { name: 'last_name', type: 'varchar', length: 100, nullable: true },
    email: { type: 'varchar', length: 254, nullable: true },
    phone: { type: 'varchar', length: 32, nullable: true },
    userStatus: { name: 'user_status', type: 'integer', nullable: true },
    passwordHash: { name: 'password_hash', type: 'varchar', length: 200 },
    version: { type: 'integer' },
  },
});

/** The API representation of a stored user: no password, no hash, absent fields omitted. */
export function toUser({ passwordHash: _hash, version: _version, ...user }: UserRecord): object {
  return Object.fromEntries(Object.entries(user).filter(([, value]) => value !== null));
}
