import 'reflect-metadata';
import { setupSwagger } from '../shared/http/swagger.setup';
import { bootstrapHttpServer } from '../shared/lifecycle/http-server.bootstrap';
import { AgentAppModule } from './agent-app.module';
import { createAgentBridgeStrategy } from './bridge/agent-bridge.strategy';

/** Largest request body: the agent's bodies are small JSON (instructions ≤ 4000 characters, flags, profiles ≤ 16 KiB). */
const AGENT_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Agent server: HTTP on 48915 (Swagger at /docs); receives main's events on SUB 48961 and PULL 48963
 * (connect side). Shutdown (SIGTERM/SIGINT, launcher gone) closes the app, so the adapters'
 * onModuleDestroy ends MCP server processes and Chromium.
 */
void bootstrapHttpServer({
  processName: 'agent',
  portKey: 'agent',
  fastify: { bodyLimit: AGENT_BODY_LIMIT_BYTES },
  module: (ctx) => AgentAppModule.register(ctx),
  configure: (app) =>
    setupSwagger(
      app,
      'N.E.K.O.-TS agent server',
      "N.E.K.O.'s agent: flags and state, task list and cancellation, channel availability, computer use, browser use and MCP tools. Main talks to it over ZeroMQ for analyses and results.",
    ),
  microservice: (ctx) => ({ strategy: createAgentBridgeStrategy(ctx.env) }),
});
