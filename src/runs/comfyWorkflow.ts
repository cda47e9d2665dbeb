// ComfyUI's two PNG text chunks for a run: `prompt`, the graph in ComfyUI's API format (what its server
// executes), and `workflow`, the same graph in the UI's format (version 0.4: nodes with ids, positions,
// sizes, linked inputs/outputs and widget values, and the links array), which the UI loads when the PNG is
// dropped on it. The graph is ComfyUI's default txt2img one (CheckpointLoaderSimple, two CLIPTextEncode,
// EmptyLatentImage, KSampler, VAEDecode, SaveImage) with the run's values, or for a run from an image its
// img2img form (LoadImage and VAEEncode in place of EmptyLatentImage, KSampler's denoise the strength;
// an inpainting run's latents go through SetLatentNoiseMask with a LoadImageMask of its mask's file; with
// InpaintModelConditioning, that node takes the image, the mask, the VAE and both prompts and gives KSampler
// its conditioning and latent; with VAEEncodeForInpaint, that node encodes the image with the mask and its
// grow_mask_by in VAEEncode's place); input names as comfy/nodes.py (v0.3.77) declares them. The checkpoint
// and the image are named after the model folder and the init image's file: the user loads their own.
import type { ComfyInpaintNode } from '../core/kdiffusion/comfyInpaint';

export interface ComfyRun {
  checkpoint: string;
  positive: string;
  negative: string;
  width: number;
  height: number;
  batchSize: number;
  seed: number;
  steps: number;
  cfg: number;
  samplerName: string;
  scheduler: string;
  /** A run from an image: its file name (LoadImage's `image`), KSampler's denoise, an inpainting run's mask
   * file (LoadImageMask's `image`, its red channel: white repaints), the node that takes it and, for
   * VAEEncodeForInpaint, its grow_mask_by. */
  init?: { image: string; denoise: number; mask?: string; node?: ComfyInpaintNode; grow?: number };
}

/** Node ids as in ComfyUI's default graph; an image run's LoadImage and VAEEncode after them, then an
 * inpainting run's LoadImageMask and SetLatentNoiseMask, or InpaintModelConditioning. */
const ID = {
  ksampler: 3,
  checkpoint: 4,
  latent: 5,
  positive: 6,
  negative: 7,
  decode: 8,
  save: 9,
  image: 10,
  encode: 11,
  maskImage: 12,
  noiseMask: 13,
  conditioning: 14,
} as const;

type Link = [number, number, number, number, number, string];

/** Whether InpaintModelConditioning prepares the run (an inpainting run with that node). */
const conditioned = (r: ComfyRun) => r.init?.mask !== undefined && r.init.node === 'InpaintModelConditioning';
/** Whether VAEEncodeForInpaint encodes the run's image (an inpainting run with that node, in VAEEncode's place). */
const encodedForInpaint = (r: ComfyRun) => r.init?.mask !== undefined && r.init.node === 'VAEEncodeForInpaint';

/** Where KSampler's latent, positive and negative inputs come from: [node, output slot] each. */
function samplerSources(r: ComfyRun): {
  latent: [number, number];
  positive: [number, number];
  negative: [number, number];
} {
  if (conditioned(r))
    return { latent: [ID.conditioning, 2], positive: [ID.conditioning, 0], negative: [ID.conditioning, 1] };
  const latent = r.init?.mask && !encodedForInpaint(r) ? ID.noiseMask : r.init ? ID.encode : ID.latent;
  return { latent: [latent, 0], positive: [ID.positive, 0], negative: [ID.negative, 0] };
}

/** [id, from node, from slot, to node, to slot, type]: the links of the graph, ids 1–9 as in the default graph
 * (2 from VAEEncode for an image run, whose LoadImage and VAE links follow; 2, 4 and 6 from
 * InpaintModelConditioning, whose inputs' links follow). */
