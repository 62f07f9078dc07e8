import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { RUNTIME_ENV } from '../../shared/config/config.tokens';
import { zmqEndpoint, type RuntimeEnv } from '../../shared/config/env.schema';
import { BridgeChannel, type AgentToMainEvent } from '../../shared/contracts/agent-bridge.contract';
import { ZmqClient } from '../../shared/transport/zmq/zmq.client';

/**
 * The agent's PUSH to main's PULL 48962 (connect side). Events queue while main is away and are
 * delivered when it comes back, up to the high-water mark.
 */
@Injectable()
export class AgentResultsClient implements OnModuleInit, OnModuleDestroy {
  private readonly client: ZmqClient;

  constructor(@Inject(RUNTIME_ENV) env: RuntimeEnv) {
    this.client = new ZmqClient({
      highWaterMark: env.zmqHighWaterMark,
      lingerMs: env.zmqLingerMs,
      senders: { [BridgeChannel.Results]: { type: 'push', endpoint: zmqEndpoint(env.ports.zmqAgentPush), bind: false } },
      route: () => BridgeChannel.Results,
    });
  }

  onModuleInit(): Promise<void> {
    return this.client.connect();
  }

  onModuleDestroy(): Promise<void> {
    return this.client.close();
  }

  /** false when the queue is full (main away for long); the event is dropped, as ZeroMQ would. */
  send(event: AgentToMainEvent): boolean {
    return this.client.post(event);
  }
}
