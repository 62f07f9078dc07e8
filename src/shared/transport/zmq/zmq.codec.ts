/** Wire format of spec memory-and-agent-servers.md §8.2: one frame, a UTF-8 JSON object keyed by event_type. */
export interface ZmqEvent {
  readonly event_type: string;
  readonly [key: string]: unknown;
}

export type DecodeResult = { ok: true; event: ZmqEvent } | { ok: false; reason: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeEvent<T extends { readonly event_type: string }>(event: T): Buffer {
  return Buffer.from(JSON.stringify(event), 'utf8');
}

/** Never throws: anything that is not exactly one frame holding a JSON object with event_type is rejected. */
export function decodeEvent(frames: readonly Buffer[]): DecodeResult {
  if (frames.length !== 1) return { ok: false, reason: `expected 1 frame, got ${frames.length}` };
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(frames[0]));
  } catch {
    return { ok: false, reason: 'frame is not UTF-8 JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'payload is not a JSON object' };
  const type = (value as Record<string, unknown>).event_type;
  if (typeof type !== 'string' || type === '') return { ok: false, reason: 'payload has no event_type' };
  return { ok: true, event: value as ZmqEvent };
}
