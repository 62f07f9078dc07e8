import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { filter, type Observable } from 'rxjs';
import { RUNTIME_ENV } from '../../shared/config/config.tokens';
import { portProblem, zmqEndpoint, type RuntimeEnv } from '../../shared/config/env.schema';
import {
  AgentToMain,
  BridgeChannel,
  MainToAgent,
  type AgentToMainEvent,
  type AnalyzeRequestEvent,
} from '../../shared/contracts/agent-bridge.contract';
import { validateBridgeEvent } from '../../shared/contracts/agent-bridge.validate';
import { ZmqBindError, ZmqClient } from '../../shared/transport/zmq/zmq.client';

/** Spec §8.3: wait 0.5 s for analyze_ack, then resend the same event_id once. */
export const ANALYZE_ACK_TIMEOUT_MS = 500;
export const ANALYZE_RETRIES = 1;

export type AnalyzeRequest = Omit<AnalyzeRequestEvent, 'event_type' | 'event_id'> & { readonly event_id?: string };

/**
 * Main's end of the main↔agent ZeroMQ bridge: binds PUB 48961 and PUSH 48963, pulls agent events
 * on 48962. Either side may start first; queued events reach the agent when it (re)connects.
 */
@Injectable()
export class AgentBridgeClient implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AgentBridgeClient.name);
  private readonly client: ZmqClient;
  private readonly ackWaiters = new Map<string, (acked: boolean) => void>();

  constructor(@Inject(RUNTIME_ENV) private readonly env: RuntimeEnv) {
    this.client = new ZmqClient({
      highWaterMark: env.zmqHighWaterMark,
      lingerMs: env.zmqLingerMs,
      validate: validateBridgeEvent,
      senders: {
        [BridgeChannel.Session]: { type: 'pub', endpoint: zmqEndpoint(env.ports.zmqSessionPub), bind: true },
        [BridgeChannel.Analyze]: { type: 'push', endpoint: zmqEndpoint(env.ports.zmqAnalyzePush), bind: true },
      },
      receiver: { endpoint: zmqEndpoint(env.ports.zmqAgentPush), bind: true },
      route: (type) => (type === MainToAgent.AnalyzeRequest ? BridgeChannel.Analyze : BridgeChannel.Session),
    });
  }

  /** Every valid event the agent sends (acks included). */
  get events$(): Observable<AgentToMainEvent> {
    // Shapes are checked by validateBridgeEvent before anything reaches events$.
    return this.client.events$ as unknown as Observable<AgentToMainEvent>;
  }

  /** Events of one type, typed. */
  on<T extends AgentToMainEvent['event_type']>(type: T): Observable<Extract<AgentToMainEvent, { event_type: T }>> {
    return this.events$.pipe(filter((e): e is Extract<AgentToMainEvent, { event_type: T }> => e.event_type === type));
  }

  async onModuleInit(): Promise<void> {
    this.client.events$.subscribe((event) => {
      if (event.event_type === AgentToMain.AnalyzeAck) this.ackWaiters.get(String(event.event_id))?.(true);
    });
    try {
      await this.client.connect();
    } catch (err) {
      const port = err instanceof ZmqBindError ? Number(err.endpoint.split(':').pop()) : NaN;
      const key = (['zmqSessionPub', 'zmqAnalyzePush', 'zmqAgentPush'] as const).find((k) => this.env.ports[k] === port);
      throw key ? portProblem(key, port, (err as ZmqBindError).cause) : err;
    }
    this.logger.log(`agent bridge bound: PUB ${this.env.ports.zmqSessionPub}, PUSH ${this.env.ports.zmqAnalyzePush}, PULL ${this.env.ports.zmqAgentPush}`);
  }

  async onModuleDestroy(): Promise<void> {
    for (const settle of this.ackWaiters.values()) settle(false);
    await this.client.close();
  }

  /**
   * Sends an analyze_request on the reliable queue and waits for its ack; resends the same event_id
   * once after 0.5 s. Resolves true when acked. Never throws (the caller only logs, as in N.E.K.O.).
   */
  async requestAnalysis(request: AnalyzeRequest): Promise<boolean> {
    const event: AnalyzeRequestEvent = {
      ...request,
      event_type: MainToAgent.AnalyzeRequest,
      event_id: request.event_id ?? randomUUID().replaceAll('-', ''),
    };
    const id = event.event_id as string;
    for (let attempt = 0; attempt <= ANALYZE_RETRIES; attempt++) {
      const acked = this.waitForAck(id);
      if (!this.client.post(event)) this.logger.warn(`analyze queue full; analyze_request ${id} not queued`);
      if (await acked) return true;
    }
    this.logger.warn(`analyze_request ${id} for ${request.lanlan_name} was not acknowledged by the agent`);
    return false;
  }

  /** Events on PUB 48961 (nobody listening = dropped, as ZeroMQ PUB does). */
  publishSessionEvent(event: { event_type: string; [k: string]: unknown }): boolean {
    return this.client.post(event);
  }

  private waitForAck(id: string): Promise<boolean> {
    return new Promise((resolve) => {
      const settle = (acked: boolean) => {
        clearTimeout(timer);
        this.ackWaiters.delete(id);
        resolve(acked);
      };
      const timer = setTimeout(() => settle(false), ANALYZE_ACK_TIMEOUT_MS);
      this.ackWaiters.set(id, settle);
    });
  }
}
