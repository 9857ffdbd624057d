import type { HttpMethod, Route } from './route.ts';

/** A route found for a request, with its raw path parameters. */
export interface MatchedRoute {
  readonly route: Route;
  readonly rawParams: Readonly<Record<string, string>>;
}

interface CompiledRoute {
  readonly route: Route;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

/**
 * Finds routes by method and path. `{name}` in a pattern matches one path segment. A path served
 * under other methods only answers with the list of those methods (for a 405 with `Allow`).
 */
export class Router {
  readonly #compiled: readonly CompiledRoute[];

  constructor(routes: readonly Route[]) {
    this.#compiled = routes.map((route) => {
      const names: string[] = [];
      const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      return { route, names, pattern: new RegExp(`^${source}$`) };
    });
  }

  /** The route for `method` and `pathname`, or the methods the path has when none matches it. */
  match(method: string, pathname: string): MatchedRoute | { readonly allowed: readonly HttpMethod[] } {
    const allowed: HttpMethod[] = [];
    for (const { route, pattern, names } of this.#compiled) {
      const found = pattern.exec(pathname);
      if (!found) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      return { route, rawParams: Object.fromEntries(names.map((name, i) => [name, found[i + 1] ?? ''])) };
    }
    return { allowed };
  }
}
