#!/usr/bin/env python3
"""Reliability of a folder of CSV shards with Dask: map each shard to a state file, reduce with merge.

    python3 examples/dask/shards.py ATTUNE SHARD_FOLDER [attune reliability options ...]

ATTUNE is the attune executable. Each shard (every *.csv in SHARD_FOLDER, in name order) becomes
a state file through `attune reliability SHARD --save-state STATE` (one task per shard, run by
dask.bag on threads here, on the workers of a dask.distributed cluster where a Client is created
first: docs/scale.md); `attune merge` combines the states and prints the result of all the rows,
bit-identical to one run over them. Options after the folder go to every shard, e.g.
`--instrument ecr-r --format json` (--format goes to the merge).

`--self-test ATTUNE` simulates a file, cuts it into 4 shards, runs the above and checks that the
merged JSON equals the single run's byte for byte (the ctest test example_dask_shards). It exits
with 77 (skipped) where dask is not importable.
"""
import os
import subprocess
import sys
import tempfile


def save_state(shard, attune, states_dir, options):
    """The map step: one command line per shard; returns the state's path. The shard comes first:
    dask.bag's map passes the bag's element first, then the broadcast arguments."""
    state = os.path.join(states_dir, os.path.basename(shard) + ".state")
    subprocess.run([attune, "reliability", shard, *options, "--save-state", state], check=True)
    return state


def reliability_of_shards(attune, folder, options, merge_options, states_dir, scheduler="threads"):
    """Map every shard of `folder` to a state with dask, reduce them with `attune merge`."""
    import dask.bag as db

    shards = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".csv"))
    if not shards:
        raise SystemExit(f"no *.csv shards in {folder}")
    states = (db.from_sequence(shards, npartitions=len(shards))
              .map(save_state, attune, states_dir=states_dir, options=options)
              .compute(scheduler=scheduler))
    merged = subprocess.run([attune, "merge", *sorted(states), *merge_options],
                            check=True, capture_output=True, text=True)
    return merged.stdout


def split_options(args):
    """--format goes to the merge, the rest to every shard."""
    shard, merge = [], []
    i = 0
    while i < len(args):
        if args[i] in ("--format", "-o", "--output") and i + 1 < len(args):
            merge += args[i:i + 2]
            i += 2
        else:
            shard.append(args[i])
            i += 1
    return shard, merge


def self_test(attune):
    try:
        import dask.bag  # noqa: F401
    except ImportError as e:
        print(f"skipped: dask is not importable here ({e}); apt-get install python3-dask")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        whole = os.path.join(tmp, "whole.csv")
        subprocess.run([attune, "simulate", "--instrument", "ecr-r", "-n", "10000", "--seed", "3", "-o", whole],
                       check=True)
        with open(whole) as f:
            header, *rows = f.read().splitlines()
        shard_dir = os.path.join(tmp, "shards")
        states_dir = os.path.join(tmp, "states")
        os.mkdir(shard_dir)
        os.mkdir(states_dir)
        cuts = [0, 1234, 5000, 5001, len(rows)]  # uneven shards, none aligned to 4096-row chunks
        for s in range(4):
            with open(os.path.join(shard_dir, f"part{s}.csv"), "w") as f:
                f.write("\n".join([header, *rows[cuts[s]:cuts[s + 1]]]) + "\n")
        options = ["--instrument", "ecr-r"]
        merged = reliability_of_shards(attune, shard_dir, options, ["--format", "json"], states_dir)
        single = subprocess.run([attune, "reliability", whole, *options, "--format", "json"],
                                check=True, capture_output=True, text=True).stdout
        if merged != single:
            print("FAIL: the merged states differ from the single run")
            return 1
        print(f"ok: 4 shards merged with dask equal the single run over {len(rows)} rows, byte for byte")
        return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "--self-test":
        return self_test(argv[2])
    if len(argv) < 3:
        print(__doc__)
        return 1
    attune, folder = argv[1], argv[2]
    shard_options, merge_options = split_options(argv[3:])
    with tempfile.TemporaryDirectory() as states_dir:
        sys.stdout.write(reliability_of_shards(attune, folder, shard_options, merge_options, states_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
