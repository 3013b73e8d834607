"Time one vmapped population step of interp_ood at the cpu design (figures/interp_ood/benchmarks/step_times_cpu.json)."
import torch
from ckpt_study.studies.interp_ood import dyck_dataset, classifier, train_population
torch.manual_seed(0)
data = dyck_dataset(20000, 1000, 11, 0)
for L in (1, 2, 3):
    for n_models in (6, 8):
        models = [classifier(L, 2, 32, 24, seed=i) for i in range(n_models)]
        r = train_population(models, data["train"], weight_decays=[0.0, 0.01] * (n_models // 2), data_seeds=list(range(n_models)),
                             steps=100, batch_size=32, lr=1e-3, max_len=24, desc="t")
        print(f"L{L} models {n_models}: {r['seconds'] / 100 * 1000:.1f} ms/step", flush=True)
