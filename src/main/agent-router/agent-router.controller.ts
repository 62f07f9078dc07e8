import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { notADictBody } from '../../shared/http/fastapi-body.util';
import { wireError } from '../../shared/http/wire.exception';
import { wireBody } from '../http/wire-body.pipe';
import { send } from '../memory-router/peer-answer.util';
import { AdminControlDto, AgentCommandDto, AgentFlagsDto, AvailabilityDto, FlagsAnswerDto, NotifyTaskResultDto, SuccessAnswerDto, TaskStatusDto } from './agent-router.dto';
import { AgentProxyService } from './agent-proxy.service';
import { AgentRouterService } from './agent-router.service';
import { McpServersAnswerDto, McpServersDto } from './mcp-config.dto';
import { McpConfigConflictError, McpConfigInputError, McpConfigService, parseServersBody } from './mcp-config.service';

/** N.E.K.O.'s agent router (spec §3.9): a thin proxy of the agent server plus main's own agent state. */
@ApiTags('agent')
@Controller('api/agent')
export class AgentRouterController {
  constructor(
    private readonly agent: AgentRouterService,
    private readonly proxy: AgentProxyService,
    private readonly mcpConfig: McpConfigService,
  ) {}

  @Post('flags')
  @HttpCode(200)
  @ApiOperation({ summary: "Set a character's agent switches and forward the channel flags to the agent" })
  @ApiBody({ type: AgentFlagsDto })
  @ApiOkResponse({ type: FlagsAnswerDto })
  @ApiResponse({ status: 404, description: '{"success": false, "error": "lanlan not found"}' })
  @ApiResponse({ status: 502, description: '{"success": false, "error": "tool_server forward failed: …"} (switches reset to off)' })
  async setFlags(@Body(wireBody(AgentFlagsDto, { status: 400 })) body: AgentFlagsDto): Promise<unknown> {
    return send(await this.agent.setFlags(body));
  }

  @Get('flags')
  @ApiOperation({ summary: "The agent's flags, analyzer switch and one-shot notification" })
  @ApiResponse({ status: 502, description: '{"success": false, "error": "tool_server down"}' })
  async flags(): Promise<unknown> {
    return send(await this.proxy.flags());
  }

  @Get('state')
  @ApiOperation({ summary: "The agent's status snapshot (V1 agent_status_update shape)" })
  @ApiResponse({ status: 502, description: '{"success": false, "error": "…"}' })
  async state(): Promise<unknown> {
    return send(await this.proxy.state());
  }

  @Post('command')
  @HttpCode(200)
  @ApiOperation({ summary: 'Agent command (set_agent_enabled, set_flag, refresh_state), 8 s; the switches go back to what they were if it fails' })
  @ApiBody({ type: AgentCommandDto })
  @ApiResponse({ status: 400, description: "The agent's own answer, e.g. {\"detail\": \"unknown command\"}" })
  @ApiResponse({ status: 502, description: '{"success": false, "error": "proxy error: …"}' })
  async command(@Body(wireBody(AgentCommandDto, { status: 422, shape: notADictBody })) body: AgentCommandDto): Promise<unknown> {
    return send(await this.agent.command({ ...body }));
  }

  @Get('health')
  @ApiOperation({ summary: 'Agent server health: {"status": "ok", "tool": {...}} or 502 {"status": "down"}' })
  async health(): Promise<unknown> {
    return send(await this.proxy.health());
  }

  @Get('computer_use/availability')
  @ApiOperation({ summary: 'Whether computer use can run' })
  @ApiOkResponse({ type: AvailabilityDto })
  async computerUse(): Promise<unknown> {
    return send(await this.proxy.availability('computer_use'));
  }

  @Get('mcp/availability')
  @ApiOperation({ summary: 'Whether MCP tools are available' })
  @ApiOkResponse({ type: AvailabilityDto })
  async mcp(): Promise<unknown> {
    return send(await this.proxy.availability('mcp'));
  }

  @Get('browser_use/availability')
  @ApiOperation({ summary: 'Whether browser use can run (agent V1)' })
  @ApiOkResponse({ type: AvailabilityDto })
  async browserUse(): Promise<unknown> {
    return send(await this.proxy.availability('browser_use'));
  }

