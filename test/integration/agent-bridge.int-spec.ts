import type { INestApplicationContext, INestMicroservice } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { firstValueFrom, take, timeout, toArray } from 'rxjs';
import { Pull } from 'zeromq';
import { AgentBridgeModule as AgentSideBridgeModule } from '../../src/agent/bridge/agent-bridge.module';
import { createAgentBridgeStrategy } from '../../src/agent/bridge/agent-bridge.strategy';
import { AgentResultsClient } from '../../src/agent/bridge/agent-results.client';
import { AnalyzeInboxService } from '../../src/agent/bridge/analyze-inbox.service';
import { AgentBridgeClient } from '../../src/main/agent-bridge/agent-bridge.client';
import { AgentBridgeModule as MainSideBridgeModule } from '../../src/main/agent-bridge/agent-bridge.module';
import type { BootContext } from '../../src/shared/config/config.tokens';
import { ConfigModule } from '../../src/shared/config/config.module';
import { zmqEndpoint } from '../../src/shared/config/env.schema';
import { testBootContext } from '../support/boot-context';
import { waitFor } from '../support/free-port';

async function startAgent(ctx: BootContext): Promise<INestMicroservice> {
  @Module({ imports: [ConfigModule.forRoot(ctx), AgentSideBridgeModule] })
  class AgentTestModule {}
  const strategy = createAgentBridgeStrategy(ctx.env);
  const app = await NestFactory.createMicroservice(AgentTestModule, { strategy, logger: false });
  await app.listen();
  return app;
}

async function startMain(ctx: BootContext): Promise<INestApplicationContext> {
  const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(ctx), MainSideBridgeModule] }).compile();
  moduleRef.useLogger(false);
  return moduleRef.init();
}

const request = { trigger: 'turn_end' as const, lanlan_name: '小天', messages: [{ role: 'user' as const, content: '帮我查一下天气' }] };

describe('main ↔ agent bridge (real ZeroMQ, both Nest sides)', () => {
  let ctx: BootContext;
  beforeEach(async () => {
    ctx = await testBootContext('main');
  });

  it('gets an analyze_ack for an analyze_request and hands the request to the agent inbox', async () => {
    const agent = await startAgent(ctx);
    const main = await startMain(ctx);
    const bridge = main.get(AgentBridgeClient);
    expect(await bridge.requestAnalysis({ ...request, event_id: 'e'.repeat(32) })).toBe(true);
    const inbox = agent.get(AnalyzeInboxService);
    await waitFor(() => inbox.count === 1, 'inbox');
    await main.close();
    await agent.close();
  });

  it('resends the same event_id once after 0.5 s, and the agent accepts it only once', async () => {
    // Nobody acks on this PULL: main must send the request exactly twice, 0.5 s apart.
    const pull = new Pull({ linger: 0 });
    pull.connect(zmqEndpoint(ctx.env.ports.zmqAnalyzePush));
    const main = await startMain(ctx);
    const started = Date.now();
    const result = main.get(AgentBridgeClient).requestAnalysis(request);
    const [first] = await pull.receive();
    const [second] = await pull.receive();
    expect(await result).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const a = JSON.parse(first.toString()) as { event_id: string; event_type: string };
    expect(a.event_type).toBe('analyze_request');
    expect(a.event_id).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.parse(second.toString())).toEqual(a);
    pull.close();

    const agent = await startAgent(ctx);
    const inbox = agent.get(AnalyzeInboxService);
    // The agent sees a duplicate (e.g. ack lost): it acks both, but accepts one.
    const bridge = main.get(AgentBridgeClient);
    const acks = firstValueFrom(bridge.on('analyze_ack').pipe(take(2), toArray(), timeout(5000)));
    bridge.publishSessionEvent({ event_type: 'noise_nobody_handles' });
    await bridge.requestAnalysis({ ...request, event_id: 'd'.repeat(32) });
    await bridge.requestAnalysis({ ...request, event_id: 'd'.repeat(32) });
    expect((await acks).map((e) => e.event_id)).toEqual(['d'.repeat(32), 'd'.repeat(32)]);
    expect(inbox.count).toBe(1);
    await main.close();
    await agent.close();
  });

  it('delivers agent events sent while main was down once main binds', async () => {
    const agent = await startAgent(ctx);
    const results = agent.get(AgentResultsClient);
    for (let i = 0; i < 20; i++) {
      results.send({ event_type: 'agent_notification', lanlan_name: '小天', text: `n${i}`, source: 'brain', status: 'error' });
    }
    await new Promise((r) => setTimeout(r, 300));
    const main = await startMain(ctx);
    const got = await firstValueFrom(main.get(AgentBridgeClient).on('agent_notification').pipe(take(20), toArray(), timeout(5000)));
    expect(got.map((e) => e.text)).toEqual(Array.from({ length: 20 }, (_, i) => `n${i}`));
    await main.close();
    await agent.close();
  });
});
