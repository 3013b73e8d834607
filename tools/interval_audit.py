"""How much do headline verdicts rest on the interval rule? Re-decide every published cpu result from its own runs
(the runs its provenance names, under runs/) with the framework's percentile bootstrap of the mean and with a
Student-t interval of the mean (n − 1 degrees of freedom), same level, same thresholds, same gates, and list the
verdicts that differ. Nothing is re-run and nothing published changes: the report goes to stdout and, with --out,
to a JSON file.

Why: with 3 replicas the percentile bootstrap's 95% interval is the replicas' [min, max] (each of the 27 equally
likely resamples has probability 1/27 > 2.5%), so a claim is decided whenever all three replicas fall on one side
of its threshold: under no effect at all, with a symmetric spread, that happens with probability 2 · (1/2)³ = 1/4.

usage: python tools/interval_audit.py [--scale cpu] [--out FILE]"""
import argparse, json, sys
from pathlib import Path
import numpy as np
from scipy import stats
import ckpt_study.study as S
from ckpt_study.core import load_settings, read_json, write_json
from ckpt_study.pipeline import evaluate_runs, get_study, code_fingerprint

def t_interval(values, level: float = 0.95, **_) -> tuple[float, float]:
    "Student-t interval of the mean: x̄ ± t_{(1+level)/2, n−1} · s / √n."
    v = np.asarray(values, dtype=float)
    if v.size < 2: return float(v[0]), float(v[0])
    h = stats.t.ppf((1 + level) / 2, v.size - 1) * v.std(ddof=1) / np.sqrt(v.size)
    return float(v.mean() - h), float(v.mean() + h)

def audit(scale: str) -> list[dict]:
    root, rows = load_settings().root, []
    bootstrap = S.replica_interval
    for prov in sorted(Path(load_settings().figures_dir).glob(f"*/{scale}/provenance.json")):
        p, slug = read_json(prov), prov.parent.parent.name
        runs = [root / "runs" / slug / r for r in (p["run"] if isinstance(p["run"], list) else [p["run"]])]
        if not all((r / "claims.json").exists() for r in runs):
            print(f"{slug}: its runs are not on this machine, skipped", file=sys.stderr); continue
        study = get_study(slug)
        docs = {}
        for name, rule in (("bootstrap", bootstrap), ("t", t_interval)):
            S.replica_interval = rule
            try: docs[name] = {r["id"]: r for r in evaluate_runs(study, runs)["rows"]}
            finally: S.replica_interval = bootstrap
        for cid, b in docs["bootstrap"].items():
            t = docs["t"][cid]
            rows.append(dict(study=slug, claim=cid, kind=b.get("kind"), threshold=b.get("threshold"), value=b.get("value"),
                             bootstrap=b.get("interval"), t=t.get("interval"), verdict_bootstrap=b["verdict"],
                             verdict_t=t["verdict"], stale=p["code_fingerprint"] != code_fingerprint(study)))
    return rows

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", default="cpu"); ap.add_argument("--out")
    a = ap.parse_args()
    rows = audit(a.scale)
    head = [r for r in rows if r["kind"] == "headline"]
    changed = [r for r in head if r["verdict_bootstrap"] != r["verdict_t"]]
    f = lambda iv: "–" if not iv else f"[{iv[0]:.3g}, {iv[1]:.3g}]"
    for r in changed:
        print(f"{r['study']:16} {r['claim']:5} {r['value']:.3g} {r['threshold']:>7}  bootstrap {f(r['bootstrap'])} {r['verdict_bootstrap']}"
              f"  →  t {f(r['t'])} {r['verdict_t']}")
    decided = lambda key: sum(r[key] in ("reproduced", "not reproduced") for r in head)
    summary = dict(headline=len(head), decided_bootstrap=decided("verdict_bootstrap"), decided_t=decided("verdict_t"), changed=len(changed))
    print(summary)
    if a.out: write_json(a.out, dict(scale=a.scale, summary=summary, rows=rows))
