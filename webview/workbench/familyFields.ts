// The form's family-specific parts: a line under the model picker naming the model's family (and, for a
// distilled model, the settings it was given), and SDXL's micro-conditioning fields, shown for SDXL models
// only, each showing its default (from the image size) while empty.
import { familyHint } from '../../src/protocol/familyForm';
import { MICRO_KEYS, microDefault } from '../../src/protocol/microConditioning';
import type { ModelOption, ParamsForm } from '../../src/protocol/workbench';

type Placeholder = HTMLElement & { placeholder: string };

export class FamilyFields {
  readonly hint = document.createElement('div');

  constructor(private readonly control: (key: keyof ParamsForm) => Placeholder) {
    this.hint.className = 'hint family-hint';
    this.hint.setAttribute('role', 'status');
  }

  update(model: ModelOption | undefined, form: ParamsForm): void {
    this.hint.textContent = familyHint(model);
    for (const key of MICRO_KEYS) {
      const control = this.control(key);
      control.closest('.field')!.toggleAttribute('hidden', !model?.microConditioning);
      control.placeholder = microDefault(key, form.width, form.height);
    }
  }
}
