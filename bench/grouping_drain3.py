"""The open-source miner the grouping benchmark compares with: Drain3 (PyPI `drain3`, IBM/logpai).

Run by bench/grouping.ts in the same run, on the same files:
    python3 bench/grouping_drain3.py <folder> <System> [<System> ...]
prints one JSON object: {"<System>": {"default": GA, "masked": GA}, "_speed": records/s}.

Two settings, each one for all systems, as a user would run it:
  default  Drain3's own defaults (sim_th 0.4, depth 4, max_children 100, numeric tokens parametrised)
  masked   the same with generic masking before the tree (IPv4 with port, hex, numbers), the
           masking Drain3's documentation suggests
"""

import csv
import json
import sys
import time

from drain3 import TemplateMiner
from drain3.masking import MaskingInstruction
from drain3.template_miner_config import TemplateMinerConfig

csv.field_size_limit(1 << 24)


def config(masked):
    cfg = TemplateMinerConfig()
    cfg.profiling_enabled = False
    if masked:
        cfg.masking_instructions = [
            MaskingInstruction(r"((?<=[^A-Za-z0-9])|^)(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(:\d+)?)((?=[^A-Za-z0-9])|$)", "IP"),
            MaskingInstruction(r"((?<=[^A-Za-z0-9])|^)(0x[a-fA-F0-9]+)((?=[^A-Za-z0-9])|$)", "HEX"),
            MaskingInstruction(r"((?<=[^A-Za-z0-9])|^)([\-\+]?\d+(\.\d+)?)((?=[^A-Za-z0-9])|$)", "NUM"),
        ]
    return cfg


def read(folder, system):
    with open(f"{folder}/{system}_2k.log_structured.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [row["Content"] for row in rows], [row["EventTemplate"] for row in rows]


def grouping_accuracy(truth, predicted):
    sizes = {}
    for label in truth:
        sizes[label] = sizes.get(label, 0) + 1
    groups = {}
    for index, key in enumerate(predicted):
        groups.setdefault(key, []).append(index)
    right = 0
    for members in groups.values():
        label = truth[members[0]]
        if sizes[label] == len(members) and all(truth[i] == label for i in members):
            right += len(members)
    return right / len(truth) if truth else 1.0


def main():
    folder, systems = sys.argv[1], sys.argv[2:]
    result = {}
    lines = 0
    seconds = 0.0
    for system in systems:
        contents, truth = read(folder, system)
        result[system] = {}
        for name, masked in (("default", False), ("masked", True)):
            miner = TemplateMiner(config=config(masked))
            started = time.process_time()
            clusters = [miner.add_log_message(content)["cluster_id"] for content in contents]
            seconds += time.process_time() - started
            lines += len(contents)
            result[system][name] = grouping_accuracy(truth, clusters)
    result["_speed"] = lines / seconds if seconds > 0 else 0
    print(json.dumps(result))


if __name__ == "__main__":
    main()
