import { Logger } from '@nestjs/common';
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { Subject, type Observable } from 'rxjs';
import { Publisher, Pull, Push } from 'zeromq';
import { encodeEvent, type ZmqEvent } from './zmq.codec';
import { DEFAULT_MAX_MESSAGE_BYTES, type ZmqCommonOptions, type ZmqSocketSpec } from './zmq.options';
import { QueuedSender, receiveEvents } from './zmq.socket-loop';

export interface ZmqClientOptions extends ZmqCommonOptions {
  /** Sending sockets by channel name (PUB or PUSH). */
  readonly senders: Readonly<Record<string, ZmqSocketSpec & { readonly type: 'pub' | 'push' }>>;
  /** Optional PULL socket whose events appear on `events$`. */
  readonly receiver?: ZmqSocketSpec;
  /** Which sender carries an event type. */
  readonly route: (eventType: string) => string;
}

/** Thrown by bind on a port in use; carries the endpoint so callers can say which port clashed. */
export class ZmqBindError extends Error {
  constructor(
    readonly endpoint: string,
    override readonly cause: unknown,
  ) {
    super(`cannot bind ${endpoint}: ${(cause as Error).message}`);
  }
}

/**
 * Nest ClientProxy over ZeroMQ (main side: binds PUB and PUSH, receives on PULL). `post(event)` and
 * `emit(type, payload)` send `{event_type: type, ...payload}` on the routed socket; there is no
 * request/response. Reusable after close(): connect() opens fresh sockets.
 */
export class ZmqClient extends ClientProxy {
  private readonly log = new Logger(ZmqClient.name);
  private readonly senders = new Map<string, QueuedSender>();
  private readonly sockets: Array<Publisher | Push | Pull> = [];
  private readonly incoming = new Subject<ZmqEvent>();
  private readonly peers = new Map<string, number>();
  private connecting: Promise<void> | undefined;
  private receiveLoop: Promise<void> | undefined;
  readonly events$: Observable<ZmqEvent> = this.incoming.asObservable();

  constructor(private readonly options: ZmqClientOptions) {
    super();
  }

  connect(): Promise<void> {
    this.connecting ??= this.open().catch((err: unknown) => {
      this.connecting = undefined;
      this.closeSockets();
      throw err;
    });
    return this.connecting;
  }

  private async open(): Promise<void> {
    const { highWaterMark, lingerMs } = this.options;
    for (const [channel, spec] of Object.entries(this.options.senders)) {
      const socket = spec.type === 'pub' ? new Publisher({ sendHighWaterMark: highWaterMark, linger: lingerMs }) : new Push({ sendHighWaterMark: highWaterMark, linger: lingerMs });
      this.sockets.push(socket);
      this.trackPeers(channel, socket);
      await this.attach(socket, spec);
      this.senders.set(channel, new QueuedSender(socket, highWaterMark, this.log));
    }
    const rx = this.options.receiver;
    if (rx) {
      const pull = new Pull({ receiveHighWaterMark: highWaterMark, linger: lingerMs, maxMessageSize: this.options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES });
      this.sockets.push(pull);
      await this.attach(pull, rx);
      this.receiveLoop = receiveEvents(pull, this.options, this.log, (event) => this.incoming.next(event));
    }
  }

  /** Counts live connections per channel from the socket's monitor events. */
  private trackPeers(channel: string, socket: Publisher | Push): void {
    this.peers.set(channel, 0);
    const add = (n: number) => this.peers.set(channel, Math.max(0, (this.peers.get(channel) ?? 0) + n));
    socket.events.on('accept', () => add(1));
    socket.events.on('connect', () => add(1));
    socket.events.on('disconnect', () => add(-1));
  }

  /** Whether a peer is connected to a sending channel right now. */
  isConnected(channel: string): boolean {
    return (this.peers.get(channel) ?? 0) > 0;
  }

  private async attach(socket: Publisher | Push | Pull, spec: ZmqSocketSpec): Promise<void> {
    if (!spec.bind) return socket.connect(spec.endpoint);
    try {
      await socket.bind(spec.endpoint);
    } catch (err) {
      throw new ZmqBindError(spec.endpoint, err);
    }
  }

  /** Queues one event on its routed socket; false when that queue is full or the client is closed. */
  post<T extends { readonly event_type: string }>(event: T): boolean {
    const sender = this.senders.get(this.options.route(event.event_type));
    return sender ? sender.enqueue(encodeEvent(event)) : false;
  }

  /** Number of events waiting for a peer on a channel. */
  pending(channel: string): number {
    return this.senders.get(channel)?.pending ?? 0;
  }

  protected dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    const payload = (packet.data ?? {}) as Record<string, unknown>;
    const queued = this.post({ ...payload, event_type: String(packet.pattern) });
    return queued ? Promise.resolve(undefined as T) : Promise.reject(new Error(`ZeroMQ queue full or closed for "${String(packet.pattern)}"`));
  }

  protected publish(_packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    callback({ err: new Error('ZeroMQ events have no replies: use emit()'), isDisposed: true });
    return () => undefined;
  }

  private closeSockets(): void {
    for (const socket of this.sockets) socket.close();
    this.sockets.length = 0;
    this.senders.clear();
    this.peers.clear();
  }

  async close(): Promise<void> {
    this.closeSockets();
    this.connecting = undefined;
    await this.receiveLoop;
  }

  unwrap<T>(): T {
    return this.sockets as T;
  }
}