  @Get('user_plugin/availability')
  @ApiOperation({ summary: 'User-plugin server availability (not part of N.E.K.O.-TS: always 502 not ready)' })
  @ApiResponse({ status: 502, type: AvailabilityDto })
  userPlugin(): unknown {
    return send(this.proxy.userPluginAvailability());
  }

  @Get('capabilities')
  @ApiOperation({ summary: "The agent's MCP tool list" })
  async capabilities(): Promise<unknown> {
    return send(await this.proxy.capabilities());
  }

  @Get('mcp_servers')
  @ApiOperation({ summary: "The MCP servers of the data folder's mcp.json, as the agent page edits them" })
  @ApiOkResponse({ type: McpServersAnswerDto })
  mcpServers(): Promise<unknown> {
    return this.mcpConfig.read();
  }

  @Put('mcp_servers')
  @ApiOperation({ summary: 'Save the MCP server list into mcp.json (atomically; other keys of the file stay), then tell the agent' })
  @ApiBody({ type: McpServersDto })
  @ApiOkResponse({ type: McpServersAnswerDto })
  @ApiResponse({ status: 422, description: '{"success": false, "error": "servers[1] (\\"remote\\"): url must be an http:// or https:// address"}' })
  @ApiResponse({ status: 409, description: 'The file changed after the GET whose revision was sent: nothing was written' })
  async saveMcpServers(@Body() body: unknown): Promise<unknown> {
    try {
      return await this.mcpConfig.save(parseServersBody(body));
    } catch (err) {
      if (err instanceof McpConfigInputError) throw wireError(422, err.message);
      if (err instanceof McpConfigConflictError) throw wireError(409, err.message);
      throw err;
    }
  }

  @Post('notify_config_changed')
  @HttpCode(200)
  @ApiOperation({ summary: 'Tell the agent that the API settings changed (it rebuilds its model adapters)' })
  async notifyConfigChanged(): Promise<unknown> {
    return send(await this.proxy.notifyConfigChanged());
  }

  @Get('tasks')
  @ApiOperation({ summary: "The agent's tasks (pass-through)" })
  async tasks(): Promise<unknown> {
    return send(await this.proxy.tasks());
  }

  @Get('tasks/:task_id')
  @ApiParam({ name: 'task_id' })
  @ApiOperation({ summary: 'One agent task (pass-through)' })
  async task(@Param('task_id') id: string): Promise<unknown> {
    return send(await this.proxy.task(id));
  }

  @Post('tasks/:task_id/cancel')
  @HttpCode(200)
  @ApiParam({ name: 'task_id' })
  @ApiOperation({ summary: 'Cancel an agent task (pass-through; 404 for an unknown task)' })
  async cancelTask(@Param('task_id') id: string): Promise<unknown> {
    return send(await this.proxy.cancelTask(id));
  }

  @Get('task_status')
  @ApiOperation({ summary: 'Task HUD: the tasks with defaults, counted by status' })
  @ApiOkResponse({ type: TaskStatusDto })
  async taskStatus(): Promise<unknown> {
    return send(await this.proxy.taskStatus());
  }

  @Post('admin/control')
  @HttpCode(200)
  @ApiOperation({ summary: 'Agent admin action, forwarded verbatim (enable_analyzer, disable_analyzer, end_all)' })
  @ApiBody({ type: AdminControlDto })
  async adminControl(@Body(wireBody(AdminControlDto, { status: 422, shape: notADictBody })) body: AdminControlDto): Promise<unknown> {
    return send(await this.proxy.adminControl({ ...body }));
  }

  @Post('notify_task_result')
  @HttpCode(200)
  @ApiOperation({ summary: "The agent's task result for a character (told at its next hot swap)" })
  @ApiBody({ type: NotifyTaskResultDto })
  @ApiOkResponse({ type: SuccessAnswerDto })
  @ApiResponse({ status: 400, description: '{"success": false, "error": "text required"}' })
  @ApiResponse({ status: 404, description: '{"success": false, "error": "lanlan not found"}' })
  async notifyTaskResult(@Body(wireBody(NotifyTaskResultDto, { status: 400, shape: () => ({ success: false, error: 'text required' }) })) body: NotifyTaskResultDto): Promise<unknown> {
    return send(await this.agent.notifyTaskResult(body));
  }
}
