import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { CoreConfigService } from '../../shared/config/core-config.service';
import type { CoreConfig } from '../../shared/config/core-config.derive';
import type { EmbeddingPort } from './embedding.port';
import { HashedEmbedding } from './hashed.embedding';
import { LocalModelEmbedding } from './local-model.embedding';

/** Embedding model per assist provider, used with that provider's URL and key unless the user sets one. */
const PROVIDER_EMBEDDING_MODELS: Readonly<Record<string, string>> = {
  qwen: 'text-embedding-v4',
  openai: 'text-embedding-3-small',
  glm: 'embedding-3',
  silicon: 'BAAI/bge-m3',
};
const BATCH = 64;

interface Endpoint {
  readonly model: string;
  readonly url: string;
  readonly apiKey: string;
}

/** core_config `embeddingModelId/Url/ApiKey` (ours), else the assist provider's embedding model. */
export function embeddingEndpoint(cfg: CoreConfig, file: Record<string, unknown>): Endpoint | undefined {
  const str = (k: string) => (typeof file[k] === 'string' ? (file[k]).trim() : '');
  const model = str('embeddingModelId');
  if (model) return { model, url: str('embeddingModelUrl') || cfg.assist.url, apiKey: str('embeddingModelApiKey') || cfg.assist.apiKey };
  const fallback = PROVIDER_EMBEDDING_MODELS[cfg.assistApiType];
  return fallback && cfg.assist.apiKey && !cfg.isFreeVersion ? { model: fallback, url: cfg.assist.url, apiKey: cfg.assist.apiKey } : undefined;
}

/** A local model folder: NEKO_EMBEDDING_MODEL_DIR, or `embeddingModelPath` in core_config.json (ours). */
export function localModelFolder(file: Record<string, unknown>, env = process.env): string | undefined {
  const path = env.NEKO_EMBEDDING_MODEL_DIR?.trim() || (typeof file.embeddingModelPath === 'string' ? file.embeddingModelPath.trim() : '');
  return path && existsSync(join(path, 'onnx', 'model.onnx')) ? path : undefined;
}

/**
 * The configured embedder, first match wins: a local ONNX model folder supplied by the user; the
 * provider's OpenAI-compatible /embeddings (batched, dimension taken from its answers); otherwise
 * the offline hashed embedder. Model ids differ per choice, so switching re-indexes into a new
 * table instead of mixing vectors.
 */
@Injectable()
export class ConfiguredEmbedding implements EmbeddingPort {
  private readonly logger = new Logger(ConfiguredEmbedding.name);
  private readonly hashed = new HashedEmbedding();
  private local: LocalModelEmbedding | undefined;

  constructor(private readonly coreConfig: CoreConfigService) {}

  private async endpoint(): Promise<Endpoint | undefined> {
    return embeddingEndpoint(await this.coreConfig.config(), await this.coreConfig.read());
  }

  /** The local model when one is configured (loaded once per folder). */
  private async localModel(): Promise<LocalModelEmbedding | undefined> {
    const folder = localModelFolder(await this.coreConfig.read());
    if (!folder) return undefined;
    if (this.local?.folder !== folder) this.local = new LocalModelEmbedding(folder);
    return this.local;
  }

  async modelId(): Promise<string> {
    const local = await this.localModel();
    if (local) return local.modelId();
    const ep = await this.endpoint();
    return ep ? `provider-${ep.model}` : this.hashed.modelId();
  }

  async fusionWeight(): Promise<number> {
    return (await this.localModel()) || (await this.endpoint()) ? 1 : this.hashed.fusionWeight();
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const local = await this.localModel();
    if (local) return local.embed(texts);
    const ep = await this.endpoint();
    if (!ep) return this.hashed.embed(texts);
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += BATCH) out.push(...(await this.request(ep, texts.slice(i, i + BATCH))));
    return out;
  }

  private async request(ep: Endpoint, input: readonly string[]): Promise<Float32Array[]> {
    const res = await fetch(`${ep.url.replace(/\/+$/, '')}/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ep.apiKey}` },
      body: JSON.stringify({ model: ep.model, input, encoding_format: 'float' }),
      signal: AbortSignal.timeout(60_000),
    });
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      this.logger.warn(`embeddings request failed: HTTP ${res.status} ${text.slice(0, 200)}`);
      throw new Error(`embeddings endpoint answered HTTP ${res.status}`);
    }
    const body = (await res.json()) as { data?: Array<{ index: number; embedding: number[] }> };
    const data = [...(body.data ?? [])].sort((a, b) => a.index - b.index);
    if (data.length !== input.length) throw new Error(`embeddings endpoint returned ${data.length} vectors for ${input.length} texts`);
    return data.map((d) => normalize(Float32Array.from(d.embedding)));
  }
}

function normalize(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  return v.map((x) => x / n);
}
