import { Module } from '@nestjs/common';
import { AgentBridgeClient } from './agent-bridge.client';

/** Main's ZeroMQ link to the agent process. */
@Module({ providers: [AgentBridgeClient], exports: [AgentBridgeClient] })
export class AgentBridgeModule {}
