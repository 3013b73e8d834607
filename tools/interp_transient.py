"""interp_ood v3 calibration (#15): a timed dry run of the one-layer group only, reading what the gates read (ID
accuracy and the group's mean OOD accuracy along training) and no claim. Data seed 7, which no study run uses.

    python tools/interp_transient.py N_TRAIN STEPS D_MODEL BATCH LR   # prints one line per sixteenth of training

The runs and their output lines are collected in figures/interp_ood/benchmarks/transient_cpu.json."""
import sys, time, numpy as np, torch
from ckpt_study.studies.interp_ood import dyck_dataset, classifier, train_population, population_predict

torch.set_num_threads(2)
n_train, steps, d, batch, lr = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
t = time.perf_counter(); data = dyck_dataset(n_train, 1000, 11, 7); print(f"data {n_train}: {time.perf_counter() - t:.1f}s")
ood, id_x = [s for s, _ in data["ood_test"]], [s for s, _ in data["id_test"]]
id_t = torch.tensor([y == 1 for _, y in data["id_test"]])
models = [classifier(1, 2, d, 24, seed=500 + i) for i in range(8)]           # weight decay 0 × 4, then 1e-2 × 4
probe = lambda p: [(~population_predict(p, ood, 24, 1, 2)).float().mean(-1).tolist(),
                   (population_predict(p, id_x, 24, 1, 2) == id_t).float().mean(-1).tolist()]
r = train_population(models, data["train"], weight_decays=[0.0] * 4 + [0.01] * 4, data_seeds=[900 + i for i in range(8)],
                     steps=steps, batch_size=batch, lr=lr, max_len=24, probe_fracs=[i / 16 for i in range(1, 17)], probe=probe)
print(f"train {r['seconds']:.0f}s")
for q in r["probes"]:
    o, i = np.array(q["value"][0]), np.array(q["value"][1])
    print(f"{q['step'] * batch:>7} ex: ID wd0 {i[:4].mean():.3f} wd.01 {i[4:].mean():.3f} | group OOD mean {o.mean():.3f}")
