"""cwpattern's simulator: event sources, metric filters, and CloudWatch alarms.

It uses only cwpattern's public API for patterns.  Four subsystems sit on a small base:

- base modules: ``events`` (log events and the bad-input report), ``metrics``
  (datapoints and metric identities), ``timestamps``, ``documents`` (YAML and JSON that
  remember line and column), ``extras`` (optional dependencies);
- ``sources``: every file shape a user holds, read as a stream of log events;
- ``filters``: metric filters, turning events into per-minute datapoints;
- ``alarms``: the alarm engine, evaluating metric and composite alarms over time;
- ``replay``: the whole chain over files, trees and S3 trails, on local processes or Dask;
- ``synth``: synthetic CloudTrail with labelled incidents;
- ``deploy``: the filters and alarms of CloudFormation, CDK, Terraform and AWS CLI output;
- ``suite``: ``*.cwtest.yaml`` test files;
- ``analysis``: threshold sweeps, plots and lint, built on the others.

Dependencies point down this list (a test enforces it).  Each subsystem's package
names its public face; its modules are internals.  The names below are imported on
first use (PEP 562): a command that only reads events does not pay for the alarm
grammars, the deploy loaders and the metric-math parser.
"""

from simulator._faces import lazy_face

__all__, __getattr__, __dir__ = lazy_face(__name__, {
    "simulator.alarms": ("AlarmDefinitionError", "AlarmState", "CompositeAlarm", "Evaluation",
                         "MetricAlarm", "MetricMathError", "Simulation", "SimulationResult",
                         "SimulationSettings", "StatisticError", "Transition",
                         "parse_statistic", "statistic", "Action", "HistoryItem",
                         "SuppressedAction"),
    "simulator.analysis": ("Grid", "SweepError", "SweepResult"),
    "simulator.deploy": ("DeployError", "DeployedConfig", "Finding", "Located", "Origin",
                         "canonical_params", "link", "load", "validate"),
    "simulator.events": ("BadInputError", "LogEvent", "Report"),
    "simulator.extras": ("MissingExtraError",),
    "simulator.filters": ("MetricFilter",),
    "simulator.metrics": ("Datapoint", "MetricKey"),
    "simulator.replay": ("ReplayOptions", "ReplayResult"),
    "simulator.sources": ("Format", "PathFilter", "read_events"),
    "simulator.suite": ("load_config", "load_test_file"),
    "simulator.synth": ("IncidentLabel", "LabelsError", "generate", "load_scenario",
                        "read_labels", "write_s3_tree"),
})
