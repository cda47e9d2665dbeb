"""The noise schedule the model is trained with and the DDIM sampler the reference pipeline steps with,
both as written to scheduler/scheduler_config.json (diffusers' DDIMScheduler semantics)."""
import torch

CONFIG = {
    '_class_name': 'DDIMScheduler',
    'num_train_timesteps': 1000,
    'beta_start': 0.00085,
    'beta_end': 0.012,
    'beta_schedule': 'scaled_linear',
    'prediction_type': 'epsilon',
    'clip_sample': False,
    'set_alpha_to_one': False,
    'steps_offset': 1,
    'timestep_spacing': 'leading',
}


def alphas_cumprod(config=CONFIG):
    betas = torch.linspace(config['beta_start'] ** 0.5, config['beta_end'] ** 0.5, config['num_train_timesteps'],
                           dtype=torch.float64) ** 2
    return torch.cumprod(1 - betas, dim=0)


def ddim_timesteps(steps, config=CONFIG):
    """'leading' spacing: 0, k, 2k, … shifted by steps_offset, largest first."""
    k = config['num_train_timesteps'] // steps
    return [i * k + config['steps_offset'] for i in reversed(range(steps))]


def ddim_step(eps, t, t_prev, x, acp):
    """Deterministic DDIM (η = 0) from t to t_prev; t_prev < 0 means the final step to ᾱ_0."""
    a_t = acp[t]
    a_prev = acp[t_prev] if t_prev >= 0 else acp[0]  # set_alpha_to_one False
    x0 = (x - (1 - a_t).sqrt() * eps) / a_t.sqrt()
    return a_prev.sqrt() * x0 + (1 - a_prev).sqrt() * eps, x0
