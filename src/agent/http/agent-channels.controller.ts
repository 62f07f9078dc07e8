import { BadRequestException, Body, Controller, Get, HttpCode, Logger, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CoreConfigService } from '../../shared/config/core-config.service';
import { WireException } from '../../shared/http/wire.exception';
import type { AgentChannel, ChannelReadiness } from '../adapters/agent-channel.port';
import { TaskRunnerService } from '../pipeline/task-runner.service';
import { DEFAULT_TASK_TIMEOUT_MS } from '../pipeline/task-runner.types';
import { within } from '../state/agent-status.codes';
import { AgentStatusService } from '../state/agent-status.service';
import { jsonObject, lanlanOf, textField } from './agent-body.pipe';
import { AvailabilityAnswerDto, RunInstructionDto } from './agent-http.dto';

/** Longest instruction accepted by the run endpoints. */
export const MAX_INSTRUCTION_CHARS = 4000;
/** POST /browser_use/run waits this long at most (the runner's own watchdog ends the task earlier). */
export const BROWSER_RUN_WAIT_MS = DEFAULT_TASK_TIMEOUT_MS.browser_use + 30_000;
const MAX_REASONS = 10;

const NAMES: Readonly<Record<AgentChannel, string>> = { computer_use: 'ComputerUse', browser_use: 'BrowserUse', mcp: 'MCP' };

function instructionOf(body: Record<string, unknown>): string {
  const instruction = textField(body, 'instruction');
  if (!instruction) throw new BadRequestException('instruction required');
  if (instruction.length > MAX_INSTRUCTION_CHARS) throw new BadRequestException(`instruction too long (max ${MAX_INSTRUCTION_CHARS} characters)`);
  return instruction;
}

/** Availability and direct runs of the channels (spec §7.2 computer use and V0 MCP, §8.5 browser use). */
@ApiTags('channels')
@Controller()
export class AgentChannelsController {
  private readonly logger = new Logger(AgentChannelsController.name);

  constructor(
    private readonly status: AgentStatusService,
    private readonly runner: TaskRunnerService,
    private readonly coreConfig: CoreConfigService,
  ) {}

  @Get('computer_use/availability')
  @ApiOperation({ summary: 'Whether computer use can run (a flag that is on but not ready is switched off)' })
  @ApiResponse({ status: 503, description: '{"detail": "ComputerUse not ready"} (no adapter)' })
  async computerUseAvailability(): Promise<Record<string, unknown>> {
    const { ready, reasons } = await this.readiness('computer_use');
    const model = await this.coreConfig.modelConfig('agent').then((m) => m.model, () => '');
    return { enabled: true, ready, reasons, provider: 'openai', model, ground_provider: 'openai', ground_model: model };
  }

  @Post('computer_use/run')
  @HttpCode(200)
  @ApiOperation({ summary: 'Queue a computer-use task' })
  @ApiBody({ type: RunInstructionDto })
  @ApiResponse({ status: 400, description: '{"detail": "instruction required"}' })
  @ApiResponse({ status: 409, description: '{"success": false, "duplicate": true, "matched_id"}' })
  @ApiResponse({ status: 503, description: '{"success": false, "error": "ComputerUse not ready", "reasons": [...]}' })
  async computerUseRun(@Body(jsonObject) body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const instruction = instructionOf(body);
    const { ready, reasons } = await this.readiness('computer_use');
    if (!ready) throw new WireException(503, { success: false, error: 'ComputerUse not ready', reasons });
    const outcome = await this.runner.submit({ channel: 'computer_use', description: instruction, request: { instruction }, lanlan_name: lanlanOf(body), dedupe: true });
    if (outcome.status === 'duplicate') throw new WireException(409, { success: false, duplicate: true, matched_id: outcome.matched_id });
    return { success: true, task_id: outcome.task.id, status: outcome.task.status, start_time: outcome.task.start_time };
  }

  @Get('browser_use/availability')
  @ApiOperation({ summary: 'Whether browser use can run' })
  @ApiOkResponse({ type: AvailabilityAnswerDto })
  @ApiResponse({ status: 503, description: '{"detail": "BrowserUse not ready"} (no adapter)' })
  async browserUseAvailability(): Promise<Record<string, unknown>> {
    const { ready, reasons } = await this.readiness('browser_use');
    return { enabled: true, ready, reasons, provider: 'browser-use' };
  }

