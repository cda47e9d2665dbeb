// The form's "Init image" section: an image to start from (chosen in a dialog, dropped on the
// section, or an output of the run on view), what to do with it (image-to-image with a strength,
// inpainting with a mask painted over it, or DDIM inversion), each value checked as typed by the
// same rule the host runs (validateImageInput). Without an init image runs are text-to-image.
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { A1111_MASKED_CONTENT, type A1111MaskedContent } from '../../src/core/kdiffusion/a1111Inpaint';
import { COMFY_INPAINT_NODES, type ComfyInpaintNode } from '../../src/core/kdiffusion/comfyInpaint';
import { INPAINT_AREAS, type InpaintArea } from '../../src/protocol/run';
import {
  defaultImageInput,
  validateImageInput,
  type ImageInputErrors,
  type ImageInputField,
  type ImageInputForm,
  type ImageMode,
  type ImageSettings,
  type InitImageInfo,
} from '../../src/protocol/workbenchImage';
import { MaskPainter } from './maskPainter';
import { button } from './paramsForm';
import './initImage.css';
import { imageFormat } from '../../src/core/image/imageFormat';

type Control = HTMLElement & { value: string; invalid: boolean };

export interface InitImageHandlers {
  pick(): void;
  drop(name: string, bytes: Uint8Array): void;
  /** The first image of the run on view; undefined when there is none. */
  useImageOnView(): void;
  pickMask(initImageId: string): void;
}

const MODES: [ImageMode, string][] = [
  ['img2img', 'Image-to-image'],
  ['inpaint', 'Inpaint (paint a mask)'],
  ['invert', 'Invert and reconstruct (DDIM)'],
];

export class InitImageSection {
  readonly element = document.createElement('fieldset');
  private image: InitImageInfo | undefined;
  private readonly preview = document.createElement('img');
  private readonly stage = document.createElement('div');
  private readonly painter = new MaskPainter(() => this.validate());
  private readonly mode: Control;
  /** The mode as picked: a select reads back '' until its options have rendered. */
  private modeValue: ImageMode;
  private readonly strength: Control;
  private readonly maskBlur: Control;
  private readonly maskedContent: Picked<A1111MaskedContent>;
  private readonly inpaintArea: Control;
  private inpaintAreaValue: InpaintArea;
  private readonly inpaintNode: Picked<ComfyInpaintNode>;
  private readonly maskPadding: Control;
  private readonly growMaskBy: Control;
  private readonly brush = document.createElement('input');
  private readonly eraseButton: HTMLElement;
  private readonly errorLines = new Map<ImageInputField, HTMLElement>();
  private readonly body = document.createElement('div');
  private readonly maskTools = document.createElement('div');

  constructor(private readonly handlers: InitImageHandlers) {
    this.element.className = 'init-image';
    this.element.append(Object.assign(document.createElement('legend'), { textContent: 'Init image' }));
    const defaults = defaultImageInput();
    this.mode = select('init-mode', MODES, defaults.mode);
    this.modeValue = defaults.mode;
    this.strength = textfield('init-strength', defaults.strength);
    this.maskBlur = textfield('init-mask-blur', defaults.maskBlur);
    this.maskedContent = picked('init-masked-content', A1111_MASKED_CONTENT, defaults.maskedContent);
    const areas = INPAINT_AREAS.map((a): [InpaintArea, string] => [a, a]);
    this.inpaintArea = select('init-inpaint-area', areas, defaults.inpaintArea);
    this.inpaintAreaValue = defaults.inpaintArea;
    this.inpaintArea.addEventListener('change', () => this.setInpaintArea(this.inpaintArea.value as InpaintArea));
    this.maskPadding = textfield('init-mask-padding', defaults.maskPadding);
    this.inpaintNode = picked('init-inpaint-node', COMFY_INPAINT_NODES, defaults.inpaintNode);
    this.inpaintNode.control.addEventListener('change', () => this.inpaintNodeChanged());
    this.growMaskBy = textfield('init-grow-mask-by', defaults.growMaskBy);
    this.eraseButton = button('Erase', () => this.setErasing(!this.painter.erasing), true);
    this.eraseButton.setAttribute('aria-pressed', 'false');
    this.mode.addEventListener('change', () => this.setMode(this.mode.value as ImageMode));
    for (const c of [this.strength, this.maskBlur, this.maskPadding, this.growMaskBy])
      c.addEventListener('input', () => this.validate());
    Object.assign(this.brush, { type: 'range', min: '1', max: '64', id: 'init-brush' });
    this.brush.addEventListener('input', () => (this.painter.brush = Number(this.brush.value)));

    const tools = row(
      button('Choose image…', () => handlers.pick(), true),
      button('Use image on view', () => handlers.useImageOnView(), true),
      button('Clear', () => this.clear(), true),
    );
    const hint = Object.assign(document.createElement('div'), {
      className: 'hint',
      textContent: 'or drop a PNG or JPEG here. Without one, runs start from noise.',
    });
    this.stage.className = 'init-stage';
    this.preview.alt = 'Init image';
    this.stage.append(this.preview, this.painter.canvas);
    this.maskTools.className = 'mask-tools';
    this.maskTools.append(
      row(
        labelled('Brush', this.brush),
        this.eraseButton,
        button('Clear mask', () => this.painter.clear(), true),
        button('Load mask…', () => this.image && handlers.pickMask(this.image.id), true),
      ),
      this.errorLine('mask'),
      field('Mask blur (px)', this.maskBlur, this.errorLine('maskBlur')),
      field('Masked content', this.maskedContent.control, undefined, "A1111's; with an A1111 sampler"),
      field('Inpaint area', this.inpaintArea, undefined, "A1111's; only masked: the region around the mask"),
      field('Only masked padding (px)', this.maskPadding, this.errorLine('maskPadding')),
      field('Inpaint node', this.inpaintNode.control, undefined, "ComfyUI's; with a ComfyUI sampler"),
      field('Grow mask by (px)', this.growMaskBy, this.errorLine('growMaskBy'), "VAEEncodeForInpaint's grow_mask_by"),
    );
    this.body.className = 'init-body';
    this.body.append(
      this.stage,
      field('Use it for', this.mode),
      field('Strength', this.strength, this.errorLine('strength'), '0 keeps the image; 1 starts from noise'),
      this.maskTools,
    );
    this.element.append(tools, hint, this.errorLine('initImage'), this.body);
    this.element.addEventListener('dragover', (e) => {
      e.preventDefault();
      this.element.classList.add('drag-over');
    });
    this.element.addEventListener('dragleave', () => this.element.classList.remove('drag-over'));
    this.element.addEventListener('drop', (e) => void this.dropped(e));
    this.setInpaintArea(defaults.inpaintArea);
    this.inpaintNodeChanged();
    this.show(undefined);
  }

