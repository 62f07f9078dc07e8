/**
 * UTC ISO 8601 with microseconds and a literal `Z` (`2026-12-01T13:04:05.123000Z`), the agent's
 * timestamp format (spec §12.2.8; Python's `datetime.utcnow().isoformat() + "Z"` has six digits).
 * JavaScript dates carry milliseconds, so the last three digits are always 0.
 */
export function utcIsoMicro(date: Date = new Date()): string {
  return `${date.toISOString().slice(0, -1)}000Z`;
}
