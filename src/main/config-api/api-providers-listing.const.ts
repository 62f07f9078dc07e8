/**
 * What GET /api/config/api_providers lists (spec §3.1/§6.2): N.E.K.O.'s api_providers.json in
 * file order with its display names and descriptions. The snapshot's core list has no `glm`
 * (that profile exists only as a built-in default, so it is not offered). The assist list adds our
 * `local` preset at the end.
 */
export interface ProviderListing {
  readonly key: string;
  readonly name: string;
  readonly description: string;
}

export const CORE_PROVIDER_LISTING: readonly ProviderListing[] = [
  { key: 'free', name: '免费版（猫娘专属福利）', description: '阶跃星辰赞助，智能水平高且完全免费，无需API Key' },
  { key: 'qwen', name: 'Qwen-Omni（阿里）', description: '有免费额度，功能最全面' },
  { key: 'openai', name: 'GPT-Realtime（OpenAI）', description: '智能水平最高，但国内无法使用且价格昂贵' },
  { key: 'step', name: 'Step-2（阶跃星辰）', description: '目前完全免费，内置联网搜索功能' },
];

export const ASSIST_PROVIDER_LISTING: readonly ProviderListing[] = [
  { key: 'free', name: '免费版（猫娘专属福利）', description: '阶跃星辰赞助，完全免费，无需API Key，但不支持自定义语音' },
  { key: 'qwen', name: '阿里（推荐）', description: '推荐选择，支持自定义语音和Agent模式，价格适中' },
  { key: 'openai', name: 'OpenAI', description: '记忆管理能力强，价格很贵，不支持自定义语音' },
  { key: 'glm', name: '智谱', description: '价格适中，支持Agent模式，不支持自定义语音' },
  { key: 'step', name: '阶跃星辰', description: '价格便宜，功能较少，不支持Agent模式和自定义语音' },
  { key: 'silicon', name: '硅基流动', description: '性价比高，支持Agent模式，不支持自定义语音' },
  // Ours: an OpenAI-compatible server on this PC (Ollama, llama.cpp, LM Studio); text chat only.
  { key: 'local', name: '本地模型 (Ollama / llama.cpp / LM Studio)', description: '在本机运行的 OpenAI 兼容服务 (默认 http://127.0.0.1:11434/v1)，无需API Key；仅文字对话，模型可在自定义接口中修改' },
];
