/** Current time, injectable so that time-dependent texts can be tested exactly. */
export const CLOCK = Symbol('CLOCK');
export type Clock = () => Date;