  /** Shows an init image (undefined: none) and, for a restored run, its settings; a new image clears the mask. */
  show(image: InitImageInfo | undefined, settings?: ImageSettings): void {
    if (settings) {
      this.strength.value = settings.strength;
      this.maskBlur.value = settings.maskBlur;
      this.maskedContent.set(settings.maskedContent);
      this.maskPadding.value = settings.maskPadding;
      this.inpaintNode.set(settings.inpaintNode);
      this.growMaskBy.value = settings.growMaskBy;
      this.inpaintNodeChanged();
      this.setInpaintArea(settings.inpaintArea);
      this.modeValue = settings.mode;
      this.mode.value = settings.mode;
    }
    this.image = image;
    if (this.preview.src) URL.revokeObjectURL(this.preview.src);
    this.preview.removeAttribute('src');
    this.body.hidden = !image;
    this.element.classList.toggle('has-image', !!image);
    if (image) {
      this.preview.src = URL.createObjectURL(new Blob([image.bytes as BlobPart], { type: image.mime }));
      this.preview.title = `${image.label} · ${image.width}×${image.height}`;
      this.painter.reset(image.width, image.height);
      this.brush.max = String(Math.max(8, Math.round(Math.max(image.width, image.height) / 2)));
      this.brush.value = String(this.painter.brush);
    }
    this.modeChanged();
  }

  /** A mask file the host read: painted over the image. */
  async loadMask(bytes: Uint8Array, mime: string): Promise<void> {
    if (!this.image) return;
    this.setMode('inpaint');
    await this.painter.load(bytes, mime);
  }

  /** "Generate on this image": a fresh image has no mask, so inpainting falls back to image-to-image. */
  preferImageToImage(): void {
    if (this.modeValue === 'inpaint') this.setMode('img2img');
  }

  showErrors(errors: ImageInputErrors): boolean {
    for (const [field, line] of this.errorLines) line.textContent = errors[field] ?? '';
    this.strength.invalid = errors.strength !== undefined;
    this.maskBlur.invalid = errors.maskBlur !== undefined;
    this.maskPadding.invalid = errors.maskPadding !== undefined;
    this.growMaskBy.invalid = errors.growMaskBy !== undefined;
    return Object.keys(errors).length > 0;
  }

  /** The image input for a run: undefined without an init image, 'invalid' when a value is wrong
   * (its error is shown), else the input with the painted mask as a PNG. */
  async read(): Promise<ImageInputForm | undefined | 'invalid'> {
    if (!this.image) return undefined;
    const input = this.typed();
    if (input.mode === 'inpaint' && this.painter.painted()) input.mask = await this.painter.png();
    return this.showErrors(validateImageInput(input).errors) ? 'invalid' : input;
  }

