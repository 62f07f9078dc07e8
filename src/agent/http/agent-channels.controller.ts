import { BadRequestException, Body, Controller, Get, HttpCode, Logger, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { within } from '../../shared/async/within.util';
import { CoreConfigService } from '../../shared/config/core-config.service';
import { WireException } from '../../shared/http/wire.exception';
import { codePointLength } from '../../shared/text/bounded-text.util';
import type { AgentChannel, ChannelDescription } from '../adapters/agent-channel.port';
import { TaskRunnerService } from '../pipeline/task-runner.service';
import { DEFAULT_TASK_TIMEOUT_MS } from '../pipeline/task-runner.types';
import { mcpReadinessOf } from '../state/agent-status.codes';
import { AgentStatusService } from '../state/agent-status.service';
import { AgentReason } from '../tasks/agent-status.snapshot';
import { TaskRegistryService } from '../tasks/task-registry.service';
import { jsonObject, lanlanOf, textField } from './agent-body.pipe';
import { BrowserRunAnswerDto, BrowserUseAvailabilityDto, CapabilitiesAnswerDto, ComputerUseAvailabilityDto, McpAvailabilityDto, RunInstructionDto, TaskQueuedAnswerDto } from './agent-http.dto';
import { httpErrorOf, orHttpError } from './agent-http.errors';

/** Longest instruction accepted by the run endpoints, in code points (Python `len`). */
export const MAX_INSTRUCTION_CHARS = 4000;
/** POST /browser_use/run waits this long at most (the runner's own watchdog ends the task earlier). */
export const BROWSER_RUN_WAIT_MS = DEFAULT_TASK_TIMEOUT_MS.browser_use + 30_000;
const MAX_REASONS = 10;
/** GET /capabilities answers within main's 5 s wait, even when an MCP server is slow to list its tools. */
export const CAPABILITIES_WAIT_MS = 4_000;

const NAMES: Readonly<Record<AgentChannel, string>> = { computer_use: 'ComputerUse', browser_use: 'BrowserUse', mcp: 'MCP' };
const runFailure = (error: string) => ({ success: false, error });

function instructionOf(body: Record<string, unknown>): string {
  const instruction = textField(body, 'instruction');
  if (!instruction) throw new BadRequestException('instruction required');
  if (codePointLength(instruction) > MAX_INSTRUCTION_CHARS) throw new BadRequestException(`instruction too long (max ${MAX_INSTRUCTION_CHARS} characters)`);
  return instruction;
}

/** Availability and direct runs of the channels (spec §7.2 computer use and V0 MCP, §8.5 browser use). */
@ApiTags('channels')
@Controller()
export class AgentChannelsController {
  private readonly logger = new Logger(AgentChannelsController.name);
  /** Tools counted by the last MCP catalogue read that finished (an availability answered before its read ends uses it). */
  private mcpToolCount = 0;

  constructor(
    private readonly status: AgentStatusService,
    private readonly runner: TaskRunnerService,
    private readonly registry: TaskRegistryService,
    private readonly coreConfig: CoreConfigService,
  ) {}

  @Get('computer_use/availability')
  @ApiOperation({ summary: 'Whether computer use can run: the gate first, then the adapter (a flag that is on but not ready is switched off)' })
  @ApiOkResponse({ type: ComputerUseAvailabilityDto })
  @ApiResponse({ status: 503, description: '{"detail": "ComputerUse not ready"} (no adapter)' })
  async computerUseAvailability(): Promise<Record<string, unknown>> {
    const { ready, reasons } = await this.readiness('computer_use', 'soon');
    const model = await this.coreConfig.modelConfig('agent').then((m) => m.model, () => '');
    return { enabled: true, ready, reasons, provider: 'openai', model, ground_provider: 'openai', ground_model: model };
  }

  @Post('computer_use/run')
  @HttpCode(200)
  @ApiOperation({ summary: 'Queue a computer-use task' })
  @ApiBody({ type: RunInstructionDto })
  @ApiOkResponse({ type: TaskQueuedAnswerDto })
  @ApiResponse({ status: 400, description: '{"detail": "instruction required"}' })
  @ApiResponse({ status: 409, description: '{"success": false, "duplicate": true, "matched_id"}' })
  @ApiResponse({
    status: 503,
    description:
      '{"success": false, "error": "ComputerUse not ready", "reasons": [...]} / {"detail": "too many queued …"} / {"detail": "task not queued: …"} (end_all, analyzer off or shutdown came first)',
  })
  async computerUseRun(@Body(jsonObject) body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const instruction = instructionOf(body);
    const { ready, reasons } = await this.readiness('computer_use', 'fresh');
    if (!ready) throw new WireException(503, { success: false, error: 'ComputerUse not ready', reasons });
    const outcome = await orHttpError(this.runner.submit({ channel: 'computer_use', description: instruction, request: { instruction, userRequest: instruction }, lanlan_name: lanlanOf(body), dedupe: true }));
    if (outcome.status === 'duplicate') throw new WireException(409, { success: false, duplicate: true, matched_id: outcome.matched_id });
    return { success: true, task_id: outcome.task.id, status: outcome.task.status, start_time: outcome.task.start_time };
  }

  @Get('browser_use/availability')
  @ApiOperation({ summary: 'Whether browser use can run' })
  @ApiOkResponse({ type: BrowserUseAvailabilityDto })
  @ApiResponse({ status: 503, description: '{"detail": "BrowserUse not ready"} (no adapter)' })
  async browserUseAvailability(): Promise<Record<string, unknown>> {
    const { ready, reasons } = await this.readiness('browser_use', 'soon');
    return { enabled: true, ready, reasons, provider: 'browser-use' };
  }

  @Post('browser_use/run')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run a browser task and wait for its result (cancelled when no result comes in time)' })
  @ApiBody({ type: RunInstructionDto })
  @ApiOkResponse({ type: BrowserRunAnswerDto })
  @ApiResponse({ status: 500, description: '{"success": false, "error"}' })
  @ApiResponse({
    status: 503,
    description:
      '{"success": false, "error": "BrowserUse not ready", "reasons": [...]} / {"success": false, "error": "too many queued …"} / {"success": false, "error": "task not queued: …"} (end_all, shutdown came first)',
  })
  async browserUseRun(@Body(jsonObject) body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const instruction = instructionOf(body);
    const { ready, reasons } = await this.readiness('browser_use', 'fresh');
    if (!ready) throw new WireException(503, { success: false, error: 'BrowserUse not ready', reasons });
    // The runner names the task only when it ends: take its id from the registry's "queued" event.
    let taskId: string | undefined;
    const stop = this.registry.onChange(({ task }) => {
      if (taskId === undefined && task.type === 'browser_use' && task.status === 'queued' && task.params?.instruction === instruction) taskId = task.id;
    });
    const run = this.runner.runNow({ channel: 'browser_use', description: instruction, request: { instruction, userRequest: instruction }, lanlan_name: lanlanOf(body), dedupe: false });
    const outcome = await within(run.then((value) => ({ value }), (error: unknown) => ({ error })), BROWSER_RUN_WAIT_MS, undefined);
    stop();
    if (!outcome) {
      if (taskId !== undefined) this.cancelQuietly(taskId);
      throw new WireException(500, runFailure(`no result within ${BROWSER_RUN_WAIT_MS} ms (task cancelled)`));
    }
    if ('error' in outcome) {
      // Refused by the runner (queue full, no adapter …): its own message.
      const refusal = httpErrorOf(outcome.error, runFailure);
      throw refusal instanceof WireException ? refusal : new WireException(500, runFailure(refusal.message));
    }
    const { task, result } = outcome.value;
    if (!result.success) throw new WireException(500, { success: false, error: result.error ?? result.summary, task_id: task.id });
    return { success: true, result: result.detail || result.summary, summary: result.summary, task_id: task.id };
  }

  @Get('mcp/availability')
  @ApiOperation({ summary: 'Whether MCP tools are available (servers of mcp.json); a flag that is on but not ready is switched off. MCP is not gated: it uses the summary tier' })
  @ApiOkResponse({ type: McpAvailabilityDto })
  @ApiResponse({ status: 503, description: '{"detail": "MCP not ready"} (no adapter)' })
  async mcpAvailability(): Promise<Record<string, unknown>> {
    const adapter = this.status.adapter('mcp');
    if (!adapter) throw new WireException(503, { detail: 'MCP not ready' });
    let description: ChannelDescription | undefined;
    // One catalogue read gives both the count and the readiness; a slow one answers from the stored state.
    const r = await this.status.checkChannelSoon('mcp', async () => {
      description = await adapter.describe();
      this.mcpToolCount = description.actions.length;
      return mcpReadinessOf(description);
    });
    const ready = r?.readiness.ready === true;
    const problems = r?.fresh ? (description?.problems ?? []).map((p) => `${p.source}: ${p.error}`) : [];
    const reasons = ready ? [] : [r?.readiness.reason || AgentReason.McpUnreachable, ...problems].slice(0, MAX_REASONS);
    return { ready, capabilities_count: r?.fresh ? (description?.actions.length ?? 0) : ready ? this.mcpToolCount : 0, reasons };
  }

  @Get('capabilities')
  @ApiOperation({ summary: 'The MCP tool catalogue: {name: {title, description, input_schema, type: "mcp_tool"}}' })
  @ApiOkResponse({ type: CapabilitiesAnswerDto })
  @ApiResponse({ status: 503, description: '{"detail": "MCP not ready"} (no adapter)' })
  async capabilities(): Promise<Record<string, unknown>> {
    if (!this.status.adapter('mcp')) throw new WireException(503, { detail: 'MCP not ready' });
    try {
      const { actions } = await this.status.describe('mcp', CAPABILITIES_WAIT_MS);
      const capabilities = Object.fromEntries(
        actions.map((a) => [a.name, { title: a.name, description: a.description, input_schema: a.inputSchema, type: 'mcp_tool' }]),
      );
      return { success: true, capabilities };
    } catch (err) {
      this.logger.warn(`MCP catalogue failed: ${String(err)}`);
      return { success: false, capabilities: {}, error: err instanceof Error ? err.message : String(err) };
    }
  }

  /**
   * Gate first for the agent-tier channels (V1), then the adapter (503 without one), then its readiness. The
   * availability answers (main waits 1.5 s) take the stored one when the check needs over ~1 s; the run
   * endpoints (not proxied by main) wait for the check.
   */
  private async readiness(channel: AgentChannel, wait: 'soon' | 'fresh'): Promise<{ ready: boolean; reasons: string[] }> {
    if (channel !== 'mcp') {
      const gate = await this.status.gateNow();
      if (!gate.ready) return { ready: false, reasons: [...gate.reasons] };
    }
    if (!this.status.adapter(channel)) throw new WireException(503, { detail: `${NAMES[channel]} not ready` });
    const r = wait === 'soon' ? (await this.status.checkChannelSoon(channel))?.readiness : await this.status.checkChannel(channel);
    return r?.ready ? { ready: true, reasons: [] } : { ready: false, reasons: [r?.reason || AgentReason.NotInitialized] };
  }

  private cancelQuietly(id: string): void {
    try {
      this.runner.cancel(id);
    } catch (err) {
      this.logger.warn(`browser_use/run: cancel of ${id} after the time-out failed: ${String(err)}`);
    }
  }
}
