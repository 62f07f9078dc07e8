/** The per-character write lock shared by everything that rewrites a character's recent file. */
export const WRITE_LOCKS = Symbol('WRITE_LOCKS');
