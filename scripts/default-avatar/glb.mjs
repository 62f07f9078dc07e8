// The glTF binary around the exporter: reading and writing GLB chunks, fewer meshes before export
// (rigid meshes merged per bone and material), smaller normals after it (KHR_mesh_quantization).
import { TextDecoder, TextEncoder } from 'node:util';
import * as THREE from 'three';
import { mergeGeometries } from 'three/examples/jsm/utils/BufferGeometryUtils.js';

const GLB_MAGIC = 0x46546c67;
const CHUNK_JSON = 0x4e4f534a;
const CHUNK_BIN = 0x004e4942;

export function readGlb(glb) {
  const view = new DataView(glb);
  if (view.getUint32(0, true) !== GLB_MAGIC) throw new Error('not a glTF binary');
  const jsonLength = view.getUint32(12, true);
  const json = JSON.parse(new TextDecoder().decode(new Uint8Array(glb, 20, jsonLength)));
  const binLength = view.getUint32(20 + jsonLength, true);
  return { json, bin: new Uint8Array(glb, 28 + jsonLength, binLength) };
}

export function writeGlb(json, bin) {
  const text = new TextEncoder().encode(JSON.stringify(json));
  const jsonChunk = new Uint8Array(Math.ceil(text.length / 4) * 4).fill(0x20);
  jsonChunk.set(text);
  const total = 12 + 8 + jsonChunk.length + 8 + bin.length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, GLB_MAGIC, true);
  view.setUint32(4, 2, true);
  view.setUint32(8, total, true);
  view.setUint32(12, jsonChunk.length, true);
  view.setUint32(16, CHUNK_JSON, true);
  out.set(jsonChunk, 20);
  view.setUint32(20 + jsonChunk.length, bin.length, true);
  view.setUint32(24 + jsonChunk.length, CHUNK_BIN, true);
  out.set(bin, 28 + jsonChunk.length);
  return out;
}

// Merging: every rigid mesh is merged, per material, into the bone (or other kept node) it hangs
// from. Same look, a third of the glTF JSON and draw calls.
/** `keep(node)` says which nodes stay (bones, the tail); meshes with morph targets stay as they are. */
export function mergeRigidMeshes(scene, keep) {
  scene.updateMatrixWorld(true);
  const groups = new Map();
  scene.traverse((object) => {
    if (!object.isMesh || object.morphTargetInfluences?.length) return;
    let owner = object.parent;
    while (!keep(owner)) owner = owner.parent;
    const key = `${owner.uuid}/${object.material.uuid}`;
    if (!groups.has(key)) groups.set(key, { owner, material: object.material, parts: [] });
    const relative = new THREE.Matrix4().copy(owner.matrixWorld).invert().multiply(object.matrixWorld);
    groups.get(key).parts.push({ object, geometry: object.geometry.clone().applyMatrix4(relative) });
  });
  for (const { owner, material, parts } of groups.values()) {
    for (const { object } of parts) object.removeFromParent();
    const merged = new THREE.Mesh(mergeGeometries(parts.map((p) => p.geometry)), material);
    merged.name = `${owner.name}_${material.name}`;
    owner.add(merged);
  }
  // nodes left without meshes or kept children (ear pivots, bow) go away
  const empty = [];
  scene.traverse((object) => {
    if (object !== scene && !keep(object) && !object.isMesh && object.children.length === 0) empty.push(object);
  });
  for (const object of empty) object.removeFromParent();
}

// Normals as normalized bytes (read by three's GLTFLoader): 4 bytes a vertex instead of 12, a
// quarter off the file, no visible difference on these smooth shapes.
const BYTE = 5120;
const FLOAT = 5126;

export function quantizeNormals(json, bin) {
  const normals = new Set();
  for (const mesh of json.meshes ?? []) for (const p of mesh.primitives) if (p.attributes.NORMAL !== undefined) normals.add(p.attributes.NORMAL);
  const accessorOfView = new Map(json.accessors.map((a, i) => [a.bufferView, i]));
  const chunks = [];
  let offset = 0;
  json.bufferViews.forEach((view, i) => {
    let bytes = bin.subarray(view.byteOffset ?? 0, (view.byteOffset ?? 0) + view.byteLength);
    const index = accessorOfView.get(i);
    const accessor = json.accessors[index];
    if (normals.has(index) && accessor.componentType === FLOAT && accessor.type === 'VEC3' && (view.byteStride ?? 12) === 12) {
      const src = new Float32Array(bytes.slice().buffer);
      const out = new Int8Array(accessor.count * 4);
      for (let k = 0; k < accessor.count; k++) for (let c = 0; c < 3; c++) out[k * 4 + c] = Math.round(Math.max(-1, Math.min(1, src[k * 3 + c])) * 127);
      bytes = new Uint8Array(out.buffer);
      Object.assign(accessor, { componentType: BYTE, normalized: true });
      delete accessor.min;
      delete accessor.max;
      view.byteStride = 4;
    }
    offset = Math.ceil(offset / 4) * 4;
    chunks.push({ offset, bytes });
    view.byteOffset = offset;
    view.byteLength = bytes.length;
    offset += bytes.length;
  });
  const out = new Uint8Array(Math.ceil(offset / 4) * 4);
  for (const { offset: at, bytes } of chunks) out.set(bytes, at);
  json.buffers[0].byteLength = out.length;
  json.extensionsUsed = [...new Set([...(json.extensionsUsed ?? []), 'KHR_mesh_quantization'])];
  json.extensionsRequired = [...new Set([...(json.extensionsRequired ?? []), 'KHR_mesh_quantization'])];
  return out;
}
