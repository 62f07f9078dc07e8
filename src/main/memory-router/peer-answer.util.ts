import { WireException } from '../../shared/http/wire.exception';

/** What a proxy service decided to answer: the original's status and exact body. */
export interface WireAnswer {
  readonly status: number;
  readonly body: unknown;
}

export const answer = (body: unknown, status = 200): WireAnswer => ({ status, body });

/** For controllers: a 200 answer is returned, any other is thrown verbatim through the errors filter. */
export function send(a: WireAnswer): unknown {
  if (a.status === 200) return a.body;
  throw new WireException(a.status, a.body);
}

/** The message of a peer-client failure (its Error names the server and the reason). */
export function failure(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
