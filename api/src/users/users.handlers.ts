import type { DataSource } from 'typeorm';
import { isUniqueViolation } from '../db/errors.ts';
import { deleteVersioned, updateVersioned } from '../db/versioned.ts';
import type { Handlers } from '../http/openapi-router.ts';
import { checkIfMatch, respondWithVersion } from '../http/preconditions.ts';
import { apiBasePath } from '../openapi/base-path.ts';
import { HttpProblem } from '../problem.ts';
import type { PasswordHasher } from './password.ts';
import { toUser, UserEntity, type UserInput, type UserRecord } from './user.entity.ts';

const profile = (user: UserInput): Omit<UserRecord, 'id' | 'username' | 'passwordHash' | 'version'> => ({
  firstName: user.firstName ?? null,
  lastName: user.lastName ?? null,
  email: user.email ?? null,
  phone: user.phone ?? null,
  userStatus: user.userStatus ?? null,
});

const notFound = (username: string) => new HttpProblem(404, `user ${username} does not exist`);

export interface UserDeps {
  dataSource: DataSource;
  hashPassword: PasswordHasher;
}

/** Users: CRUD keyed by username; passwords are hashed on the way in and never leave the database. */
export function userHandlers({ dataSource, hashPassword }: UserDeps): Handlers {
  const users = dataSource.getRepository(UserEntity);

  return {
    async createUser(ctx, { body }) {
      const input = body as Required<Pick<UserInput, 'username' | 'password'>> & UserInput;
      const user = {
        username: input.username,
        ...profile(input),
        passwordHash: await hashPassword(input.password),
        version: 1,
      };
      try {
        const { identifiers } = await users.insert(user);
        ctx.set('Location', `${apiBasePath}/users/${user.username}`);
        respondWithVersion(ctx, user.version, toUser({ ...user, id: Number(identifiers[0]?.id) }), 201);
      } catch (error) {
        if (isUniqueViolation(error)) throw new HttpProblem(409, `user ${user.username} already exists`);
        throw error;
      }
    },

    async getUser(ctx, { path }) {
      const username = path.username as string;
      const user = await users.findOneBy({ username });
      if (!user) throw notFound(username);
      respondWithVersion(ctx, user.version, toUser(user));
    },

    async replaceUser(ctx, { path, body }) {
      const username = path.username as string;
      const input = body as UserInput;
      if (input.username !== username) {
        throw new HttpProblem(422, `the body's username ${input.username} differs from ${username} in the path`);
      }
      const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
      const user = await updateVersioned(
        users,
        { username },
        (current) => checkIfMatch(ctx, current.version),
        () => ({
          ...profile(input),
          ...(passwordHash && { passwordHash }),
        }),
      );
      if (!user) throw notFound(username);
      respondWithVersion(ctx, user.version, toUser(user));
    },

    async deleteUser(ctx, { path }) {
      const username = path.username as string;
      if (!(await deleteVersioned(users, { username }, (current) => checkIfMatch(ctx, current.version)))) {
        throw notFound(username);
      }
      ctx.status = 204;
    },
  };
}
