import type { SliceErrorKind } from './slice-protocol.ts';

const STATUS: Record<SliceErrorKind, number> = { statement: 400, bad_request: 400, database_not_in_slice: 404, not_found: 404 };

/** A slice's successful answer: `{ result }`, HTTP 200. */
export function sliceResult(result: unknown): Response {
  return Response.json({ result });
}

/** A slice's refusal: `{ error: { kind, message } }`, 404 for what it does not have, 400 otherwise. */
export function sliceRefusal(kind: SliceErrorKind, message: string): Response {
  return Response.json({ error: { kind, message } }, { status: STATUS[kind] });
}
