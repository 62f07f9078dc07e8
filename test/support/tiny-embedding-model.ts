import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';

/** The part of onnx.proto needed to write a one-node model (field numbers from ONNX). */
const ONNX_PROTO = `
syntax = "proto3";
message OperatorSetIdProto { string domain = 1; int64 version = 2; }
message Dimension { int64 dim_value = 1; string dim_param = 2; }
message TensorShapeProto { repeated Dimension dim = 1; }
message TensorTypeProto { int32 elem_type = 1; TensorShapeProto shape = 2; }
message TypeProto { TensorTypeProto tensor_type = 1; }
message ValueInfoProto { string name = 1; TypeProto type = 2; }
message TensorProto { repeated int64 dims = 1; int32 data_type = 2; string name = 8; bytes raw_data = 9; }
message NodeProto { repeated string input = 1; repeated string output = 2; string name = 3; string op_type = 4; }
message GraphProto { repeated NodeProto node = 1; string name = 2; repeated TensorProto initializer = 5; repeated ValueInfoProto input = 11; repeated ValueInfoProto output = 12; }
message ModelProto { int64 ir_version = 1; string producer_name = 2; GraphProto graph = 7; repeated OperatorSetIdProto opset_import = 8; }
`;

const FLOAT = 1;
const INT64 = 7;

/**
 * Writes a tiny sentence-embedding model folder in the layout transformers.js loads offline
 * (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx): a word-level tokenizer
 * and one Gather node whose embedding rows put synonyms close together. Good enough to prove the
 * local-model path end to end without any download.
 */
export function writeTinyEmbeddingModel(dir: string, groups: readonly (readonly string[])[], dim = 16): void {
  const vocab: Record<string, number> = { '[PAD]': 0, '[UNK]': 1 };
  const rows: number[][] = [new Array<number>(dim).fill(0), new Array<number>(dim).fill(0).map((_, i) => (i === dim - 1 ? 1 : 0))];
  groups.forEach((words, g) => {
    for (const [w, word] of words.entries()) {
      vocab[word] = rows.length;
      rows.push(new Array<number>(dim).fill(0).map((_, i) => (i === g ? 1 : i === (g + 1 + w) % (dim - 1) ? 0.2 : 0)));
    }
  });
  const root = protobuf.parse(ONNX_PROTO).root;
  const Model = root.lookupType('ModelProto');
  const shape = (...dims: Array<string | number>) => ({ dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) });
  const input = (name: string) => ({ name, type: { tensorType: { elemType: INT64, shape: shape('batch', 'sequence') } } });
  const model = Model.create({
    irVersion: 8,
    producerName: 'neko-ts-test',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny',
      node: [{ name: 'embed', opType: 'Gather', input: ['embeddings', 'input_ids'], output: ['last_hidden_state'] }],
      initializer: [{ name: 'embeddings', dataType: FLOAT, dims: [rows.length, dim], rawData: Buffer.from(new Float32Array(rows.flat()).buffer) }],
      input: [input('input_ids'), input('attention_mask'), input('token_type_ids')],
      output: [{ name: 'last_hidden_state', type: { tensorType: { elemType: FLOAT, shape: shape('batch', 'sequence', dim) } } }],
    },
  });
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'onnx', 'model.onnx'), Model.encode(model).finish());
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: dim }));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ tokenizer_class: 'PreTrainedTokenizer', model_max_length: 128, pad_token: '[PAD]', unk_token: '[UNK]' }));
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  writeFileSync(
    join(dir, 'tokenizer.json'),
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [special(0, '[PAD]'), special(1, '[UNK]')],
      normalizer: { type: 'Lowercase' },
      pre_tokenizer: { type: 'Whitespace' },
      post_processor: null,
      decoder: null,
      model: { type: 'WordLevel', vocab, unk_token: '[UNK]' },
    }),
  );
}
