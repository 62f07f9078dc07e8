import { Injectable } from '@nestjs/common';

/** The four channel switches of spec §8.1; all off until the user enables one. */
export interface AgentFlags {
  computer_use_enabled: boolean;
  browser_use_enabled: boolean;
  user_plugin_enabled: boolean;
  openfang_enabled: boolean;
}

/** Owner of the agent's switches (the analyzer master switch and the per-channel flags). */
@Injectable()
export class AgentFlagsService {
  private flags: AgentFlags = {
    computer_use_enabled: false,
    browser_use_enabled: false,
    user_plugin_enabled: false,
    openfang_enabled: false,
  };
  analyzerEnabled = true;

  get(): AgentFlags {
    return { ...this.flags };
  }

  set(patch: Partial<AgentFlags>): AgentFlags {
    this.flags = { ...this.flags, ...patch };
    return this.get();
  }
}
