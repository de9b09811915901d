"""How fast cwpattern starts and compiles (issue 2 targets).

Targets: ``compile()`` of a typical 200-character pattern under 1 ms once the module is
imported, and ``import cwpattern`` (plus compiling the seed pattern) under 150 ms in a
fresh process.  Startup is measured as the difference from a bare interpreter started
in the same run; compile time against ``re.compile`` of a regex of the same length.
"""

from __future__ import annotations

import re

from _common import best_of, fresh_process_seconds, no_options, report

from cwpattern.parser import parse

SEED = ('{ $.eventName = Get* && $.errorCode = AccessDenied && '
        '$.userIdentity.sessionContext.sessionIssuer.arn = '
        '"arn:aws:iam::*:role/aws-service-role/*" }')
TYPICAL = SEED[:-1] + '&& ($.awsRegion = "us-east-1" || $.readOnly IS TRUE) }'
TYPICAL_REGEX = "".join(re.escape(ch) for ch in TYPICAL)[:200]


def main() -> None:
    no_options(__doc__)
    bare = fresh_process_seconds("pass")
    imported = fresh_process_seconds("import cwpattern")
    seeded = fresh_process_seconds(f"import cwpattern; cwpattern.compile({SEED!r})")
    compile_seconds = best_of(lambda: parse(TYPICAL), repeat=5, number=200)
    regex_seconds = best_of(lambda: (re.purge(), re.compile(TYPICAL_REGEX)), repeat=5,
                            number=200)
    report("bench_compile", [
        {"measure": "import cwpattern (ms over bare python)", "value": (imported - bare) * 1e3,
         "target": 150.0, "ratio_to_target": (imported - bare) / 0.150},
        {"measure": "import + compile seed (ms over bare python)",
         "value": (seeded - bare) * 1e3, "target": 150.0,
         "ratio_to_target": (seeded - bare) / 0.150},
        {"measure": f"compile {len(TYPICAL)}-char pattern (ms)", "value": compile_seconds * 1e3,
         "target": 1.0, "ratio_to_target": compile_seconds / 1e-3},
        {"measure": "same-run baseline: re.compile, 200-char regex (ms)",
         "value": regex_seconds * 1e3, "target": "-", "ratio_to_target": "-"},
        {"measure": "cwpattern compile / re.compile (ratio)",
         "value": compile_seconds / regex_seconds, "target": "-", "ratio_to_target": "-"},
    ])


if __name__ == "__main__":
    main()
