import { randomUUID } from 'node:crypto';
import { BadRequestException, Body, Controller, ForbiddenException, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { within } from '../../shared/async/within.util';
import { utcIsoMicro } from '../../shared/time/utc-iso.util';
import { AGENT_LLM, type AgentLlmPort } from '../llm/agent-llm.port';
import { AgentFlagsService, isAgentFlagKey } from '../state/agent-flags.service';
import { AgentStatusService } from '../state/agent-status.service';
import { jsonObject, lanlanOf, lenientJsonObject } from './agent-body.pipe';
import { AdminControlAnswerDto, CommandAnswerDto, FlagsReadAnswerDto, FlagsSetAnswerDto, MessageAnswerDto, StateAnswerDto } from './agent-http-answers.dto';
import { AdminControlBodyDto, AgentCommandDto, AgentFlagsBodyDto, PluginExecuteDto } from './agent-http.dto';

/** How long refresh_state / notify_config_changed wait for the capability checks (main waits 8 s / 5 s). */
export const REFRESH_WAIT_MS = 3_000;
const MAX_REQUEST_ID = 128;

/** `request_id` as sent (a string, bounded, or a finite number), else a new one. */
function requestIdOf(body: Record<string, unknown>): string | number {
  const id = body.request_id;
  if (typeof id === 'number' && Number.isFinite(id)) return id;
  if (typeof id === 'string' && id.trim() !== '') return id.trim().slice(0, MAX_REQUEST_ID);
  return randomUUID().replace(/-/g, '');
}

/** The agent's switches and state (spec §7.2, §8.5): flags, snapshot, commands, admin control. */
@ApiTags('agent')
@Controller()
export class AgentControlController {
  constructor(
    private readonly flags: AgentFlagsService,
    private readonly status: AgentStatusService,
    @Inject(AGENT_LLM) private readonly llm: AgentLlmPort,
  ) {}

  @Get('agent/flags')
  @ApiOperation({ summary: 'Flags, analyzer switch, Agent API gate, revision and the read-once notification (JSON {code, details})' })
  @ApiOkResponse({ type: FlagsReadAnswerDto })
  flagsState(): Record<string, unknown> {
    return {
      success: true,
      agent_flags: this.flags.get(),
      analyzer_enabled: this.flags.analyzerEnabled,
      agent_api_gate: this.status.agentApiGate(),
      revision: this.status.revision,
      notification: this.status.takeNotification(),
    };
  }

  @Post('agent/flags')
  @HttpCode(200)
  @ApiOperation({ summary: 'Switch channel flags; checks each channel, failures go to the notification (always 200; a body that is not an object changes nothing)' })
  @ApiBody({ type: AgentFlagsBodyDto, required: false })
  @ApiOkResponse({ type: FlagsSetAnswerDto })
  async setFlags(@Body(lenientJsonObject) body: Record<string, unknown>): Promise<Record<string, unknown>> {
    return { success: true, agent_flags: await this.status.setFlags(body, lanlanOf(body)) };
  }

  @Get('agent/state')
  @ApiOperation({ summary: 'The agent_status_update snapshot (capabilities not yet checked are AGENT_PRECHECK_PENDING)' })
  @ApiOkResponse({ type: StateAnswerDto })
  state(): Record<string, unknown> {
    return { success: true, snapshot: this.status.snapshot() };
  }

  @Post('agent/command')
  @HttpCode(200)
  @ApiOperation({ summary: 'set_agent_enabled / set_flag / refresh_state' })
  @ApiBody({ type: AgentCommandDto })
  @ApiOkResponse({ type: CommandAnswerDto })
  @ApiResponse({ status: 400, description: '{"detail": "unknown command"} / {"detail": "invalid flag key"}' })
  async command(@Body(jsonObject) body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const received = new Date();
    const requestId = requestIdOf(body);
    const lanlan = lanlanOf(body);
    switch (body.command) {
      case 'set_agent_enabled':
        if (typeof body.enabled !== 'boolean') throw new BadRequestException('enabled must be a boolean');
        await this.status.setAnalyzerEnabled(body.enabled, body.profile, lanlan);
        break;
      case 'set_flag':
        if (!isAgentFlagKey(body.key)) throw new BadRequestException('invalid flag key');
        if (typeof body.value !== 'boolean') throw new BadRequestException('value must be a boolean');
        await this.status.setFlags({ [body.key]: body.value }, lanlan);
        break;
      case 'refresh_state':
        await within(this.status.refreshCapabilities(), REFRESH_WAIT_MS, undefined);
        this.status.publish(lanlan);
        break;
      default:
        throw new BadRequestException('unknown command');
    }
    const finished = new Date();
    return {
      success: true,
      request_id: requestId,
      timing: { received_at: utcIsoMicro(received), finished_at: utcIsoMicro(finished), elapsed_ms: finished.getTime() - received.getTime() },
      snapshot: this.status.snapshot(),
    };
  }

  @Post('admin/control')
  @HttpCode(200)
  @ApiOperation({ summary: 'end_all / enable_analyzer / disable_analyzer (off also clears the flags and ends all tasks)' })
  @ApiBody({ type: AdminControlBodyDto })
  @ApiOkResponse({ type: AdminControlAnswerDto })
  @ApiResponse({ status: 400, description: '{"detail": "unknown action"}' })
  async adminControl(@Body(jsonObject) body: Record<string, unknown>): Promise<Record<string, unknown>> {
    switch (body.action) {
      case 'end_all':
        // Same path as disable_analyzer's: hooks start at once, one wait budget (below main's 5 s).
        await this.status.endAll();
        return { success: true, message: 'all tasks terminated and cleared' };
      case 'enable_analyzer':
        await this.status.setAnalyzerEnabled(true, body.profile);
        return { success: true, analyzer_enabled: true, profile: this.flags.profile };
      case 'disable_analyzer':
        await this.status.setAnalyzerEnabled(false);
        return { success: true, analyzer_enabled: false };
      default:
        throw new BadRequestException('unknown action');
    }
  }

  @Post('notify_config_changed')
  @HttpCode(200)
  @ApiOperation({ summary: 'API settings changed: forget model probes and re-check the channels' })
  @ApiOkResponse({ type: MessageAnswerDto })
  async notifyConfigChanged(): Promise<Record<string, unknown>> {
    this.llm.invalidate();
    await within(this.status.refreshCapabilities(), REFRESH_WAIT_MS, undefined);
    return { success: true, message: 'configuration reloaded; capabilities re-checked' };
  }

  @Post('plugin/execute')
  @HttpCode(200)
  @ApiOperation({ summary: 'User plugins are not part of N.E.K.O.-TS: always 403' })
  @ApiBody({ type: PluginExecuteDto })
  @ApiResponse({ status: 403, description: '{"detail": "User plugin is disabled"}' })
  pluginExecute(): never {
    throw new ForbiddenException('User plugin is disabled');
  }
}
