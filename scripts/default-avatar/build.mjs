// The default avatar, built from three.js shapes at `npm run build:web` (no download, no binary in
// the repository): public/avatars/neko-default.vrm, served as /static/avatars/neko-default.vrm.
// Same input, same bytes: nothing random, no time stamps.
import { Buffer } from 'node:buffer';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GLTFExporter } from 'three/examples/jsm/exporters/GLTFExporter.js';
import { buildAvatar } from './body.mjs';
import { mergeRigidMeshes } from './glb.mjs';
import { HUMAN_BONES, toVrm } from './vrm-extension.mjs';

// GLTFExporter reads its output Blob with FileReader, which Node lacks: the little it uses, on Blob.arrayBuffer().
if (typeof globalThis.FileReader === 'undefined') {
  globalThis.FileReader = class FileReader {
    readAsArrayBuffer(blob) {
      void blob.arrayBuffer().then((buffer) => {
        this.result = buffer;
        this.onloadend?.();
        this.onload?.({ target: this });
      });
    }
    readAsDataURL(blob) {
      void blob.arrayBuffer().then((buffer) => {
        this.result = `data:${blob.type || 'application/octet-stream'};base64,${Buffer.from(buffer).toString('base64')}`;
        this.onloadend?.();
        this.onload?.({ target: this });
      });
    }
  };
}

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const out = join(root, 'public/avatars/neko-default.vrm');

const started = Date.now();
const { scene, headHeight } = buildAvatar();
const kept = new Set([...HUMAN_BONES, 'Tail']);
mergeRigidMeshes(scene, (node) => node === scene || kept.has(node.name));
const glb = await new GLTFExporter().parseAsync(scene, { binary: true, onlyVisible: true });
const vrm = toVrm(glb, { eyeHeight: headHeight - 0.03 });
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, vrm);
console.log(`default avatar built in ${Date.now() - started} ms: ${(vrm.length / 1024).toFixed(0)} KiB`);
