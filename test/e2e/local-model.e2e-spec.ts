import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DIST } from '../support/launcher.harness';
import { writeTinyEmbeddingModel } from '../support/tiny-embedding-model';

jest.setTimeout(60_000);
const run = promisify(execFile);

/**
 * Runs the compiled adapter in a plain Node process: onnxruntime checks typed arrays with
 * instanceof, which Jest's sandboxed globals do not pass.
 */
async function embedWithLocalModel(folder: string, texts: string[]): Promise<{ id: string; vectors: number[][] }> {
  const script = `
    const { LocalModelEmbedding } = require(${JSON.stringify(join(DIST, 'memory', 'embedding', 'local-model.embedding.js'))});
    (async () => {
      const e = new LocalModelEmbedding(${JSON.stringify(folder)});
      const vectors = await e.embed(${JSON.stringify(texts)});
      process.stdout.write(JSON.stringify({ id: await e.modelId(), vectors: vectors.map((v) => Array.from(v)) }));
    })().catch((err) => { console.error(err); process.exit(1); });`;
  const { stdout } = await run(process.execPath, ['-e', script]);
  return JSON.parse(stdout) as { id: string; vectors: number[][] };
}

describe('local sentence-embedding model folder (ONNX through transformers.js, offline)', () => {
  const folder = join(mkdtempSync(join(tmpdir(), 'neko-model-')), 'tiny-model');
  beforeAll(() => writeTinyEmbeddingModel(folder, [['cat', 'kitten', 'feline'], ['dog', 'puppy'], ['car', 'automobile']]));

  it('embeds with mean pooling into unit vectors that put synonyms together', async () => {
    const { id, vectors } = await embedWithLocalModel(folder, ['cat', 'kitten', 'car', 'a kitten']);
    expect(id).toMatch(/^local-tiny-model-[0-9a-f]{8}$/);
    const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
    const [cat, kitten, car, aKitten] = vectors;
    expect(dot(cat, cat)).toBeCloseTo(1, 5);
    expect(dot(cat, kitten)).toBeGreaterThan(0.9);
    expect(dot(cat, car)).toBeLessThan(0.1);
    // Mean pooling over the unknown word "a" and "kitten": still far closer to cat than car is.
    expect(dot(cat, aKitten)).toBeGreaterThan(dot(cat, car) + 0.5);
  });
});
