import { errorAnswer } from '@waddle/worker-http/error-answer';

/**
 * An answer other than success, as the API sends it: `{"error": {"code", "message"}}` with an
 * HTTP status. Thrown anywhere below a route; the app's `onError` (`apiErrorHandler`) turns it into the response.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, code: string, message: string, headers: Readonly<Record<string, string>> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }

  /** The answer: `{"error": {"code", "message"}}` with the status and headers (`errorAnswer`). */
  toResponse(): Response {
    return errorAnswer(this.status, this.code, this.message, this.headers);
  }
}

/**
 * 404 for something that does not exist *or that the caller may not see*: the two answers are
 * the same, so a response never tells whether a private thing exists.
 */
export function notFound(what: string): ApiError {
  return new ApiError(404, 'not_found', `${what} not found`);
}

/** 403: the caller is known and sees the thing, but may not do this to it. */
export function forbidden(code: string, message: string): ApiError {
  return new ApiError(403, code, message);
}

/** 400: the request itself is wrong; nothing was touched. */
export function badRequest(code: string, message: string): ApiError {
  return new ApiError(400, code, message);
}

/** 409: the request is valid but conflicts with the current state. */
export function conflict(code: string, message: string): ApiError {
  return new ApiError(409, code, message);
}

/** 410: the thing existed and was the caller's, but is gone for good. */
export function gone(code: string, message: string): ApiError {
  return new ApiError(410, code, message);
}
