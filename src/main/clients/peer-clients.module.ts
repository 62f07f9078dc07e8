import { Global, Inject, Injectable, Module } from '@nestjs/common';
import { RUNTIME_ENV } from '../../shared/config/config.tokens';
import type { RuntimeEnv } from '../../shared/config/env.schema';
import { PeerHttpClient } from './peer-http.client';

/** The memory server (port 48912) over HTTP. */
@Injectable()
export class MemoryServerClient extends PeerHttpClient {
  constructor(@Inject(RUNTIME_ENV) env: RuntimeEnv) {
    super(`http://127.0.0.1:${env.ports.memory}`, 'memory server', 5000);
  }
}

/** The agent ("tool") server (port 48915) over HTTP. */
@Injectable()
export class AgentServerClient extends PeerHttpClient {
  constructor(@Inject(RUNTIME_ENV) env: RuntimeEnv) {
    super(`http://127.0.0.1:${env.ports.agent}`, 'agent server', 1500);
  }
}

/** HTTP clients for main's two peer servers. */
@Global()
@Module({ providers: [MemoryServerClient, AgentServerClient], exports: [MemoryServerClient, AgentServerClient] })
export class PeerClientsModule {}
