import { Global, Module } from '@nestjs/common';
import { AgentBridgeModule } from '../agent-bridge/agent-bridge.module';
import { StartupService } from './startup.service';

/** Start-up handlers and what they found (language, Steam availability). */
@Global()
@Module({ imports: [AgentBridgeModule], providers: [StartupService], exports: [StartupService] })
export class StartupModule {}
