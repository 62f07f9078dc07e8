import { Module } from '@nestjs/common';
import { AgentProxyService } from './agent-proxy.service';
import { AgentRouterController } from './agent-router.controller';
import { AgentRouterService } from './agent-router.service';

/** The agent router /api/agent (spec §3.9): proxy of the agent server and main's agent state. */
@Module({ controllers: [AgentRouterController], providers: [AgentRouterService, AgentProxyService] })
export class AgentRouterModule {}
