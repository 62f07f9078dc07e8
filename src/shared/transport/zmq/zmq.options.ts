/** One socket of a ZeroMQ transport. Main binds every socket; the agent connects (spec §8.2). */
export interface ZmqSocketSpec {
  readonly endpoint: string;
  readonly bind: boolean;
}

export interface ZmqCommonOptions {
  /** Messages per socket (ZMQ_SNDHWM/RCVHWM) and per in-process send queue. Spec default 1000. */
  readonly highWaterMark: number;
  /** ZMQ_LINGER in ms (spec: 1000). */
  readonly lingerMs: number;
  /** Larger frames are refused by ZeroMQ itself (ZMQ_MAXMSGSIZE). */
  readonly maxMessageBytes?: number;
  /**
   * Checks a decoded event's fields; returns a reason to drop it or undefined to accept.
   * Lets the contracts decide what "malformed" means for each event type.
   */
  readonly validate?: (event: { event_type: string } & Record<string, unknown>) => string | undefined;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
