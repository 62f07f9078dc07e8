import { Module } from '@nestjs/common';
import { AgentProxyService } from './agent-proxy.service';
import { AgentRouterController } from './agent-router.controller';
import { AgentRouterService } from './agent-router.service';
import { McpConfigService } from './mcp-config.service';

/** The agent router /api/agent (spec §3.9): proxy of the agent server, main's agent state and the mcp.json editor. */
@Module({ controllers: [AgentRouterController], providers: [AgentRouterService, AgentProxyService, McpConfigService] })
export class AgentRouterModule {}
