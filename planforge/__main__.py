"""`python -m planforge` runs the `planforge` command."""

from ._cli import planforge_main

planforge_main()
