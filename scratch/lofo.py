"""LOFO over given splits, parallel; prints pooled and per category, and errors."""
import sys, json, multiprocessing
from concurrent.futures import ProcessPoolExecutor
from collections import defaultdict

def run(split):
    from bot.content import CONTENT_DIR, load_json
    from bot.safety.matcher import PATTERNS_FILE, Matcher
    from bot.safety.evaluate import read_corpus, train_model
    import bot.safety.evaluate as ev
    import os
    opts = json.loads(os.environ.get("LOFO_OPTS", "{}"))
    for k, v in json.loads(os.environ.get("LOFO_EV", "{}")).items():
        setattr(ev, k, v)
    HELD_OUT = tuple(ev.HELD_OUT)
    data = load_json(PATTERNS_FILE, CONTENT_DIR)
    rules = Matcher(data)
    ex = read_corpus()
    model = train_model(rules, [e for e in ex if e.split != split and e.split not in HELD_OUT], **opts)
    m = Matcher(data, model)
    out = []
    for e in ex:
        if e.split == split:
            v = m.check(e.text)
            out.append((e.split, e.label, e.category, e.text, v is not None, (v.rule if v else "")))
    return out, len(model.weights)

if __name__ == "__main__":
    splits = sys.argv[1:] or [f"fresh{i}" for i in range(11, 19)]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(run, splits))
    rows = [r for res, _ in results for r in res]
    print("weights", [n for _, n in results])
    for s in splits:
        d = [r for r in rows if r[0] == s and r[1] == "danger"]; c = [r for r in rows if r[0] == s and r[1] == "calm"]
        print(f"{s:8} recall {sum(r[4] for r in d)}/{len(d)} = {sum(r[4] for r in d)/len(d):.1%}  fa {sum(r[4] for r in c)}/{len(c)} = {sum(r[4] for r in c)/len(c):.1%}")
    d = [r for r in rows if r[1] == "danger"]; c = [r for r in rows if r[1] == "calm"]
    print(f"POOLED   recall {sum(r[4] for r in d)}/{len(d)} = {sum(r[4] for r in d)/len(d):.2%}  fa {sum(r[4] for r in c)}/{len(c)} = {sum(r[4] for r in c)/len(c):.2%}")
    for lab in ("danger", "calm"):
        for cat in sorted({r[2] for r in rows if r[1] == lab}):
            h = [r[4] for r in rows if r[1] == lab and r[2] == cat]
            print(f"  {lab:6} {cat:14} {sum(h)}/{len(h)} = {sum(h)/len(h):.1%}")
    for r in rows:
        if r[4] != (r[1] == "danger"):
            print(("MISSED" if r[1] == "danger" else "ALARM "), f"[{r[0]}/{r[2]}]", r[3], "<-", r[5])