  @Post('browser_use/run')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run a browser task and wait for its result' })
  @ApiBody({ type: RunInstructionDto })
  @ApiResponse({ status: 500, description: '{"success": false, "error"}' })
  @ApiResponse({ status: 503, description: '{"success": false, "error": "BrowserUse not ready", "reasons": [...]}' })
  async browserUseRun(@Body(jsonObject) body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const instruction = instructionOf(body);
    const { ready, reasons } = await this.readiness('browser_use');
    if (!ready) throw new WireException(503, { success: false, error: 'BrowserUse not ready', reasons });
    const run = this.runner.runNow({ channel: 'browser_use', description: instruction, request: { instruction }, lanlan_name: lanlanOf(body), dedupe: false });
    const outcome = await within(run, BROWSER_RUN_WAIT_MS, undefined);
    if (!outcome) throw new WireException(500, { success: false, error: `no result within ${BROWSER_RUN_WAIT_MS} ms` });
    const { task, result } = outcome;
    if (!result.success) throw new WireException(500, { success: false, error: result.error ?? result.summary, task_id: task.id });
    return { success: true, result: result.detail || result.summary, summary: result.summary, task_id: task.id };
  }

  @Get('mcp/availability')
  @ApiOperation({ summary: 'Whether MCP tools are available (servers of mcp.json); a flag that is on but not ready is switched off' })
  @ApiResponse({ status: 503, description: '{"detail": "MCP not ready"} (no adapter)' })
  async mcpAvailability(): Promise<Record<string, unknown>> {
    const adapter = this.status.adapter('mcp');
    if (!adapter) throw new WireException(503, { detail: 'MCP not ready' });
    try {
      const r = await this.status.checkChannel('mcp');
      const { actions, problems } = await adapter.describe();
      const ready = r?.ready === true && actions.length > 0;
      const reasons = ready ? [] : [r?.reason || 'AGENT_MCP_UNREACHABLE', ...problems.map((p) => `${p.source}: ${p.error}`)].slice(0, MAX_REASONS);
      return { ready, capabilities_count: actions.length, reasons };
    } catch (err) {
      return { ready: false, capabilities_count: 0, reasons: [String(err instanceof Error ? err.message : err)] };
    }
  }

  @Get('capabilities')
  @ApiOperation({ summary: 'The MCP tool catalogue: {name: {title, description, input_schema, type: "mcp_tool"}}' })
  @ApiResponse({ status: 503, description: '{"detail": "MCP not ready"} (no adapter)' })
  async capabilities(): Promise<Record<string, unknown>> {
    const adapter = this.status.adapter('mcp');
    if (!adapter) throw new WireException(503, { detail: 'MCP not ready' });
    try {
      const { actions } = await adapter.describe();
      const capabilities = Object.fromEntries(
        actions.map((a) => [a.name, { title: a.name, description: a.description, input_schema: a.inputSchema, type: 'mcp_tool' }]),
      );
      return { success: true, capabilities };
    } catch (err) {
      this.logger.warn(`MCP catalogue failed: ${String(err)}`);
      return { success: false, capabilities: {}, error: err instanceof Error ? err.message : String(err) };
    }
  }

  /** Gate first for the agent-tier channels, then the adapter's readiness (503 without an adapter). */
  private async readiness(channel: AgentChannel): Promise<{ ready: boolean; reasons: string[] }> {
    if (!this.status.adapter(channel)) throw new WireException(503, { detail: `${NAMES[channel]} not ready` });
    if (channel !== 'mcp') {
      const gate = await this.status.gateNow();
      if (!gate.ready) return { ready: false, reasons: [...gate.reasons] };
    }
    const r: ChannelReadiness | undefined = await this.status.checkChannel(channel);
    return r?.ready ? { ready: true, reasons: [] } : { ready: false, reasons: [r?.reason || 'AGENT_NOT_INITIALIZED'] };
  }
}
