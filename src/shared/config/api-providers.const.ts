/** Provider profiles of N.E.K.O.'s api_providers.json as shipped (spec main-server.md §6.2). */

export interface CoreProviderProfile {
  readonly name: string;
  readonly coreUrl: string;
  readonly coreModel: string;
  readonly coreApiKey?: string;
  readonly isFreeVersion?: boolean;
}

export interface AssistProviderProfile {
  readonly name: string;
  readonly url: string;
  readonly summaryModel: string;
  readonly correctionModel: string;
  readonly emotionModel: string;
  readonly visionModel: string;
  readonly apiKey?: string;
  readonly isFreeVersion?: boolean;
  readonly computerUseModel?: string;
  readonly computerUseGroundModel?: string;
}

export const CORE_PROVIDERS: Readonly<Record<string, CoreProviderProfile>> = {
  free: { name: 'Free', coreUrl: 'wss://lanlan.tech/core', coreModel: 'free-model', coreApiKey: 'free-access', isFreeVersion: true },
  qwen: { name: 'Qwen (DashScope)', coreUrl: 'wss://dashscope.aliyuncs.com/api-ws/v1/realtime', coreModel: 'qwen3-omni-flash-realtime-2025-12-01' },
  openai: { name: 'OpenAI', coreUrl: 'wss://api.openai.com/v1/realtime', coreModel: 'gpt-realtime' },
  step: { name: 'StepFun', coreUrl: 'wss://api.stepfun.com/v1/realtime', coreModel: 'step-audio-2' },
  glm: { name: 'Zhipu GLM', coreUrl: 'wss://open.bigmodel.cn/api/paas/v4/realtime', coreModel: 'glm-realtime-air' },
  /** Local models only (assist `local`): no realtime endpoint, so voice mode is unavailable unless a custom omni endpoint is set. */
  local: { name: '本地模型 (Ollama / llama.cpp / LM Studio)', coreUrl: '', coreModel: '', coreApiKey: '' },
};

export const ASSIST_PROVIDERS: Readonly<Record<string, AssistProviderProfile>> = {
  free: {
    name: 'Free',
    url: 'https://lanlan.tech/text/v1',
    summaryModel: 'free-model',
    correctionModel: 'free-model',
    emotionModel: 'free-model',
    visionModel: 'free-vision-model',
    apiKey: 'free-access',
    isFreeVersion: true,
  },
  qwen: {
    name: 'Qwen (DashScope)',
    url: 'https://dashscope.aliyuncs.com/compatible-mode/v1',
    summaryModel: 'qwen3-next-80b-a3b-instruct',
    correctionModel: 'qwen3-235b-a22b-instruct-2507',
    emotionModel: 'qwen-flash-2025-07-28',
    visionModel: 'qwen3-vl-plus-2025-09-23',
    computerUseModel: 'qwen3-vl-plus',
    computerUseGroundModel: 'qwen3-vl-flash',
  },
  openai: {
    name: 'OpenAI',
    url: 'https://api.openai.com/v1',
    summaryModel: 'gpt-4.1-mini',
    correctionModel: 'gpt-5-chat-latest',
    emotionModel: 'gpt-4.1-nano',
    visionModel: 'gpt-5-chat-latest',
  },
  glm: {
    name: 'Zhipu GLM',
    url: 'https://open.bigmodel.cn/api/paas/v4',
    summaryModel: 'glm-4.5-flash',
    correctionModel: 'glm-4.5-air',
    emotionModel: 'glm-4.5-flash',
    visionModel: 'glm-4v-plus-0111',
  },
  step: {
    name: 'StepFun',
    url: 'https://api.stepfun.com/v1',
    summaryModel: 'step-2-mini',
    correctionModel: 'step-2-mini',
    emotionModel: 'step-2-mini',
    visionModel: 'step-1o-turbo-vision',
  },
  /**
   * A local OpenAI-compatible server (Ollama, llama.cpp server, LM Studio) on loopback: no key. The
   * model names are Ollama's; other servers (or other models) are set through the custom per-tier
   * fields, which accept a keyless loopback URL too. Not an offline voice: it has no realtime API.
   */
  local: {
    name: '本地模型 (Ollama / llama.cpp / LM Studio)',
    url: 'http://127.0.0.1:11434/v1',
    summaryModel: 'qwen2.5:7b',
    correctionModel: 'qwen2.5:7b',
    emotionModel: 'qwen2.5:7b',
    visionModel: 'qwen2.5vl:7b',
    apiKey: '',
  },
  silicon: {
    name: 'SiliconFlow',
    url: 'https://api.siliconflow.cn/v1',
    summaryModel: 'Qwen/Qwen3-Next-80B-A3B-Instruct',
    correctionModel: 'deepseek-ai/DeepSeek-V3.2-Exp',
    emotionModel: 'inclusionAI/Ling-mini-2.0',
    visionModel: 'Qwen/Qwen3-VL-235B-A22B-Instruct',
  },
};

/** core_config.json field holding each assist provider's key (assistApiKey<P>). */
export const ASSIST_KEY_FIELDS: Readonly<Record<string, string>> = {
  qwen: 'assistApiKeyQwen',
  openai: 'assistApiKeyOpenai',
  glm: 'assistApiKeyGlm',
  step: 'assistApiKeyStep',
  silicon: 'assistApiKeySilicon',
};

const LOOPBACK_URL = /^(https?|wss?):\/\/(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d{1,5})?(\/|\?|$)/i;

/** A URL on this machine (localhost, 127.x, [::1]): a local model server there may go without a key. */
export function isLoopbackUrl(url: string): boolean {
  return LOOPBACK_URL.test(url.trim());
}

/** Per-model extra_body for OpenAI-compatible calls (spec §6.3 get_extra_body). */
export function extraBodyFor(model: string): Record<string, unknown> | undefined {
  if (['qwen-flash-2025-07-28', 'qwen3-vl-plus-2025-09-23', 'qwen3-vl-plus', 'qwen3-vl-flash', 'zai-org/GLM-4.6V'].includes(model)) {
    return { enable_thinking: false };
  }
  if (['glm-4.5-air', 'glm-4.6v-flash', 'glm-4.6v'].includes(model)) return { thinking: { type: 'disabled' } };
  return undefined;
}
