#!/usr/bin/env python3
"""Checks `cumulative_share`, `cume_dist` and the holdout against an independent reference:
exact fractions (Python's `fractions`) for SQL's definitions (SPEC section 7), and Python's
hashlib md5 for the holdout rule. Usage: check_population.py POLICY_BINARY WORK_DIR"""
import csv, hashlib, io, random, subprocess, sys
from decimal import Decimal
from fractions import Fraction

binary, work = sys.argv[1], sys.argv[2]
random.seed(20261201)
rows = []
for i in range(20000):
    r = random.random()
    if r < 0.05:
        spend = None
    elif r < 0.35:
        spend = Fraction(random.randint(0, 40) * 25, 1)            # many ties
    else:
        spend = Fraction(random.randint(0, 10**7), 10**random.randint(0, 3))
    rows.append((f"K{i:06d}é" if i % 97 == 0 else f"K{i:06d}", spend))

def text(x):
    return "" if x is None else str(Decimal(x.numerator) / Decimal(x.denominator))

with open(f"{work}/c.csv", "w", encoding="utf-8") as f:
    f.write("id,spend\n" + "".join(f"{k},{text(s)}\n" for k, s in rows))
with open(f"{work}/p.policy", "w", encoding="utf-8") as f:
    f.write('customer { id text key  spend number? }\n'
            'let share = cumulative_share(spend)\n'
            'let dist = cume_dist(spend)\n'
            'rule "Values" when true then tag "{share}|{dist}"\n'
            'rule "Offer" when true then gift "offer"\n'
            'holdout 7.5% seed "ci-check" except "Values"\n')
out = subprocess.run([binary, "run", f"{work}/p.policy", "--customers", f"{work}/c.csv", "--as-of", "2026-12-01"],
                     check=True, capture_output=True, text=True).stdout
values, offered = {}, set()
for record in csv.DictReader(io.StringIO(out)):
    if record["rule"] == "Values":
        values[record["customer_id"]] = record["value"].split("|")
    else:
        offered.add(record["customer_id"])

present = sorted(s for _, s in rows if s is not None)
total, n = sum(present), len(present)
# Per distinct value: the sum of the values at or above it, and the count at or below it.
at_or_above, at_or_below = {}, {}
running = Fraction(0)
for i in range(n - 1, -1, -1):
    running += present[i]
    if i == 0 or present[i - 1] != present[i]:
        at_or_above[present[i]] = running
for i, s in enumerate(present):
    at_or_below[s] = i + 1
problems = 0
for key, spend in rows:
    share, dist = values[key]
    if spend is None:
        expected_share = expected_dist = None
    else:
        expected_share = at_or_above[spend] / total        # SUM(x) OVER (ORDER BY x DESC RANGE ...) / SUM(x) OVER ()
        expected_dist = Fraction(at_or_below[spend], n)     # CUME_DIST() OVER (ORDER BY x)
    for name, got, want in (("cumulative_share", share, expected_share), ("cume_dist", dist, expected_dist)):
        ok = (got == "") if want is None else (got != "" and abs(Fraction(Decimal(got)) - want) <= Fraction(1, 10**17))
        if not ok and problems < 10:
            print(f"{key}: {name} is {got!r}, expected {float(want) if want is not None else 'none'}")
        problems += not ok
    held = int(hashlib.md5(f"ci-check/{key}".encode("utf-8")).hexdigest()[:8], 16) % 10000 < 750
    if held == (key in offered):
        if problems < 10:
            print(f"{key}: held out by md5: {held}, by policy: {key not in offered}")
        problems += 1
held_out = len(rows) - len(offered)
print(f"check_population: {len(rows)} customers, {held_out} held out ({100 * held_out / len(rows):.2f}%), {problems} problems")
sys.exit(1 if problems else 0)
