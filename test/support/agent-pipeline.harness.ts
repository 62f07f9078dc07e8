/**
 * The agent's task pipeline in a Nest testing module, as the pipeline specs need it: the summary tier
 * pointed at a fresh fake provider, the given channels in place of the real adapters (they are ports),
 * and the events the agent pushes to main collected from a real ZeroMQ PULL.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Test, type TestingModule } from '@nestjs/testing';
import { Pull } from 'zeromq';
import type { AgentChannelAdapter } from '../../src/agent/adapters/agent-channel.port';
import { AGENT_CHANNELS } from '../../src/agent/adapters/agent-channels.token';
import { AgentPipelineModule } from '../../src/agent/pipeline/agent-pipeline.module';
import { ConfigModule } from '../../src/shared/config/config.module';
import { zmqEndpoint } from '../../src/shared/config/env.schema';
import { startFakeOpenAi, type FakeOpenAi } from '../fake-openai/fake-openai.server';
import { testBootContext } from './boot-context';

export interface AgentPipelineHarness {
  readonly fake: FakeOpenAi;
  readonly moduleRef: TestingModule;
  /** Every event pushed to main, in order. */
  readonly events: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startAgentPipeline(channels: readonly AgentChannelAdapter[]): Promise<AgentPipelineHarness> {
  const fake = await startFakeOpenAi();
  const ctx = await testBootContext('agent');
  mkdirSync(ctx.dataFolder.configDir, { recursive: true });
  writeFileSync(
    join(ctx.dataFolder.configDir, 'core_config.json'),
    JSON.stringify({ enableCustomApi: true, summaryModelUrl: fake.baseUrl, summaryModelId: 'fake-summary', summaryModelApiKey: 'sk-test' }),
  );
  const pull = new Pull({ linger: 0 });
  await pull.bind(zmqEndpoint(ctx.env.ports.zmqAgentPush));
  const events: Array<Record<string, unknown>> = [];
  void (async () => {
    for await (const [frame] of pull) events.push(JSON.parse(frame.toString()) as Record<string, unknown>);
  })().catch(() => undefined);
  const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(ctx), AgentPipelineModule] })
    .overrideProvider(AGENT_CHANNELS)
    .useValue(channels)
    .compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  return {
    fake,
    moduleRef,
    events,
    async close() {
      await moduleRef.close();
      pull.close();
      await fake.close();
    },
  };
}
