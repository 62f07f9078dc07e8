import { Module } from '@nestjs/common';
import { AgentFlagsService } from './agent-flags.service';

/** Agent switches and state shared by the bridge, the HTTP API and /health. */
@Module({ providers: [AgentFlagsService], exports: [AgentFlagsService] })
export class AgentStateModule {}
