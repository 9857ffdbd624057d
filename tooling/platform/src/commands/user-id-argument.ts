/**
 * A `<user-id>` argument as a user id: a positive integer that is exact in a JS number, written
 * in plain digits (no sign, exponent or leading zero); `null` for anything else.
 */
export function userIdArgument(text: string): number | null {
  const userId = Number(text);
  return /^[1-9][0-9]*$/.test(text) && Number.isSafeInteger(userId) ? userId : null;
}
