import { sliceBindingName } from './slice-binding-name.ts';

/** A slice's env: one D1 binding per database it was uploaded with, named by {@link sliceBindingName}. */
export type SliceEnv = Readonly<Record<string, unknown>>;

/**
 * The D1 binding of `databaseId` in the slice's env, or `undefined` when the slice was not
 * uploaded with it (or the id is not a D1 id).
 */
export function sliceDatabase(env: SliceEnv, databaseId: unknown): D1Database | undefined {
  if (typeof databaseId !== 'string') return undefined;
  let name: string;
  try {
    name = sliceBindingName(databaseId);
  } catch {
    return undefined;
  }
  const binding = env[name] as Partial<D1Database> | undefined;
  return typeof binding?.prepare === 'function' && typeof binding.batch === 'function' ? (binding as D1Database) : undefined;
}
