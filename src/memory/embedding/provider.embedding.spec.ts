import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveCoreConfig } from '../../shared/config/core-config.derive';
import { embeddingEndpoint, localModelFolder } from './provider.embedding';

describe('choosing the embedder', () => {
  it('uses the user endpoint, else the assist provider embedding model when it has a key', () => {
    const file = { assistApi: 'openai', assistApiKeyOpenai: 'sk-o' };
    expect(embeddingEndpoint(deriveCoreConfig(file), file)).toEqual({ model: 'text-embedding-3-small', url: 'https://api.openai.com/v1', apiKey: 'sk-o' });
    const own = { ...file, embeddingModelId: 'bge-m3', embeddingModelUrl: 'http://127.0.0.1:11434/v1' };
    expect(embeddingEndpoint(deriveCoreConfig(own), own)).toEqual({ model: 'bge-m3', url: 'http://127.0.0.1:11434/v1', apiKey: 'sk-o' });
    expect(embeddingEndpoint(deriveCoreConfig({}), {})).toBeUndefined();
    expect(embeddingEndpoint(deriveCoreConfig({ coreApi: 'free' }), { coreApi: 'free' })).toBeUndefined();
  });

  it('takes a local model folder only when it holds onnx/model.onnx', () => {
    const dir = mkdtempSync(join(tmpdir(), 'neko-lm-'));
    expect(localModelFolder({ embeddingModelPath: dir }, {})).toBeUndefined();
    mkdirSync(join(dir, 'onnx'));
    writeFileSync(join(dir, 'onnx', 'model.onnx'), '');
    expect(localModelFolder({ embeddingModelPath: dir }, {})).toBe(dir);
    expect(localModelFolder({}, { NEKO_EMBEDDING_MODEL_DIR: dir })).toBe(dir);
  });
});
