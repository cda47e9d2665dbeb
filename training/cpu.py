"""Import before torch in every entry script: CPU threading that suits a small, shared machine."""
import os

# OpenMP threads that spin while waiting make each step several times slower when other processes
# share the cores; passive waiting keeps two threads useful.
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

import torch  # noqa: E402

torch.set_num_threads(2)
