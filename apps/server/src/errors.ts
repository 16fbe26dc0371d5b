/** A user error: becomes an HTTP response with this status and a JSON message. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: string,
    message: string,
    /** Response headers that go with it (Retry-After of a 429 or 503). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound = (what = 'incident') => new HttpError(404, 'not_found', `${what} not found`);
export const badRequest = (message: string) => new HttpError(400, 'bad_request', message);

/** The server has no room for this request now (memory budget, analysis queue): 503, retry later. */
export const busy = (message: string, retryAfterSeconds: number) =>
  new HttpError(503, 'busy', message, { 'retry-after': String(retryAfterSeconds) });
