import { WireException } from '../../shared/http/wire.exception';

/** What a characters/config operation answers: the original's status and exact body. */
export interface Outcome {
  readonly status: number;
  readonly body: unknown;
}

export const ok = (body: unknown): Outcome => ({ status: 200, body });
export const fail = (status: number, error: string, extra: Record<string, unknown> = {}): Outcome => ({
  status,
  body: { success: false, error, ...extra },
});

/** Controllers: a 200 outcome is returned, any other is thrown as a WireException (sent verbatim). */
export function answer(outcome: Outcome): unknown {
  if (outcome.status !== 200) throw new WireException(outcome.status, outcome.body);
  return outcome.body;
}

export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * The body's own JSON keys. DTO class fields are defined on every instance (ES2022 class fields),
 * so a key the client did not send shows up as `undefined`; JSON never carries undefined, so
 * dropping those gives back exactly what was sent (the services test `key in body`).
 */
export function sent(body: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}
