// jsonc-parser's ES module build. Its package "main" is a UMD build whose require() calls esbuild
// cannot follow, so the bundled extension failed to load ("Cannot find module './impl/format'").
export * from 'jsonc-parser/lib/esm/main.js';
