import { Module, type DynamicModule } from '@nestjs/common';
import type { BootContext } from '../shared/config/config.tokens';
import { ConfigModule } from '../shared/config/config.module';
import { HealthModule } from '../shared/http/health.controller';

/** Entry module of the memory process (port 48912). Loads no TTS, chat or agent code. */
@Module({})
export class MemoryAppModule {
  static register(ctx: BootContext): DynamicModule {
    return {
      module: MemoryAppModule,
      imports: [ConfigModule.forRoot(ctx), HealthModule.register({ service: 'memory', instanceId: ctx.instanceId })],
    };
  }
}