  private typed(): ImageInputForm {
    return {
      initImageId: this.image?.id ?? '',
      mode: this.modeValue,
      strength: this.strength.value,
      maskBlur: this.maskBlur.value,
      maskedContent: this.maskedContent.value,
      inpaintArea: this.inpaintAreaValue,
      maskPadding: this.maskPadding.value,
      inpaintNode: this.inpaintNode.value,
      growMaskBy: this.growMaskBy.value,
    };
  }

  /** Checks as typed; a mask not painted yet is not flagged until Generate. */
  private validate(): void {
    if (!this.image) return void this.showErrors({});
    const input = { ...this.typed(), mask: new Uint8Array(0) };
    this.showErrors(validateImageInput(input).errors);
  }

  /** The padding shows only for "only masked", which reads it. */
  private setInpaintArea(area: InpaintArea): void {
    this.inpaintAreaValue = area;
    if (this.inpaintArea.value !== area) this.inpaintArea.value = area;
    this.maskPadding.closest('.field')?.toggleAttribute('hidden', area !== 'only masked');
    this.validate();
  }

  /** grow_mask_by shows only for VAEEncodeForInpaint, which reads it. */
  private inpaintNodeChanged(): void {
    const node = this.inpaintNode.value;
    this.growMaskBy.closest('.field')?.toggleAttribute('hidden', node !== 'VAEEncodeForInpaint');
    this.validate();
  }

  private setMode(mode: ImageMode): void {
    this.modeValue = mode;
    if (this.mode.value !== mode) this.mode.value = mode;
    this.modeChanged();
  }

  private modeChanged(): void {
    const mode = this.modeValue;
    this.maskTools.hidden = mode !== 'inpaint';
    this.painter.canvas.hidden = mode !== 'inpaint';
    this.strength.closest('.field')!.toggleAttribute('hidden', mode === 'invert');
    this.validate();
  }

  private clear(): void {
    this.show(undefined);
    this.showErrors({});
  }

  private setErasing(erasing: boolean): void {
    this.painter.erasing = erasing;
    this.eraseButton.setAttribute('aria-pressed', String(erasing));
    this.eraseButton.toggleAttribute('secondary', !erasing);
  }

  /** A dropped file: a PNG or JPEG goes to the host; anything else is named here. */
  private async dropped(e: DragEvent): Promise<void> {
    e.preventDefault();
    this.element.classList.remove('drag-over');
    const file = e.dataTransfer?.files[0];
    if (!file) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    const format = imageFormat(bytes);
    if (format !== 'png' && format !== 'jpeg') {
      this.showErrors({ initImage: `${file.name} is not a PNG or JPEG image.` });
      return;
    }
    this.handlers.drop(file.name, bytes);
  }

  private errorLine(field: ImageInputField): HTMLElement {
    const line = Object.assign(document.createElement('div'), { className: 'error', id: `init-${field}-error` });
    line.setAttribute('role', 'alert');
    this.errorLines.set(field, line);
    return line;
  }
}

function select(id: string, options: [string, string][], value: string): Control {
  const control = document.createElement('vscode-single-select') as Control;
  control.id = id;
  for (const [v, label] of options) {
    const o = document.createElement('vscode-option');
    o.setAttribute('value', v);
    o.textContent = label;
    control.append(o);
  }
  control.value = value;
  return control;
}

/** A select of `values` and its value as picked: the select reads back '' until its options have rendered. */
interface Picked<T extends string> {
  readonly control: Control;
  readonly value: T;
  set(value: T): void;
}

function picked<T extends string>(id: string, values: readonly T[], initial: T): Picked<T> {
  const control = select(
    id,
    values.map((v) => [v, v]),
    initial,
  );
  let value = initial;
  control.addEventListener('change', () => (value = control.value as T));
  return {
    control,
    get value() {
      return value;
    },
    set(v: T) {
      value = v;
      control.value = v;
    },
  };
}

function textfield(id: string, value: string): Control {
  const control = document.createElement('vscode-textfield') as Control;
  control.id = id;
  control.value = value;
  return control;
}

function field(label: string, control: HTMLElement, error?: HTMLElement, hint?: string): HTMLElement {
  const wrapper = Object.assign(document.createElement('div'), { className: 'field' });
  const l = document.createElement('vscode-label');
  l.setAttribute('for', control.id);
  l.textContent = label;
  wrapper.append(l, control);
  if (hint) wrapper.append(Object.assign(document.createElement('div'), { className: 'hint', textContent: hint }));
  if (error) wrapper.append(error);
  return wrapper;
}

function labelled(text: string, control: HTMLElement): HTMLElement {
  const l = document.createElement('label');
  l.className = 'inline';
  l.append(`${text} `, control);
  return l;
}

function row(...children: HTMLElement[]): HTMLElement {
  const div = Object.assign(document.createElement('div'), { className: 'row' });
  div.append(...children);
  return div;
}
