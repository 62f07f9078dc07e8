import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { EmbeddingPort } from './embedding.port';

type Extractor = (texts: string[], options: { pooling: 'mean'; normalize: boolean }) => Promise<{ tolist(): number[][] }>;

/**
 * A sentence-embedding model the user put in a folder (transformers.js layout: config.json,
 * tokenizer.json, onnx/model.onnx), run on the CPU through onnxruntime, never downloading anything.
 * Mean pooling, unit length. The model id includes a fingerprint of the files, so replacing the
 * model re-indexes into a new table.
 */
export class LocalModelEmbedding implements EmbeddingPort {
  private extractor: Promise<Extractor> | undefined;
  private readonly id: string;

  constructor(readonly folder: string) {
    const fingerprint = createHash('sha256');
    fingerprint.update(readFileSync(join(folder, 'config.json')));
    const onnx = statSync(join(folder, 'onnx', 'model.onnx'));
    fingerprint.update(`${onnx.size}:${onnx.mtimeMs}`);
    this.id = `local-${basename(folder)}-${fingerprint.digest('hex').slice(0, 8)}`;
  }

  modelId(): Promise<string> {
    return Promise.resolve(this.id);
  }

  fusionWeight(): Promise<number> {
    return Promise.resolve(1);
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const extract = await (this.extractor ??= this.load());
    const output = await extract([...texts], { pooling: 'mean', normalize: true });
    return output.tolist().map((v) => Float32Array.from(v));
  }

  private async load(): Promise<Extractor> {
    const transformers = await import('@huggingface/transformers');
    transformers.env.allowRemoteModels = false;
    transformers.env.allowLocalModels = true;
    transformers.env.localModelPath = `${dirname(this.folder)}/`;
    return await transformers.pipeline('feature-extraction', basename(this.folder), { dtype: 'fp32' });
  }
}
