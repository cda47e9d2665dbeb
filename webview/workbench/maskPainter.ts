// The inpainting mask, painted over the init image: a canvas at the image's own pixel size laid over
// its preview, painted with a round brush (size in image pixels) or erased, cleared, or filled from a
// mask file. What the run gets is a black-and-white PNG of the image's size: white repaints, as the
// engine (and diffusers, A1111) read a mask.

/** Painted pixels show as this colour over the image (the canvas is half transparent). */
const PAINT = 'rgb(255, 64, 64)';

export class MaskPainter {
  readonly canvas = document.createElement('canvas');
  private readonly ctx: CanvasRenderingContext2D;
  brush = 8;
  erasing = false;
  private last: { x: number; y: number } | undefined;

  constructor(private readonly onChange: () => void) {
    this.canvas.className = 'mask-canvas';
    this.canvas.setAttribute('aria-label', 'Mask: drag to paint the part to repaint');
    this.ctx = this.canvas.getContext('2d', { willReadFrequently: true })!;
    this.canvas.addEventListener('pointerdown', (e) => {
      this.canvas.setPointerCapture(e.pointerId);
      this.stroke(this.at(e));
    });
    this.canvas.addEventListener('pointermove', (e) => {
      if (this.last) this.stroke(this.at(e));
    });
    const end = () => {
      if (!this.last) return;
      this.last = undefined;
      this.onChange();
    };
    this.canvas.addEventListener('pointerup', end);
    this.canvas.addEventListener('pointercancel', end);
  }

  /** A new image: an empty mask of its size. */
  reset(width: number, height: number): void {
    Object.assign(this.canvas, { width, height });
    this.brush = Math.max(1, Math.round(Math.min(width, height) / 8));
  }

  clear(): void {
    this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.onChange();
  }

  /** Whether any pixel is painted (as the PNG would have it: white). */
  painted(): boolean {
    const { data } = this.ctx.getImageData(0, 0, this.canvas.width, this.canvas.height);
    for (let i = 3; i < data.length; i += 4) if (data[i] >= 128) return true;
    return false;
  }

  /** Paints from a mask file's pixels: white (luma ≥ 128, PIL's L weights) becomes painted. */
  async load(bytes: Uint8Array, mime: string): Promise<void> {
    const bitmap = await createImageBitmap(new Blob([bytes as BlobPart], { type: mime }));
    const { width, height } = this.canvas;
    const scratch = Object.assign(document.createElement('canvas'), { width, height }).getContext('2d')!;
    scratch.drawImage(bitmap, 0, 0, width, height);
    const src = scratch.getImageData(0, 0, width, height).data;
    const out = this.ctx.createImageData(width, height);
    for (let i = 0; i < src.length; i += 4) {
      const luma = (src[i] * 299 + src[i + 1] * 587 + src[i + 2] * 114) / 1000;
      if (luma >= 128) out.data.set([255, 64, 64, 255], i);
    }
    this.ctx.putImageData(out, 0, 0);
    this.onChange();
  }

  /** The mask as the run takes it: an opaque PNG, white where painted, black elsewhere. */
  async png(): Promise<Uint8Array> {
    const { width, height } = this.canvas;
    const painted = this.ctx.getImageData(0, 0, width, height);
    const out = new ImageData(width, height);
    for (let i = 0; i < painted.data.length; i += 4) {
      const v = painted.data[i + 3] >= 128 ? 255 : 0;
      out.data.set([v, v, v, 255], i);
    }
    const scratch = Object.assign(document.createElement('canvas'), { width, height });
    scratch.getContext('2d')!.putImageData(out, 0, 0);
    const blob = await new Promise<Blob | null>((resolve) => scratch.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('the mask could not be encoded as a PNG');
    return new Uint8Array(await blob.arrayBuffer());
  }

  /** Where a pointer event falls, in image pixels. */
  private at(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return {
      x: ((e.clientX - r.left) * this.canvas.width) / r.width,
      y: ((e.clientY - r.top) * this.canvas.height) / r.height,
    };
  }

  /** A round-capped segment from the last point (a dot on the first). */
  private stroke(p: { x: number; y: number }): void {
    const from = this.last ?? p;
    const ctx = this.ctx;
    ctx.globalCompositeOperation = this.erasing ? 'destination-out' : 'source-over';
    ctx.strokeStyle = PAINT;
    ctx.lineWidth = this.brush;
    ctx.lineCap = ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    // A zero-length segment draws nothing with some canvases: nudge it.
    ctx.lineTo(p.x + (from === p ? 0.01 : 0), p.y);
    ctx.stroke();
    this.last = p;
  }
}
