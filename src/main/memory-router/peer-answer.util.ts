import { send as sendOutcome, errorText, type WireResult as Outcome } from '../http/wire-outcome';

/** What a proxy service decided to answer: the original's status and exact body. */
export type WireAnswer = Outcome;

export const answer = (body: unknown, status = 200): WireAnswer => ({ status, body });

/** For controllers: a 200 answer is returned, any other is thrown verbatim through the errors filter. */
export const send: (a: WireAnswer) => unknown = sendOutcome;

/** The message of a peer-client failure (its Error names the server and the reason). */
export const failure: (err: unknown) => string = errorText;
