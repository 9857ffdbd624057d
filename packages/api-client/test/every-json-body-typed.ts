// Checked by the package's typecheck (`tsc -p .`), not run: a documented JSON body that the
// generated types leave as `unknown` fails it, naming the operation and the status.
import type { paths } from '../src/generated/api-schema.ts';

/** `GET /v1/me 200`, for each JSON body of `Paths` typed as `unknown` (or `any`). */
type UntypedJsonBodies<Paths> = {
  [P in keyof Paths]-?: {
    [M in keyof Paths[P]]-?: Paths[P][M] extends { responses: infer Responses }
      ? {
          [S in keyof Responses]-?: Responses[S] extends { content: { 'application/json': infer Body } }
            ? unknown extends Body
              ? `${Uppercase<M & string>} ${P & string} ${S & (string | number)}`
              : never
            : never;
        }[keyof Responses]
      : never;
  }[keyof Paths[P]];
}[keyof Paths];

/** What the check finds in a document with one untyped body and one typed one: it can fail. */
type Probe = UntypedJsonBodies<{
  '/x': {
    get: { responses: { 200: { content: { 'application/json': unknown } }; 404: { content: { 'application/json': { code: string } } } } };
  };
}>;
export const probe: [Probe] extends ['GET /x 200'] ? (['GET /x 200'] extends [Probe] ? true : never) : never = true;

/** None of the API's: `true` is assignable only when the union is empty. */
export const everyJsonBodyTyped: [UntypedJsonBodies<paths>] extends [never] ? true : UntypedJsonBodies<paths> = true;

/** And the check sees the API's bodies: the profile of `GET /v1/me` is typed down to its fields. */
export const profileUsername: paths['/v1/me']['get']['responses'][200]['content']['application/json']['username'] = 'mia';
