// The files a sweep writes into its output folder beside the cells' PNGs, by name.

/** Every cell of the folder, with its spec, values and key (sweepIndex.ts). */
export const INDEX_FILE = 'index.json';
/** The labelled grid of every cell, written once the folder holds them all. */
export const GRID_FILE = 'grid.png';
