// A WebAssembly module shipped as base64 (scripts/buildKernels.ts), instantiated where the core runs: the
// engine, the CLI and the webviews. WebAssembly and atob are globals in Node and in browsers that the
// core's types (no Node, no DOM) do not declare.
interface Host {
  WebAssembly: {
    Module: new (bytes: Uint8Array) => unknown;
    Instance: new (module: unknown) => { exports: unknown };
  };
  atob(base64: string): string;
}

/** A module's exported memory, as the kernels use it. */
export interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** Grows `memory` to at least `bytes`. Growing replaces its buffer, so views are made after this. */
export function fitMemory(memory: WasmMemory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (have < bytes) memory.grow(Math.ceil((bytes - have) / 65536));
}

/** A compiled module, from which each `instance()` gets an instance with a memory of its own. */
export function wasmModule<Exports>(base64: string): { instance(): Exports } {
  const host = globalThis as unknown as Host;
  const module = new host.WebAssembly.Module(Uint8Array.from(host.atob(base64), (c) => c.charCodeAt(0)));
  return { instance: () => new host.WebAssembly.Instance(module).exports as Exports };
}
