import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Runs the npm `espeak-ng` 1.0.2 build (GPL-3.0-or-later): the espeak-ng CLI compiled to WASM by
 * Emscripten (ES module, MODULARIZE). Each call instantiates a fresh module whose `main` runs
 * the given arguments once (the CLI is not re-entrant); the 18 MB WASM is read and compiled once
 * per process and reused, which leaves about 0.3 s per call, almost all instantiation.
 *
 * Loading: `import('espeak-ng')` is compiled to `require()` by tsc (CommonJS output, Node ≥ 20.19
 * can require this ESM file: it has no top-level await) and by swc under Jest (which also
 * rewrites its `import.meta.url`). Both give either the namespace or a wrapper around it, so the
 * factory is found by following `default`. The bundle keeps `espeak-ng` external.
 */

/** The part of the WebAssembly global used here (@types/node 20 does not declare it). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule, imports: object): Promise<WasmInstance>;
}
type WasmModule = object;
type WasmInstance = object;
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface EmscriptenFs {
  readFile(path: string): Uint8Array;
}

interface EspeakModule {
  readonly FS: EmscriptenFs;
}

interface EspeakModuleArgs {
  arguments: string[];
  print(text: string): void;
  printErr(text: string): void;
  quit(status: number, toThrow: unknown): void;
  instantiateWasm(imports: object, receive: (instance: WasmInstance, module: WasmModule) => void): object;
}

type EspeakFactory = (args: EspeakModuleArgs) => Promise<EspeakModule>;

export class EspeakRuntimeError extends Error {
  override readonly name = 'EspeakRuntimeError';
}

let factory: Promise<EspeakFactory> | undefined;
let compiled: Promise<WasmModule> | undefined;

function findFactory(mod: unknown): EspeakFactory {
  let current = mod;
  for (let depth = 0; depth < 3; depth++) {
    if (typeof current === 'function') return current as EspeakFactory;
    current = (current as { default?: unknown } | undefined)?.default;
  }
  throw new EspeakRuntimeError('the espeak-ng package exports no module factory');
}

function loadFactory(): Promise<EspeakFactory> {
  // @ts-expect-error -- espeak-ng ships no type declarations; findFactory checks what it gives.
  factory ??= import('espeak-ng').then((mod: unknown) => findFactory(mod));
  return factory;
}

function loadWasm(): Promise<WasmModule> {
  compiled ??= readFile(join(dirname(require.resolve('espeak-ng')), 'espeak-ng.wasm')).then((bytes) => wasmApi.compile(bytes));
  return compiled;
}

/** Loads and compiles the engine ahead of the first call (optional; the first call does it otherwise). */
export async function warmUpEspeak(): Promise<void> {
  await Promise.all([loadFactory(), loadWasm()]);
}

/**
 * Runs `espeak-ng <args>` in a fresh WASM instance and returns the file it wrote at `outputPath`.
 * Exit statuses other than 0 become an EspeakRuntimeError carrying what the CLI printed on stderr.
 */
export async function runEspeak(args: readonly string[], outputPath: string): Promise<Uint8Array> {
  const [create, wasm] = await Promise.all([loadFactory(), loadWasm()]);
  const errors: string[] = [];
  let status = 0;
  let failInstantiate: (err: unknown) => void = () => undefined;
  const instantiateFailed = new Promise<never>((_resolve, reject) => (failInstantiate = reject));
  let module: EspeakModule;
  try {
    const created = create({
      arguments: [...args],
      print: () => undefined,
      printErr: (text) => void errors.push(text),
      // The default sets process.exitCode: keep the status to ourselves.
      quit: (code, toThrow) => {
        status = code;
        throw toThrow;
      },
      instantiateWasm: (imports, receive) => {
        wasmApi.instantiate(wasm, imports).then(
          (instance) => receive(instance, wasm),
          (err: unknown) => failInstantiate(err),
        );
        return {};
      },
    });
    // A failed instantiation never settles the module's own promise: race it.
    module = await Promise.race([created, instantiateFailed]);
  } catch (err) {
    throw new EspeakRuntimeError(`espeak-ng failed: ${String(err)}`, { cause: err });
  }
  if (status !== 0) throw new EspeakRuntimeError(`espeak-ng exited with ${status}: ${errors.join(' ').slice(0, 300)}`);
  try {
    return module.FS.readFile(outputPath);
  } catch (err) {
    throw new EspeakRuntimeError(`espeak-ng wrote no ${outputPath}: ${errors.join(' ').slice(0, 300)}`, { cause: err });
  }
}
