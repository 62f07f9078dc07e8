import { Module } from '@nestjs/common';

/** The agent router /api/agent (proxy of the agent server). */
@Module({ controllers: [], providers: [] })
export class AgentRouterModule {}
