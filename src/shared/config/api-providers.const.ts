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

/** Per-model extra_body for OpenAI-compatible calls (spec §6.3 get_extra_body). */
export function extraBodyFor(model: string): Record<string, unknown> | undefined {
  if (['qwen-flash-2025-07-28', 'qwen3-vl-plus-2025-09-23', 'qwen3-vl-plus', 'qwen3-vl-flash', 'zai-org/GLM-4.6V'].includes(model)) {
    return { enable_thinking: false };
  }
  if (['glm-4.5-air', 'glm-4.6v-flash', 'glm-4.6v'].includes(model)) return { thinking: { type: 'disabled' } };
  return undefined;
}
