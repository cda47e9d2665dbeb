"""A checkpoint written by train.py, loaded back as its networks: shared by the scripts that run the
trained model (sample.py, evaluate.py, export.py, parity.py, modelCard.py, benchReference.py)."""
import torch

import networks
import tokenizer


def load(path):
    """The four networks of a checkpoint, in eval mode, and its scaling factor."""
    ckpt = torch.load(path, map_location='cpu')
    enc, dec = networks.Encoder(), networks.Decoder()
    text = networks.TextEncoder(len(tokenizer.VOCAB), tokenizer.MAX_LENGTH)
    unet = networks.UNet(text.final.normalized_shape[0])
    for net, key in ((enc, 'encoder'), (dec, 'decoder'), (text, 'text_encoder'), (unet, 'unet')):
        net.load_state_dict(ckpt[key])
        net.eval()
    return {'encoder': enc, 'decoder': dec, 'text_encoder': text, 'unet': unet,
            'scaling_factor': ckpt['scaling_factor'], 'unet_step': ckpt.get('unet_step')}
