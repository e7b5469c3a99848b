"""The `twoway` command line (``cli.app``): the only package that imports the local stack."""
