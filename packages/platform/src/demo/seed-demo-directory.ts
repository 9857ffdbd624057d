import type { DB as CentralDB } from '@waddle/central-schema/database';
import type { Kysely } from 'kysely';

export const DEMO_WADDLE = {
  name: 'penguins',
  displayName: 'Penguins',
  d1DatabaseId: 'local-waddle-penguins',
} as const;

/**
 * Registers the demo user and the demo waddle in the central database, once: running it again
 * changes nothing. Returns the waddle's id.
 */
export async function seedDemoDirectory(central: Kysely<CentralDB>, schemaVersion: string | null): Promise<number> {
  await central
    .insertInto('users')
    .values({ username: 'ada', display_name: 'Ada', email: 'ada@example.com' })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const owner = await central.selectFrom('users').select('id').where('username', '=', 'ada').executeTakeFirstOrThrow();
  await central
    .insertInto('waddles')
    .values({
      name: DEMO_WADDLE.name,
      display_name: DEMO_WADDLE.displayName,
      owner_id: owner.id,
      is_public: 1,
      d1_database_id: DEMO_WADDLE.d1DatabaseId,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const waddle = await central.selectFrom('waddles').select('id').where('name', '=', DEMO_WADDLE.name).executeTakeFirstOrThrow();
  await central.updateTable('waddles').set({ schema_version: schemaVersion }).where('id', '=', waddle.id).execute();
  await central
    .insertInto('waddle_members')
    .values({ waddle_id: waddle.id, user_id: owner.id })
    .onConflict((oc) => oc.doNothing())
    .execute();
  return waddle.id;
}
