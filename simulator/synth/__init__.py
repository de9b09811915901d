"""Synthetic CloudTrail: seeded, deterministic traffic with labelled incidents.

A scenario (``scenario``) names actors, their background calls and the incidents to
inject; the generator (``generator``) draws events from the catalog of real API calls,
identities and user agents (``catalog``) and writes them as CloudTrail's S3 layout with
a labels file; ``labels`` reads incident labels back for sweeps and plots.

The public face is the names below; the modules are internals.
"""

from simulator._faces import lazy_face

__all__, __getattr__, __dir__ = lazy_face(__name__, {
    "simulator.synth.bench": ("BENCH_SCENARIO", "bench_lines", "bench_records"),
    "simulator.synth.generator": ("generate", "synthesize", "write_labels", "write_s3_tree"),
    "simulator.synth.labels": ("IncidentLabel", "LabelsError", "find_labels", "read_labels"),
    "simulator.synth.scenario": ("ScenarioError", "load_scenario", "parse_scenario"),
})
