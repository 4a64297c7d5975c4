import os
import sys
from pathlib import Path

# Run from the build tree (PYTHONPATH=build/<preset>/python, set by ctest) or from an installed
# package; ATTUNE_SOURCE_DIR locates the sample data and the JSON snapshots.
SOURCE_DIR = Path(os.environ.get("ATTUNE_SOURCE_DIR", Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
