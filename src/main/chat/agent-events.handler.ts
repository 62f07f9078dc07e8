import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { merge, type Subscription } from 'rxjs';
import { AgentBridgeClient } from '../agent-bridge/agent-bridge.client';
import type { ClientMessage } from '../sessions/session-manager';
import { SessionRegistry } from '../sessions/session-registry.service';
import type { AgentNotificationEvent, AgentStatusUpdateEvent, TaskResultEvent, TaskUpdateEvent } from '../../shared/contracts/agent-bridge.contract';
import { ChatEnginesService } from './chat-engines.service';

/** Longest agent text passed to the model and the browser (the agent already caps at 500/1500). */
const MAX_AGENT_TEXT = 4000;
const cap = (s: unknown): string => (typeof s === 'string' ? s.slice(0, MAX_AGENT_TEXT) : '');

/**
 * Agent → main events (memory-and-agent-servers.md §8.4) for the browser and the characters:
 * task updates and status snapshots go to the character's socket (everyone's when the name is
 * null or unknown), notifications likewise; task results and plugin proactive messages become
 * `agent_notification` plus an agent callback the character speaks (dropped for an unknown name).
 */
@Injectable()
export class AgentEventsHandler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AgentEventsHandler.name);
  private subscription: Subscription | undefined;

  constructor(
    private readonly bridge: AgentBridgeClient,
    private readonly registry: SessionRegistry,
    private readonly engines: ChatEnginesService,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = merge(
      this.bridge.on('task_update'),
      this.bridge.on('agent_status_update'),
      this.bridge.on('agent_notification'),
      this.bridge.on('task_result'),
      this.bridge.on('proactive_message'),
    ).subscribe((event) => {
      this.handle(event).catch((err: unknown) => this.logger.warn(`agent event ${event.event_type} failed: ${String(err)}`));
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  async handle(event: TaskUpdateEvent | AgentStatusUpdateEvent | AgentNotificationEvent | TaskResultEvent): Promise<void> {
    switch (event.event_type) {
      case 'task_update':
        await this.toCharacterOrAll(event.lanlan_name, { type: 'agent_task_update', task: event.task });
        return;
      case 'agent_status_update':
        await this.toCharacterOrAll(event.lanlan_name, { type: 'agent_status_update', snapshot: event.snapshot });
        return;
      case 'agent_notification': {
        const message: ClientMessage = { type: 'agent_notification', text: cap(event.text), source: 'brain', status: event.status };
        if (event.error_message) message.error_message = cap(event.error_message);
        await this.toCharacterOrAll(event.lanlan_name, message);
        return;
      }
      default:
        await this.taskResult(event);
    }
  }

  private async taskResult(event: TaskResultEvent): Promise<void> {
    const name = event.lanlan_name;
    const text = cap(event.text).trim();
    if (!name || !text) return;
    const manager = this.registry.get(name);
    const engine = this.engines.engineFor(name);
    if (!manager || !engine) return;
    const message: ClientMessage = { type: 'agent_notification', text, source: 'brain', status: event.status };
    if (event.error_message) message.error_message = cap(event.error_message);
    await manager.send(message);
    engine.agentResults.add({ status: event.status, summary: cap(event.summary) || text, detail: cap(event.detail) || text });
  }

  private async toCharacterOrAll(name: string | null, message: ClientMessage): Promise<void> {
    const manager = name ? this.registry.get(name) : undefined;
    if (manager) await manager.send(message);
    else await this.registry.broadcast(message);
  }
}
