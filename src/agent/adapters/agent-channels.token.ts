/**
 * DI token of the channel adapters (`AgentChannelAdapter[]`), provided by AgentAdaptersModule.
 * Kept in its own file so the state module and the adapters module can both import it without a cycle.
 */
export const AGENT_CHANNELS = Symbol('AGENT_CHANNELS');
