import { answer as sendOutcome, errorText, type Outcome } from '../characters/characters.outcome';

/** What a proxy service decided to answer: the original's status and exact body (the characters router's Outcome). */
export type WireAnswer = Outcome;

export const answer = (body: unknown, status = 200): WireAnswer => ({ status, body });

/** For controllers: a 200 answer is returned, any other is thrown verbatim through the errors filter. */
export const send: (a: WireAnswer) => unknown = sendOutcome;

/** The message of a peer-client failure (its Error names the server and the reason). */
export const failure: (err: unknown) => string = errorText;