function links(r: ComfyRun): Link[] {
  const from = samplerSources(r);
  return [
    [1, ID.checkpoint, 0, ID.ksampler, 0, 'MODEL'],
    [2, ...from.latent, ID.ksampler, 3, 'LATENT'],
    [3, ID.checkpoint, 1, ID.positive, 0, 'CLIP'],
    [4, ...from.positive, ID.ksampler, 1, 'CONDITIONING'],
    [5, ID.checkpoint, 1, ID.negative, 0, 'CLIP'],
    [6, ...from.negative, ID.ksampler, 2, 'CONDITIONING'],
    [7, ID.ksampler, 0, ID.decode, 0, 'LATENT'],
    [8, ID.checkpoint, 2, ID.decode, 1, 'VAE'],
    [9, ID.decode, 0, ID.save, 0, 'IMAGE'],
    ...imageLinks(r),
  ];
}

/** The links of an image run's nodes, ids from 10. */
function imageLinks(r: ComfyRun): Link[] {
  if (conditioned(r)) {
    return [
      [10, ID.image, 0, ID.conditioning, 3, 'IMAGE'],
      [11, ID.checkpoint, 2, ID.conditioning, 2, 'VAE'],
      [12, ID.maskImage, 0, ID.conditioning, 4, 'MASK'],
      [13, ID.positive, 0, ID.conditioning, 0, 'CONDITIONING'],
      [14, ID.negative, 0, ID.conditioning, 1, 'CONDITIONING'],
    ];
  }
  if (!r.init) return [];
  return [
    [10, ID.image, 0, ID.encode, 0, 'IMAGE'],
    [11, ID.checkpoint, 2, ID.encode, 1, 'VAE'],
    ...(encodedForInpaint(r)
      ? ([[12, ID.maskImage, 0, ID.encode, 2, 'MASK']] as Link[])
      : r.init.mask
        ? ([
            [12, ID.encode, 0, ID.noiseMask, 0, 'LATENT'],
            [13, ID.maskImage, 0, ID.noiseMask, 1, 'MASK'],
          ] as Link[])
        : []),
  ];
}

type ApiNode = { inputs: Record<string, unknown>; class_type: string; _meta: { title: string } };

/** The API-format graph: node id → { inputs (values, or [node id, output slot] links), class_type }. */
export function comfyPrompt(r: ComfyRun): Record<string, ApiNode> {
  const link = (id: number, slot = 0) => [String(id), slot];
  const node = (class_type: string, inputs: Record<string, unknown>, title = class_type): ApiNode => ({
    inputs,
    class_type,
    _meta: { title },
  });
  const from = samplerSources(r);
  const maskImage = (mask: string) => ({
    [ID.maskImage]: node('LoadImageMask', { image: mask, channel: 'red' }, 'Load Image (as Mask)'),
  });
  const imageNodes = (init: NonNullable<ComfyRun['init']>) =>
    conditioned(r)
      ? {
          ...maskImage(init.mask!),
          [ID.conditioning]: node(
            'InpaintModelConditioning',
            {
              positive: link(ID.positive),
              negative: link(ID.negative),
              vae: link(ID.checkpoint, 2),
              pixels: link(ID.image),
              mask: link(ID.maskImage),
              noise_mask: true,
            },
            'InpaintModelConditioning',
          ),
        }
      : encodedForInpaint(r)
        ? {
            ...maskImage(init.mask!),
            [ID.encode]: node(
              'VAEEncodeForInpaint',
              {
                pixels: link(ID.image),
                vae: link(ID.checkpoint, 2),
                mask: link(ID.maskImage),
                grow_mask_by: init.grow,
              },
              'VAE Encode (for Inpainting)',
            ),
          }
        : {
            [ID.encode]: node('VAEEncode', { pixels: link(ID.image), vae: link(ID.checkpoint, 2) }, 'VAE Encode'),
            ...(init.mask && {
              ...maskImage(init.mask),
              [ID.noiseMask]: node(
                'SetLatentNoiseMask',
                { samples: link(ID.encode), mask: link(ID.maskImage) },
                'Set Latent Noise Mask',
              ),
            }),
          };
  return {
    [ID.ksampler]: node('KSampler', {
      seed: r.seed,
      steps: r.steps,
      cfg: r.cfg,
      sampler_name: r.samplerName,
      scheduler: r.scheduler,
      denoise: r.init?.denoise ?? 1,
      model: link(ID.checkpoint),
      positive: link(...from.positive),
      negative: link(...from.negative),
      latent_image: link(...from.latent),
    }),
    [ID.checkpoint]: node('CheckpointLoaderSimple', { ckpt_name: r.checkpoint }, 'Load Checkpoint'),
    ...(r.init
      ? { [ID.image]: node('LoadImage', { image: r.init.image }, 'Load Image'), ...imageNodes(r.init) }
      : {
          [ID.latent]: node(
            'EmptyLatentImage',
            { width: r.width, height: r.height, batch_size: r.batchSize },
            'Empty Latent Image',
          ),
        }),
    [ID.positive]: node(
      'CLIPTextEncode',
      { text: r.positive, clip: link(ID.checkpoint, 1) },
      'CLIP Text Encode (Prompt)',
    ),
    [ID.negative]: node(
      'CLIPTextEncode',
      { text: r.negative, clip: link(ID.checkpoint, 1) },
      'CLIP Text Encode (Prompt)',
    ),
    [ID.decode]: node('VAEDecode', { samples: link(ID.ksampler), vae: link(ID.checkpoint, 2) }, 'VAE Decode'),
    [ID.save]: node('SaveImage', { filename_prefix: 'DiffusionLab', images: link(ID.decode) }, 'Save Image'),
  };
}

