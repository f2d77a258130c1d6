"""The run state: what one run saw, carried between runs (`reports/latest.json`).

One module per job; this package imports none of them, so importing a type never drags in
file or network code. Import from the module that does the job:

- `snapshot`: the records (`Snapshot`, `LinkRecord`, `Observation`, `SourceInfo`, ...);
- `codec`: the snapshot's JSON form and JSON Schema, reading and writing the file;
- `policy`: building a run's snapshot from the previous one (merge, quarantine counters,
  enrichment join, totals) and `--max-age` reuse;
- `quarantine`: the verdict over time (`judge`) and the severity of health findings;
- `history`: `history.csv`, one row per run;
- `atomic`: atomic file writes; `jsonstream`: streamed JSON writing and reading;
  `jsonform`: JSON and JSON Schema derived from dataclasses (the last three are generic).
"""
