import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { AgentToMain, MainToAgent, type AnalyzeRequestEvent } from '../../shared/contracts/agent-bridge.contract';
import { AgentResultsClient } from './agent-results.client';
import { AnalyzeInboxService } from './analyze-inbox.service';

/** How many recent event_ids are remembered to absorb main's ack-timeout resend. */
const SEEN_IDS = 512;

/** Agent's handlers for main's events (spec §8.3). Acks first, drops resends, never blocks the bridge. */
@Controller()
export class AgentBridgeController {
  private readonly logger = new Logger(AgentBridgeController.name);
  private readonly seen = new Set<string>();

  constructor(
    private readonly results: AgentResultsClient,
    private readonly inbox: AnalyzeInboxService,
  ) {}

  @EventPattern(MainToAgent.AnalyzeRequest)
  onAnalyzeRequest(@Payload() event: AnalyzeRequestEvent): void {
    const id = event.event_id;
    if (id) {
      this.results.send({ event_type: AgentToMain.AnalyzeAck, lanlan_name: event.lanlan_name, event_id: id });
      if (this.seen.has(id)) return;
      this.remember(id);
    }
    // Whether the analyzer is on is decided in one place, the pipeline (AnalyzePipelineService.accept).
    this.logger.debug(`analyze_request ${id ?? '(no id)'} for ${event.lanlan_name}`);
    this.inbox.push(event);
  }

  private remember(id: string): void {
    this.seen.add(id);
    if (this.seen.size > SEEN_IDS) this.seen.delete(this.seen.values().next().value as string);
  }
}
