"""``python -m cwpattern``: the command line, for environments without the script."""

from cwpattern.cli import main

main(prog_name="cwpattern")
