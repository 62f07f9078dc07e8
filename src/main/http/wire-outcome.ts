import { WireException } from '../../shared/http/wire.exception';

/**
 * What a router service answers: the original's body and its HTTP status. Services return it,
 * controllers `send` it (non-200 statuses are thrown as WireException, sent verbatim).
 */
export interface WireResult {
  readonly status: number;
  readonly body: unknown;
}

/** 200 with `body`. */
export const wireOk = (body: unknown): WireResult => ({ status: 200, body });

/** `{"success": false, "error": <message>, ...extra}` with `status`. */
export const wireFail = (status: number, error: string, extra: Record<string, unknown> = {}): WireResult => ({ status, body: { success: false, error, ...extra } });

/** The controller side: the body for 200, a WireException for anything else. */
export function send(result: WireResult): unknown {
  if (result.status !== 200) throw new WireException(result.status, result.body);
  return result.body;
}

/** The message of an exception, as the original's `str(e)`. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The body's own JSON keys. DTO class fields are defined on every instance (ES2022 class fields),
 * so a key the client did not send shows up as `undefined`; JSON never carries undefined, so
 * dropping those gives back exactly what was sent (the services test `key in body`).
 */
export function sent(body: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}
