#!/usr/bin/env node
// The `diffusion-lab` command (package.json "bin"): the bundled CLI in dist/.
require('../dist/cli.js').run();
