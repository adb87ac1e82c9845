"""The `baogao` command line: a thin face over the flows (cli.app)."""

import os
import sys

# Bytecode for only what runs: where PYTHONDONTWRITEBYTECODE is set (many containers set it)
# every process would compile Prefect, pydantic and numpy from source again, and compiling all
# of site-packages at install is a long silent wait for files most runs never import. So baogao
# writes the bytecode of each module the first time one of its commands imports it, in this
# process and in those it starts (workers, the Prefect server).
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
