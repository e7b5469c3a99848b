"""The local stack (`twoway up`, `twoway demo`): embedded binaries and PostgreSQL, ports, the
supervisor and its state file, the demo and the benchmarks. Imported by the CLI only."""
