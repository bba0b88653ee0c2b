"""Stage 1: content. Handout files and the bibliography, loaded with line numbers and
validated in one pass (load.py), into the model every later stage reads (model.py)."""

from generator.content.load import *  # noqa: F401,F403
from generator.content.load import load_handout, load_library  # noqa: F401
