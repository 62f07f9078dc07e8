import { Module } from '@nestjs/common';
import { DATA_FOLDER, RUNTIME_ENV } from '../../shared/config/config.tokens';
import type { RuntimeEnv } from '../../shared/config/env.schema';
import type { DataFolder } from '../../shared/data/data-folder';
import { AGENT_LLM, type AgentLlmPort } from '../llm/agent-llm.port';
import { AgentLlmModule } from '../llm/agent-llm.module';
import type { AgentChannelAdapter } from './agent-channel.port';
import { AGENT_CHANNELS } from './agent-channels.token';
import { BrowserUseAdapter, type BrowserUseOptions } from './browser/browser-use.adapter';
import { NEKO_PORTS } from './browser/browser-url.policy';
import { ComputerUseAdapter } from './computer/computer-use.adapter';
import { McpClientAdapter } from './mcp/mcp-client.adapter';

/** Browser options from the environment: NEKO_BROWSER_HEADLESS=0 shows the window (the locator reads NEKO_CHROMIUM_PATH). */
export function browserUseOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<BrowserUseOptions> {
  const options: Partial<BrowserUseOptions> = {};
  const headless = env.NEKO_BROWSER_HEADLESS?.trim().toLowerCase();
  if (headless === '0' || headless === 'false') options.headless = false;
  return options;
}

/** N.E.K.O.'s plugin server: not part of the runtime env, always at its default port. */
const PLUGIN_PORT = 48916;

/** The loopback ports the browser never opens: the configured N.E.K.O. ports, or the defaults without an env. */
export function protectedPortsOf(env: RuntimeEnv | undefined): readonly number[] {
  if (!env) return NEKO_PORTS;
  const { main, memory, agent, zmqSessionPub, zmqAgentPush, zmqAnalyzePush } = env.ports;
  return [...new Set([main, memory, agent, PLUGIN_PORT, zmqSessionPub, zmqAgentPush, zmqAnalyzePush])];
}

/**
 * The channel adapters behind the one port (MCP, browser use, computer use), each a provider of its own
 * class so that Nest closes them on shutdown (MCP servers, Chromium), and all of them as AGENT_CHANNELS.
 */
@Module({
  imports: [AgentLlmModule],
  providers: [
    { provide: McpClientAdapter, inject: [DATA_FOLDER], useFactory: (folder: DataFolder) => new McpClientAdapter(folder.root) },
    {
      provide: BrowserUseAdapter,
      inject: [AGENT_LLM, { token: RUNTIME_ENV, optional: true }],
      useFactory: (llm: AgentLlmPort, env?: RuntimeEnv) => new BrowserUseAdapter(llm, { ...browserUseOptionsFromEnv(), protectedPorts: protectedPortsOf(env) }),
    },
    { provide: ComputerUseAdapter, inject: [AGENT_LLM], useFactory: (llm: AgentLlmPort) => new ComputerUseAdapter(llm) },
    {
      provide: AGENT_CHANNELS,
      inject: [McpClientAdapter, BrowserUseAdapter, ComputerUseAdapter],
      useFactory: (...adapters: AgentChannelAdapter[]): AgentChannelAdapter[] => adapters,
    },
  ],
  exports: [AGENT_CHANNELS, McpClientAdapter, BrowserUseAdapter, ComputerUseAdapter],
})
export class AgentAdaptersModule {}
