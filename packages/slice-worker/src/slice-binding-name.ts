const DATABASE_ID = /^[A-Za-z0-9-]{1,61}$/;

/**
 * The name of the binding a slice reaches a database through, derived from its D1 id: `DB_`,
 * then the id in capitals with `-` as `_`. A slice learns which databases it holds from its own
 * `env` (no variable to keep in step, and none of Workers' 5 KB per variable to run into), and a
 * request can name only a database whose binding the slice was uploaded with. Capitals and at
 * most 64 characters because the directory of databases records it (`databases.binding`:
 * `[A-Z0-9_]`, 1 to 64).
 *
 * Throws a `TypeError` for an id that is not 1 to 61 letters, digits and dashes (D1 ids are
 * UUIDs, which name one database whatever their letters' case), so two databases never share a
 * binding.
 *
 * @example
 * ```ts
 * sliceBindingName('4b1c0f6e-93a2-4d5e-8f1a-0c2b3d4e5f60'); // 'DB_4B1C0F6E_93A2_4D5E_8F1A_0C2B3D4E5F60'
 * ```
 */
export function sliceBindingName(databaseId: string): string {
  if (!DATABASE_ID.test(databaseId)) throw new TypeError(`not a D1 database id: ${JSON.stringify(databaseId)}`);
  return `DB_${databaseId.toUpperCase().replaceAll('-', '_')}`;
}
