import { Module } from '@nestjs/common';
import { AgentResultsClient } from './agent-results.client';

/**
 * The agent → main PUSH (48962), on its own so that state, pipeline and bridge modules can share one
 * socket without importing each other.
 */
@Module({ providers: [AgentResultsClient], exports: [AgentResultsClient] })
export class AgentResultsModule {}
