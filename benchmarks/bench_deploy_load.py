"""How much loading deployed configs costs over plain parsing (issue 8).

Position tracking, intrinsic resolution and type coercion are the loaders' overhead;
they must stay a small multiple of parsing the same text with the standard readers,
measured in the same run: the CIS CloudFormation YAML fixture against ``yaml.compose``
(PyYAML parsing the same text, short-form tags included), and a synthetic Terraform
state with 2,000 alarms and 2,000 filters (4 MB, as a large account's state is) against
``json.loads``.  Targets: within 3x the YAML baseline; within 10x the JSON baseline
(the state's outer structure is read in Python to keep positions, the attribute blobs
by the C scanner, while the baseline is C throughout).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import yaml
from _common import best_of, no_options, report

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "fixtures" / "deploy"))

import generate  # noqa: E402  (the fixture generator, for realistic Terraform records)

from simulator.deploy import load  # noqa: E402

CFN_YAML = ROOT / "fixtures" / "deploy" / "cloudformation" / "cis-monitoring.yaml"
COPIES = 2000


def big_state() -> dict:
    alarm = generate._tf_alarm(generate.alarms()[0])
    flt = generate._tf_filter(generate.filters()[0])
    resources = []
    for kind, attributes in (("aws_cloudwatch_metric_alarm", alarm),
                             ("aws_cloudwatch_log_metric_filter", flt)):
        instances = []
        for index in range(COPIES):
            copy = json.loads(json.dumps(attributes))
            copy["alarm_name" if "alarm_name" in copy else "name"] = f"item-{index}"
            instances.append({"index_key": index, "schema_version": 0,
                              "attributes": copy, "sensitive_attributes": []})
        resources.append({"mode": "managed", "type": kind, "name": "many",
                          "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
                          "instances": instances})
    return {"version": 4, "terraform_version": "1.7.5", "serial": 1, "lineage": "x",
            "outputs": {}, "resources": resources}


def main() -> None:
    no_options(__doc__)
    yaml_text = CFN_YAML.read_text()
    yaml_baseline = best_of(lambda: yaml.compose(yaml_text, Loader=yaml.SafeLoader), repeat=5)
    yaml_load = best_of(lambda: load(CFN_YAML), repeat=5)
    with tempfile.TemporaryDirectory() as directory:
        state_path = Path(directory) / "terraform.tfstate"
        state_text = json.dumps(big_state(), indent=2)
        state_path.write_text(state_text)
        json_baseline = best_of(lambda: json.loads(state_text), repeat=3)
        state_load = best_of(lambda: load(state_path), repeat=3)
        loaded = load(state_path)
    assert len(loaded.metric_alarms) == COPIES and len(loaded.metric_filters) == COPIES
    megabytes = len(state_text) / 1e6
    report("bench_deploy_load", [
        {"measure": "CIS template (YAML, 32 resources): load() ms", "value": yaml_load * 1e3,
         "baseline_ms": yaml_baseline * 1e3, "ratio": yaml_load / yaml_baseline,
         "target_ratio": 3.0},
        {"measure": f"Terraform state ({megabytes:.1f} MB, {2 * COPIES} resources): load() ms",
         "value": state_load * 1e3, "baseline_ms": json_baseline * 1e3,
         "ratio": state_load / json_baseline, "target_ratio": 10.0},
    ])


if __name__ == "__main__":
    main()
