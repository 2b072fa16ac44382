#!/usr/bin/env python3
# %% [markdown]
# # A QD Studio run from a notebook
#
# Create a run on the server, follow it live with a progress bar, then look at the archive
# (a heatmap with matplotlib when it is installed, a table with pandas when it is installed).
# Each `# %%` block is a notebook cell (VS Code / Jupytext); as a script:
#
#     python3 examples/python/notebook.py --url http://127.0.0.1:3000 --budget 50000 [--plot archive.png]
#
# Needs only the qdstudio package (pip install ./clients/python); the server's workers evaluate.

# %%
import argparse
import os
import sys
import time

try:
    import qdstudio
except ImportError:  # running from a checkout without installing the package
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "clients", "python"))
    import qdstudio

parser = argparse.ArgumentParser(description="Create a run, stream its events with a progress bar, plot the archive.")
parser.add_argument("--url", default=os.environ.get("QD_STUDIO_URL", "http://127.0.0.1:3000"))
parser.add_argument("--budget", type=int, default=50000)
parser.add_argument("--plot", help="save the archive heatmap to this file (default: show it)")
args, _ = parser.parse_known_args()  # tolerate the kernel's own arguments in a notebook

client = qdstudio.Client(args.url)  # token: QD_API_TOKEN

# %% Create and start a 20-D sphere run (workers evaluate it)
exp = client.create_experiment(
    {
        "name": "notebook sphere",
        "domain": {"type": "sphere", "dim": 20},
        "emitter": {"type": "iso-line", "isoSigma": 0.5, "lineSigma": 0.2},
        "descriptors": [{"name": "m0", "min": -51.2, "max": 51.2, "bins": 50}, {"name": "m1", "min": -51.2, "max": 51.2, "bins": 50}],
        "batchSize": 200,
        "budget": {"evaluations": args.budget},
        "seed": 1,
    },
    start=True,
)
print("experiment", exp["id"], exp["status"])


# %% Stream its events with a progress bar (reconnects by itself if the connection drops)
def progress(done, total, extra, width=40):
    filled = int(width * done / total) if total else width
    sys.stdout.write("\r[%s%s] %3d%%  %s" % ("#" * filled, "." * (width - filled), 100 * done // max(total, 1), extra))
    sys.stdout.flush()


started = time.time()
total = exp["budget"]["evaluations"]
for event in client.events(exp):  # ends when the run completes, is cancelled or fails
    if event.type in ("hello", "batch"):  # hello: the experiment itself; batch: its counters after a batch
        d = event.data
        qd = d["metrics"]["qdScore"] if event.type == "hello" else d["qdScore"]
        progress(d["evaluations"], total, "%d elites, QD score %.0f" % (d["numElites"], qd))
    elif event.type == "status":
        print("\nstatus: %s (%s) after %.1f s" % (event.data["status"], event.data.get("reason") or "", time.time() - started))

# %% The archive, as columns (numpy arrays when numpy is installed)
archive = client.archive(exp)
print(archive)
best = max(range(len(archive)), key=lambda i: archive.objective[i])
print("best elite: cell %d, objective %.3f" % (archive.index[best], archive.objective[best]))
history = client.metrics_history(exp)
print("coverage %.3f -> %.3f over %d snapshots" % (history.coverage[0], history.coverage[-1], len(history)))

try:
    print(archive.to_pandas().describe())
except ImportError:
    print("(install pandas for archive.to_pandas())")

# %% Heatmap of the archive (matplotlib, when available)
try:
    import matplotlib

    if args.plot:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    plt = None
    print("(install matplotlib for the heatmap)")

if plt is not None:
    dims = archive.geometry["dims"]
    grid = [[float("nan")] * dims[0] for _ in range(dims[1])]
    for cell, value in zip(archive.index, archive.objective):
        i, j = divmod(int(cell), dims[1])  # row-major: cell = i * dims[1] + j
        grid[j][i] = float(value)
    (lo0, hi0), (lo1, hi1) = archive.geometry["ranges"]
    fig, ax = plt.subplots(figsize=(6, 5))
    image = ax.imshow(grid, origin="lower", extent=(lo0, hi0, lo1, hi1), aspect="auto", cmap="magma")
    ax.set_xlabel(archive.measure_names[0])
    ax.set_ylabel(archive.measure_names[1])
    ax.set_title("%s: %d elites" % (exp["name"], len(archive)))
    fig.colorbar(image, label="objective")
    if args.plot:
        fig.savefig(args.plot, dpi=100)
        print("saved", args.plot)
    else:
        plt.show()
