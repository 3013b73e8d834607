"""Print the Results tables of interp_ood's study notebook from a published folder and the runs' metrics, so that
they are generated, not copied by hand:

    python tools/interp_results.py figures/interp_ood/cpu runs/interp_ood/cpu-s0-... runs/interp_ood/cpu-s1-... runs/interp_ood/cpu-s2-...
"""
import json, re, sys, numpy as np
from ckpt_study.studies.interp_ood import _by_layers   # the layer groups the convergence gate reads
claims = json.load(open(sys.argv[1] + '/claims.json')); prov = json.load(open(sys.argv[1] + '/provenance.json'))
runs = sys.argv[2:]
def per_seed(r): return r['measured'].split(' | ')
def strip(m): return re.sub(r'^seed \d+: ', '', m)
def fmt(x, d=3): return f"{x:+.{d}f}".replace('+', '+').replace('-', '−') if x < 0 else f"{x:.{d}f}"
def compact(r):
    ms = [strip(m) for m in per_seed(r)]
    if r['id'] == 'S1': return 'smallest ID accuracy ' + ' / '.join(re.search(r'min ([\d.]+)', m).group(1) for m in ms)
    if r['id'] == 'C1': return 'models ≤ 0.1 / ≈ FIRST-SYMBOL / ≥ 0.9: ' + ' / '.join(', '.join(re.findall(r': (\d+)', m)) for m in ms)
    if r['id'] == 'C2a': return 'Spearman ρ(ID ambi, OOD) ' + ' / '.join(re.search(r'ambi, OOD\) ([+-][\d.]+)', m).group(1) for m in ms)
    if r['id'] == 'C2b':
        a = [re.search(r'AUROC random ([\d.]+)', m).group(1) for m in ms]
        h = [re.search(r'head ([\d.]+) vs hyperparameters ([\d.]+)', m).groups() for m in ms]
        return 'AUROC random ' + ' / '.join(a) + '; leave one setting out, head vs hyperparameters ' + ' / '.join(f'{x} vs {y}' for x, y in h)
    n = [re.search(r'^(\d+) models', m) for m in ms]
    kind = 'sign-matching' if r['id'] == 'C3a' else 'violation-detecting'
    return f"ΔOOD under mean ablation, {' / '.join(x.group(1) if x else '0' for x in n)} {kind} 2-layer models"
def gv(v):
    v = v if isinstance(v, list) else [v]
    return ' / '.join(f'{x:.0f}' if float(x).is_integer() else f'{x:.3f}' for x in v)
def short(name):
    for k, s in (("lr ×", "lr × steps"), ("training examples", "examples"), ("mean ID accuracy", "ID fit"), ("converged", "converged"),
                 ("kept models", "classes"), ("held-out", "settings with both kinds"), ("replicas", "replicas ≥ 3"), ("holds", "S1")):
        if k in name: return s
    return name
print('| claim | measured (seed 0 / 1 / 2) | effect [interval] | threshold | paper | failed gates (values per seed) | verdict |')
print('|---|---|---|---|---|---|---|')
for r in claims['rows']:
    lo, hi = r['interval']
    eff = f"{r['value']:.3f} [{lo:.3f}, {hi:.3f}]".replace('-', '−')
    gate = lambda g: (f"replicas {g['value']} < 3" if short(g['name']) == "replicas ≥ 3" else f"{short(g['name'])} {gv(g['value'])}")
    failed = '; '.join(gate(g) for g in r['gates'] if not g['holds']) or '–'
    print(f"| {r['id']}{' (sanity)' if r['kind']=='sanity' else ''} | {compact(r)} | {eff} ({r['replicas'].split(' × ')[0]} replicas) | {r['threshold']} | {r['paper']} | {failed} | {r['verdict']} |")
print()
print('| seed | 1 layer | 2 layers | last quarter: group mean moved (1 / 2 layers) | models that moved ≥ 0.1 (1 / 2 layers) |')
print('|---|---|---|---|---|')
for run in runs:
    m = json.load(open(run + '/metrics/10_population.json')); s = json.load(open(run + '/params.json'))['seed']
    cells = []
    for L, curves in sorted(_by_layers({"10_population": m}, "ood_curve").items()):
        c = np.mean(curves, 0)
        cells.append(', '.join(f'{c[i]:.2f}' for i in (3, 7, 11, 15)))
    lq = m['last_quarter']
    print(f"| {s} | {cells[0]} | {cells[1]} | {lq['1']['group_mean_moved']:.3f} / {lq['2']['group_mean_moved']:.3f} | "
          f"{lq['1']['models_moved_over_0_1']} / {lq['2']['models_moved_over_0_1']} (largest {lq['1']['largest_model_move']:.2f} / {lq['2']['largest_model_move']:.2f}) |")
print()
w = prov['wall_seconds']
print('10_population', [round(w[k]['10_population']) for k in sorted(w)], 'rest', [round(sum(v for s, v in w[k].items() if s != '10_population'), 1) for k in sorted(w)],
      'fingerprint', prov['code_fingerprint'], 'commit', prov['git_commit'][:7])
