#!/usr/bin/env python3
"""Projects `policy run` output onto the DuckDB peer's columns, for comparison.

    python3 Benchmarks/to_peer_columns.py ACTIONS.csv PEER_FORM.csv

The peer (see WORKLOAD.md) writes `customer_id,rule,action,value` with discounts as bare
numbers (`15`) and both post-purchase contacts under the rule `post_purchase`; `policy`
writes SPEC's eight columns, discounts as `15%`, and needs unique rule names.
"""
import csv
import sys

with open(sys.argv[1], newline="", encoding="utf-8") as f, open(sys.argv[2], "w", newline="", encoding="utf-8") as out:
    reader = csv.DictReader(f)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["customer_id", "rule", "action", "value"])
    for row in reader:
        value = row["value"]
        if row["action"] == "discount" and value.endswith("%"):
            value = value[:-1]
        rule = "post_purchase" if row["rule"] == "post_purchase_survey" else row["rule"]
        writer.writerow([row["customer_id"], rule, row["action"], value])