interface Slot {
  name: string;
  type: string;
}

/** Per node: type, position, size, input and output slots, widget values (KSampler's has the seed's
 * "control after generate" widget after the seed, as the UI stores it). */
function uiNodes(r: ComfyRun) {
  const io = (...pairs: [string, string][]): Slot[] => pairs.map(([name, type]) => ({ name, type }));
  // VAEEncode, or VAEEncodeForInpaint in its place: the same id, position and output.
  const encodeNode = {
    id: ID.encode,
    pos: [473, 640],
    outputs: io(['LATENT', 'LATENT']),
    ...(encodedForInpaint(r)
      ? {
          type: 'VAEEncodeForInpaint',
          size: [226, 98],
          inputs: io(['pixels', 'IMAGE'], ['vae', 'VAE'], ['mask', 'MASK']),
          widgets_values: [r.init!.grow],
        }
      : { type: 'VAEEncode', size: [210, 46], inputs: io(['pixels', 'IMAGE'], ['vae', 'VAE']), widgets_values: [] }),
  };
  const noiseMaskNode = {
    id: ID.noiseMask,
    type: 'SetLatentNoiseMask',
    pos: [473, 740],
    size: [210, 46],
    inputs: io(['samples', 'LATENT'], ['mask', 'MASK']),
    outputs: io(['LATENT', 'LATENT']),
    widgets_values: [],
  };
  const conditioningNode = {
    id: ID.conditioning,
    type: 'InpaintModelConditioning',
    pos: [473, 640],
    size: [302, 138],
    inputs: io(
      ['positive', 'CONDITIONING'],
      ['negative', 'CONDITIONING'],
      ['vae', 'VAE'],
      ['pixels', 'IMAGE'],
      ['mask', 'MASK'],
    ),
    outputs: io(['positive', 'CONDITIONING'], ['negative', 'CONDITIONING'], ['latent', 'LATENT']),
    widgets_values: [true],
  };
  return [
    {
      id: ID.ksampler,
      type: 'KSampler',
      pos: [863, 186],
      size: [315, 262],
      inputs: io(
        ['model', 'MODEL'],
        ['positive', 'CONDITIONING'],
        ['negative', 'CONDITIONING'],
        ['latent_image', 'LATENT'],
      ),
      outputs: io(['LATENT', 'LATENT']),
      widgets_values: [r.seed, 'fixed', r.steps, r.cfg, r.samplerName, r.scheduler, r.init?.denoise ?? 1],
    },
    {
      id: ID.checkpoint,
      type: 'CheckpointLoaderSimple',
      pos: [26, 474],
      size: [315, 98],
      inputs: [],
      outputs: io(['MODEL', 'MODEL'], ['CLIP', 'CLIP'], ['VAE', 'VAE']),
      widgets_values: [r.checkpoint],
    },
    ...(r.init
      ? [
          {
            id: ID.image,
            type: 'LoadImage',
            pos: [26, 640],
            size: [315, 314],
            inputs: [],
            outputs: io(['IMAGE', 'IMAGE'], ['MASK', 'MASK']),
            widgets_values: [r.init.image, 'image'],
          },
          ...(conditioned(r) ? [] : [encodeNode]),
          ...(r.init.mask
            ? [
                {
                  id: ID.maskImage,
                  type: 'LoadImageMask',
                  pos: [26, 1000],
                  size: [315, 318],
                  inputs: [],
                  outputs: io(['MASK', 'MASK']),
                  widgets_values: [r.init.mask, 'red', 'image'],
                },
                ...(conditioned(r) ? [conditioningNode] : encodedForInpaint(r) ? [] : [noiseMaskNode]),
              ]
            : []),
        ]
      : [
          {
            id: ID.latent,
            type: 'EmptyLatentImage',
            pos: [473, 609],
            size: [315, 106],
            inputs: [],
            outputs: io(['LATENT', 'LATENT']),
            widgets_values: [r.width, r.height, r.batchSize],
          },
        ]),
    {
      id: ID.positive,
      type: 'CLIPTextEncode',
      pos: [415, 186],
      size: [422, 164],
      inputs: io(['clip', 'CLIP']),
      outputs: io(['CONDITIONING', 'CONDITIONING']),
      widgets_values: [r.positive],
    },
    {
      id: ID.negative,
      type: 'CLIPTextEncode',
      pos: [413, 389],
      size: [425, 180],
      inputs: io(['clip', 'CLIP']),
      outputs: io(['CONDITIONING', 'CONDITIONING']),
      widgets_values: [r.negative],
    },
    {
      id: ID.decode,
      type: 'VAEDecode',
      pos: [1209, 188],
      size: [210, 46],
      inputs: io(['samples', 'LATENT'], ['vae', 'VAE']),
      outputs: io(['IMAGE', 'IMAGE']),
      widgets_values: [],
    },
    {
      id: ID.save,
      type: 'SaveImage',
      pos: [1451, 189],
      size: [210, 270],
      inputs: io(['images', 'IMAGE']),
      outputs: [],
      widgets_values: ['DiffusionLab'],
    },
  ];
}

/** The UI-format workflow (LiteGraph serialisation, version 0.4), slots joined by its links. */
export function comfyWorkflow(r: ComfyRun): Record<string, unknown> {
  const joined = links(r);
  const nodes = uiNodes(r).map((n, order) => ({
    id: n.id,
    type: n.type,
    pos: n.pos,
    size: n.size,
    flags: {},
    order,
    mode: 0,
    inputs: n.inputs.map((slot, k) => ({ ...slot, link: joined.find((l) => l[3] === n.id && l[4] === k)![0] })),
    outputs: n.outputs.map((slot, k) => ({
      ...slot,
      links: joined.filter((l) => l[1] === n.id && l[2] === k).map((l) => l[0]),
      slot_index: k,
    })),
    properties: { 'Node name for S&R': n.type },
    widgets_values: n.widgets_values,
  }));
  return {
    last_node_id: Math.max(...nodes.map((n) => n.id)),
    last_link_id: joined.length,
    nodes,
    links: joined,
    groups: [],
    config: {},
    extra: {},
    version: 0.4,
  };
}
