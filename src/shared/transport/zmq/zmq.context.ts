import { BaseRpcContext } from '@nestjs/microservices';
import type { ZmqEvent } from './zmq.codec';

type ZmqContextArgs = [channel: string, event: ZmqEvent];

/** What a handler may ask about the message it is handling: the channel (socket) and the raw event. */
export class ZmqContext extends BaseRpcContext<ZmqContextArgs> {
  getChannel(): string {
    return this.args[0];
  }

  getEvent(): ZmqEvent {
    return this.args[1];
  }
}
