"""The three networks of a tiny Stable Diffusion: a KL autoencoder (64×64×3 ↔ 16×16×4, /4 like the
LDM-f4 autoencoders: at /8 small shapes decode with rounded corners), a word-level transformer text
encoder, and a UNet with cross-attention to the text. Only ops that torch.onnx.export (opset 17) and
onnxruntime handle plainly."""
import math
import torch
from torch import nn
import torch.nn.functional as F

LATENT_CHANNELS = 4
VAE_SCALE = 4  # image side / latent side


def norm(ch):
    return nn.GroupNorm(min(8, ch // 4), ch)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, temb=None):
        super().__init__()
        self.n1, self.c1 = norm(cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.n2, self.c2 = norm(cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.t = nn.Linear(temb, cout) if temb else None
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, t=None):
        h = self.c1(F.silu(self.n1(x)))
        if self.t is not None:
            h = h + self.t(F.silu(t))[:, :, None, None]
        h = self.c2(F.silu(self.n2(h)))
        return self.skip(x) + h


class Attention(nn.Module):
    """Multi-head attention of queries x [b,n,c] over context [b,m,d] (self-attention when context is x)."""

    def __init__(self, c, d, heads):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v = nn.Linear(c, c, bias=False), nn.Linear(d, c, bias=False), nn.Linear(d, c, bias=False)
        self.o = nn.Linear(c, c)

    def forward(self, x, context):
        b, n, c = x.shape
        h = self.heads
        q = self.q(x).reshape(b, n, h, c // h).transpose(1, 2)
        k = self.k(context).reshape(b, -1, h, c // h).transpose(1, 2)
        v = self.v(context).reshape(b, -1, h, c // h).transpose(1, 2)
        w = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(c // h), dim=-1)
        return self.o((w @ v).transpose(1, 2).reshape(b, n, c))


class TransformerLayer(nn.Module):
    """Pre-norm block: self-attention, optional cross-attention to a context, feed-forward."""

    def __init__(self, c, heads, context_dim=None):
        super().__init__()
        self.n1, self.attn = nn.LayerNorm(c), Attention(c, c, heads)
        self.cross = Attention(c, context_dim, heads) if context_dim else None
        self.n2 = nn.LayerNorm(c) if context_dim else None
        self.n3, self.ff = nn.LayerNorm(c), nn.Sequential(nn.Linear(c, 4 * c), nn.GELU(), nn.Linear(4 * c, c))

    def forward(self, x, context=None):
        y = self.n1(x)
        x = x + self.attn(y, y)
        if self.cross is not None:
            x = x + self.cross(self.n2(x), context)
        return x + self.ff(self.n3(x))


class SpatialTransformer(nn.Module):
    """SD's image-to-text cross-attention block over the pixels of a feature map."""

    def __init__(self, c, context_dim, heads=4):
        super().__init__()
        self.norm = norm(c)
        self.proj_in, self.proj_out = nn.Conv2d(c, c, 1), nn.Conv2d(c, c, 1)
        self.block = TransformerLayer(c, heads, context_dim)

    def forward(self, x, context):
        b, c, hh, ww = x.shape
        h = self.proj_in(self.norm(x)).reshape(b, c, hh * ww).transpose(1, 2)
        h = self.block(h, context).transpose(1, 2).reshape(b, c, hh, ww)
        return x + self.proj_out(h)


class TextEncoder(nn.Module):
    """input_ids [b, L] → last_hidden_state [b, L, dim]."""

    def __init__(self, vocab_size, max_length, dim=96, layers=2, heads=4):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim)
        self.pos = nn.Parameter(torch.randn(1, max_length, dim) * 0.02)
        self.layers = nn.ModuleList([TransformerLayer(dim, heads) for _ in range(layers)])
        self.final = nn.LayerNorm(dim)

    def forward(self, input_ids):
        x = self.tok(input_ids.long()) + self.pos
        for layer in self.layers:
            x = layer(x)
        return self.final(x)


class Encoder(nn.Module):
    """image [b,3,64,64] in [-1,1] → mean and log-variance [b,4,16,16] each."""

    def __init__(self, ch=(16, 32)):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(3, ch[0], 3, stride=2, padding=1),  # 32×32
            ResBlock(ch[0], ch[0]),
            nn.Conv2d(ch[0], ch[1], 3, stride=2, padding=1),  # 16×16
            ResBlock(ch[1], ch[1]),
            norm(ch[1]), nn.SiLU(),
            nn.Conv2d(ch[1], 2 * LATENT_CHANNELS, 3, padding=1),
        )

    def forward(self, x):
        mean, logvar = self.net(x).chunk(2, dim=1)
        return mean, logvar.clamp(-30, 20)


class Decoder(nn.Module):
    """latent [b,4,16,16] → image [b,3,64,64] in about [-1,1]."""

    def __init__(self, ch=(64, 48, 24)):
        super().__init__()

        def up():
            return nn.Upsample(scale_factor=2, mode='nearest')

        self.net = nn.Sequential(
            nn.Conv2d(LATENT_CHANNELS, ch[0], 3, padding=1),
            ResBlock(ch[0], ch[0]), ResBlock(ch[0], ch[0]),
            up(), nn.Conv2d(ch[0], ch[1], 3, padding=1),  # 32×32
            ResBlock(ch[1], ch[1]),
            up(), nn.Conv2d(ch[1], ch[2], 3, padding=1),  # 64×64
            norm(ch[2]), nn.SiLU(),
            nn.Conv2d(ch[2], 3, 3, padding=1),
        )

    def forward(self, z):
        return self.net(z)


def timestep_embedding(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float().reshape(-1, 1) * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1)


class UNet(nn.Module):
    """sample [b,4,16,16], timestep [b], encoder_hidden_states [b,L,d] → predicted noise [b,4,16,16].
    Levels 16×16, 8×8 and 4×4; the text enters by cross-attention at 8×8 and 4×4, where it is cheap,
    and the 16×16 level (ResBlocks only) draws the detail that tells small shapes apart."""

    def __init__(self, context_dim, ch=(48, 96, 96), temb=128):
        super().__init__()
        c0, c1, c2 = ch
        self.ch0 = c0

        def down(c):
            return nn.Conv2d(c, c, 3, stride=2, padding=1)

        def up(c):
            return nn.Sequential(nn.Upsample(scale_factor=2, mode='nearest'), nn.Conv2d(c, c, 3, padding=1))
        self.time = nn.Sequential(nn.Linear(c0, temb), nn.SiLU(), nn.Linear(temb, temb))
        self.conv_in = nn.Conv2d(LATENT_CHANNELS, c0, 3, padding=1)
        self.down0, self.downsample0 = ResBlock(c0, c0, temb), down(c0)
        self.down1, self.dattn1 = ResBlock(c0, c1, temb), SpatialTransformer(c1, context_dim)
        self.downsample1 = down(c1)
        self.down2, self.dattn2 = ResBlock(c1, c2, temb), SpatialTransformer(c2, context_dim)
        self.mid0, self.mid1 = ResBlock(c2, c2, temb), ResBlock(c2, c2, temb)
        self.up2, self.uattn2, self.upsample2 = ResBlock(c2 + c2, c2, temb), SpatialTransformer(c2, context_dim), up(c2)
        self.up1, self.uattn1, self.upsample1 = ResBlock(c2 + c1, c1, temb), SpatialTransformer(c1, context_dim), up(c1)
        self.up0 = ResBlock(c1 + c0, c0, temb)
        self.out = nn.Sequential(norm(c0), nn.SiLU(), nn.Conv2d(c0, LATENT_CHANNELS, 3, padding=1))

    def forward(self, sample, timestep, encoder_hidden_states):
        ctx = encoder_hidden_states
        t = self.time(timestep_embedding(timestep.reshape(-1).expand(sample.shape[0]), self.ch0))
        h0 = self.down0(self.conv_in(sample), t)
        h1 = self.dattn1(self.down1(self.downsample0(h0), t), ctx)
        h2 = self.dattn2(self.down2(self.downsample1(h1), t), ctx)
        m = self.mid1(self.mid0(h2, t), t)
        u2 = self.uattn2(self.up2(torch.cat([m, h2], 1), t), ctx)
        u1 = self.uattn1(self.up1(torch.cat([self.upsample2(u2), h1], 1), t), ctx)
        return self.out(self.up0(torch.cat([self.upsample1(u1), h0], 1), t))


def count(module):
    return sum(p.numel() for p in module.parameters())
