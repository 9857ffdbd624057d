import { convertV4MiniflareOptions, Miniflare, type MiniflareOptions } from 'miniflare';

/** A Worker that only hosts the D1 bindings, for tools that reach the databases from Node. */
const BINDINGS_ONLY_WORKER = 'export default { fetch() { return new Response(null, { status: 404 }); } }';

/**
 * Starts workerd through Miniflare with the given D1 bindings (binding name → D1 database id),
 * persisted under `stateDirectory` (Miniflare's persistence root, as `wrangler dev` lays it out),
 * running `script` (a bundled Worker) or, by default, a Worker that only hosts the bindings.
 * Every local tool and the benchmark start workerd here, so they all see the same databases.
 */
export function startLocalMiniflare(d1Databases: Readonly<Record<string, string>>, stateDirectory: string, script = BINDINGS_ONLY_WORKER): Miniflare {
  return new Miniflare(localMiniflareOptions(d1Databases, stateDirectory, script));
}

/**
 * The options {@link startLocalMiniflare} starts workerd with; pass them to `setOptions` to
 * change the bindings of a running instance (which restarts workerd).
 */
export function localMiniflareOptions(d1Databases: Readonly<Record<string, string>>, stateDirectory: string, script = BINDINGS_ONLY_WORKER): MiniflareOptions {
  return convertV4MiniflareOptions({
    modules: true,
    script,
    compatibilityDate: '2026-11-01',
    d1Databases: { ...d1Databases },
    resourcePersistencePath: stateDirectory,
  });
}

/** Binding names for database ids (`DB_0`, `DB_1`, …), by id. */
export function bindingNames(databaseIds: readonly string[]): Record<string, string> {
  return Object.fromEntries(databaseIds.map((id, index) => [id, `DB_${index}`]));
}

/** The `d1Databases` option (binding name → id) for the bindings {@link bindingNames} gave. */
export function d1DatabasesOption(bindingOf: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(bindingOf).map(([id, binding]) => [binding, id]));
}
