"""``python -m cli``: the same as the `twoway` console script."""

from cli.app import main

main()
