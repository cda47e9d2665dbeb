"""Imports diffusers v0.35.2's model code (UNet2DConditionModel, AutoencoderKL) from a source tree on Debian's
torch 1.13, offline, with nothing from PyPI beyond Debian's packages.

    import diffusers_offline
    diffusers = diffusers_offline.load(DIFFUSERS_SRC)

The shared huggingface_hub stand-in (/work/shared/reference/diffusers/generator/shims, or $SHIMS) covers the
scheduler import chain; the model code needs three more stubs, none of which is called when a model is built
from keyword arguments and exported: two hub helpers used only for saving/uploading, the `safetensors` package
(used only for reading/writing weight files) and torch's float8 dtypes (named in a quantizer's lookup table).
"""
import importlib
import importlib.machinery
import os
import sys
import types

SHIMS = os.environ.get('SHIMS', '/work/shared/reference/diffusers/generator/shims')


def _offline(name):
    def fail(*args, **kwargs):
        raise RuntimeError(f'{name} is not available offline')
    return fail


def _stub_module(name):
    module = types.ModuleType(name)
    module.__spec__ = importlib.machinery.ModuleSpec(name, None)  # diffusers probes find_spec()
    sys.modules[name] = module
    return module


def load(diffusers_src):
    sys.path[:0] = [SHIMS, diffusers_src]
    import huggingface_hub
    import torch
    for name in ('create_repo', 'split_torch_state_dict_into_shards'):
        if not hasattr(huggingface_hub, name):
            setattr(huggingface_hub, name, _offline(name))
    if 'safetensors' not in sys.modules:
        _stub_module('safetensors').torch = _stub_module('safetensors.torch')
    for name in ('float8_e4m3fn', 'float8_e5m2'):
        if not hasattr(torch, name):  # torch 1.13 has no float8; a unique placeholder matches no real dtype
            setattr(torch, name, type(name, (), {}))
    return importlib.import_module('diffusers')
