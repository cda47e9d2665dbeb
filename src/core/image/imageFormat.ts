// Image files told apart by their first bytes, wherever bytes arrive: an input image, a dropped file, a
// PNG to restore parameters from, an export from a webview.

export type ImageFormat = 'png' | 'jpeg' | 'gif';

const SIGNATURES: readonly (readonly [ImageFormat, readonly number[]])[] = [
  ['png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  // Start of image, then the first segment's marker byte.
  ['jpeg', [0xff, 0xd8, 0xff]],
  // "GIF8" (GIF87a and GIF89a).
  ['gif', [0x47, 0x49, 0x46, 0x38]],
];

/** The format whose signature `bytes` start with, if anything follows it. */
export function imageFormat(bytes: Uint8Array): ImageFormat | undefined {
  const starts = (signature: readonly number[]) =>
    bytes.length > signature.length && signature.every((b, i) => bytes[i] === b);
  return SIGNATURES.find(([, signature]) => starts(signature))?.[0];
}
