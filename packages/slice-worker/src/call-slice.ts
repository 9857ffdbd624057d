import type { SliceDispatcher } from './slice-dispatcher.ts';
import { DatabaseNotInSliceError, SliceStatementError, SliceUnavailableError } from './slice-errors.ts';
import type { SliceAnswer } from './slice-protocol.ts';

/**
 * Sends one request to a slice (`POST https://slice<path>` with a JSON body) and unwraps its
 * answer: the `result`, or the refusal as an error the caller can tell apart —
 * {@link SliceStatementError} (D1 refused a statement; D1's message), {@link DatabaseNotInSliceError},
 * or {@link SliceUnavailableError} (not reached, or not a slice's answer). `database` names the
 * database in those errors.
 */
export async function callSlice<T>(dispatcher: SliceDispatcher, slice: string, path: string, body: unknown, database = ''): Promise<T> {
  let response: Response;
  try {
    response = await dispatcher
      .get(slice)
      .fetch(`https://slice${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  } catch (cause) {
    throw new SliceUnavailableError(slice, cause instanceof Error ? cause.message : String(cause), { cause });
  }
  const answer = (await response.json().catch(() => null)) as SliceAnswer<T> | null;
  if (answer && 'result' in answer && response.ok) return answer.result;
  if (answer && 'error' in answer) {
    if (answer.error.kind === 'statement') throw new SliceStatementError(slice, database, answer.error.message);
    if (answer.error.kind === 'database_not_in_slice') throw new DatabaseNotInSliceError(slice, database);
    throw new SliceUnavailableError(slice, `${answer.error.kind}: ${answer.error.message}`, { status: response.status });
  }
  throw new SliceUnavailableError(slice, `answered HTTP ${response.status} without a slice answer`, { status: response.status });
}
