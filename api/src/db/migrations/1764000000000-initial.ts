import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

/** pets, orders (referencing pets) and users. */
export class Initial1764000000000 implements MigrationInterface {
  name = 'Initial1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // ids are int64 in the API: bigint on PostgreSQL; SQLite's AUTOINCREMENT demands INTEGER, which is 64-bit there.
    const idType = queryRunner.dataSource.options.type === 'postgres' ? 'bigint' : 'integer';
    const id: TableColumnOptions = {
      name: 'id',
      type: idType,
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment',
    };
    const varchar = (name: string, length: number, isNullable = false): TableColumnOptions => ({
      name,
      type: 'varchar',
      length: String(length),
      isNullable,
    });

    await queryRunner.createTable(
      new Table({
        name: 'pets',
        columns: [
          id,
          varchar('name', 200),
          varchar('status', 16),
          { name: 'category', type: 'text', isNullable: true },
          { name: 'photo_urls', type: 'text' },
          { name: 'tags', type: 'text' },
          { name: 'version', type: 'integer' },
        ],
        indices: [{ name: 'pets_status_idx', columnNames: ['status'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'orders',
        columns: [
          id,
          { name: 'pet_id', type: idType },
          { name: 'quantity', type: 'integer' },
          varchar('ship_date', 64, true),
          varchar('status', 16),
          { name: 'complete', type: 'boolean' },
        ],
        foreignKeys: [
          {
            name: 'orders_pet_fk',
            columnNames: ['pet_id'],
            referencedTableName: 'pets',
            referencedColumnNames: ['id'],
            onDelete: 'RESTRICT',
          },
        ],
        indices: [{ name: 'orders_pet_idx', columnNames: ['pet_id'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          id,
          varchar('username', 64),
          varchar('first_name', 100, true),
          varchar('last_name', 100, true),
          varchar('email', 254, true),
          varchar('phone', 32, true),
          { name: 'user_status', type: 'integer', isNullable: true },
          varchar('password_hash', 200),
          { name: 'version', type: 'integer' },
        ],
        uniques: [{ name: 'users_username_key', columnNames: ['username'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('users');
    await queryRunner.dropTable('orders');
    await queryRunner.dropTable('pets');
  }
}
