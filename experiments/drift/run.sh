#!/usr/bin/env bash
# The drift monitor's own error rates (docs/deployment.md):
#  - false alarms: a reference set (seed 50) against 20 in-distribution test sets (seeds 100-119);
#  - each shift of `condenser data shapes --shift`: the fall in consistency, the fall in accuracy, alarm or not.
# Usage: experiments/drift/run.sh MODEL.h5 [WORKDIR]   (prints Markdown tables)
set -euo pipefail
model=$1
work=${2:-$(mktemp -d)}
condenser=${CONDENSER:-.build/release/condenser}
count=2000
mkdir -p "$work"
"$condenser" data shapes --count $count --seed 50 --out "$work/ref.h5" --overwrite > /dev/null
accuracy() { "$condenser" eval "$model" --data "$1" | sed -E 's/^accuracy ([0-9.]+).*/\1/'; }
ref_accuracy=$(accuracy "$work/ref.h5")
signal() { python3 -c "import json,sys; d=json.load(open('$1')); s={x['name']:x for x in d['signals']}; print($2)"; }

echo "In-distribution: reference seed 50 against seeds 100-119, $count samples each"
echo
echo "| seed | consistency fall | max PSI | accuracy | alarm |"
echo "|---:|---:|---:|---:|---|"
alarms=0
for seed in $(seq 100 119); do
  "$condenser" data shapes --count $count --seed "$seed" --out "$work/d.h5" --overwrite > /dev/null
  status=0
  "$condenser" monitor "$model" --reference "$work/ref.h5" --data "$work/d.h5" --out "$work/m.json" --overwrite > /dev/null || status=$?
  [ "$status" -eq 3 ] && alarms=$((alarms + 1))
  [ "$status" -ne 0 ] && [ "$status" -ne 3 ] && { echo "monitor failed with $status" >&2; exit 1; }
  echo "| $seed | $(signal "$work/m.json" "'%.1f%%' % (100*s['consistency']['change'])") |" \
       "$(signal "$work/m.json" "'%.3f' % max(x['change'] for n,x in s.items() if n!='consistency')") |" \
       "$(accuracy "$work/d.h5") | $([ "$status" -eq 3 ] && echo yes || echo no) |"
done
echo
echo "False alarms: $alarms of 20"
echo
echo "Shifts: reference seed 50 (accuracy $ref_accuracy) against seed 60 shifted"
echo
echo "| shift | consistency | fall | accuracy | accuracy fall (points) | alarm | signals that alarmed |"
echo "|---|---:|---:|---:|---:|---|---|"
for shift in colour-cast noise blur clutter mismatched; do
  "$condenser" data shapes --count $count --seed 60 --shift "$shift" --out "$work/s.h5" --overwrite > /dev/null
  status=0
  "$condenser" monitor "$model" --reference "$work/ref.h5" --data "$work/s.h5" --out "$work/m.json" --overwrite > /dev/null || status=$?
  acc=$(accuracy "$work/s.h5")
  echo "| $shift | $(signal "$work/m.json" "'%.4f' % s['consistency']['value']") |" \
       "$(signal "$work/m.json" "'%.1f%%' % (100*s['consistency']['change'])") | $acc |" \
       "$(python3 -c "print('%.1f' % (100*($ref_accuracy-$acc)))") | $([ "$status" -eq 3 ] && echo yes || echo no) |" \
       "$(signal "$work/m.json" "', '.join(n for n,x in s.items() if x['alarm']) or '-'") |"
done
