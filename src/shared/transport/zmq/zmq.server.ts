import { Logger } from '@nestjs/common';
import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { Pull, Subscriber } from 'zeromq';
import type { ZmqEvent } from './zmq.codec';
import { ZmqContext } from './zmq.context';
import { DEFAULT_MAX_MESSAGE_BYTES, type ZmqCommonOptions, type ZmqSocketSpec } from './zmq.options';
import { rateLimitedWarn, receiveEvents } from './zmq.socket-loop';

export interface ZmqServerOptions extends ZmqCommonOptions {
  /** Receiving sockets by channel name: SUB (subscribed to everything) or PULL. */
  readonly receivers: Readonly<Record<string, ZmqSocketSpec & { readonly type: 'sub' | 'pull' }>>;
}

/**
 * Nest transport strategy receiving ZeroMQ events (the agent side: SUB + PULL). Each event's
 * `event_type` is the pattern of an `@EventPattern` handler; the handler gets the whole event and
 * a ZmqContext. Events of one socket are handled one after another, in order.
 */
export class ZmqServer extends Server implements CustomTransportStrategy {
  private readonly sockets: Array<Pull | Subscriber> = [];
  private readonly loops: Array<Promise<void>> = [];
  private readonly log = new Logger(ZmqServer.name);
  private readonly warnUnknown = rateLimitedWarn(this.log);

  constructor(private readonly options: ZmqServerOptions) {
    super();
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      for (const [channel, spec] of Object.entries(this.options.receivers)) {
        const common = {
          receiveHighWaterMark: this.options.highWaterMark,
          linger: this.options.lingerMs,
          maxMessageSize: this.options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
        };
        const socket = spec.type === 'sub' ? new Subscriber(common) : new Pull(common);
        if (socket instanceof Subscriber) socket.subscribe();
        this.sockets.push(socket);
        if (spec.bind) await socket.bind(spec.endpoint);
        else socket.connect(spec.endpoint);
        this.loops.push(receiveEvents(socket, this.options, this.log, (event) => this.dispatch(channel, event)));
      }
      callback();
    } catch (err) {
      this.close();
      callback(err);
    }
  }

  private async dispatch(channel: string, event: ZmqEvent): Promise<void> {
    if (!this.getHandlerByPattern(event.event_type)) {
      this.warnUnknown(`dropped an event of unknown type "${event.event_type}" on ${channel}`);
      return;
    }
    await this.handleEvent(event.event_type, { pattern: event.event_type, data: event }, new ZmqContext([channel, event]));
  }

  /** Closes every socket; receive loops end by themselves. */
  close(): void {
    for (const socket of this.sockets) socket.close();
    this.sockets.length = 0;
  }

  /** Resolves when every receive loop has ended (after close). */
  async closed(): Promise<void> {
    await Promise.all(this.loops);
  }

  on(): never {
    throw new Error('ZmqServer does not emit transport events; use the status observable');
  }

  unwrap<T>(): T {
    return this.sockets as T;
  }
}
