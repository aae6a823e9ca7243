# imports torch before any test module does: under `python -m mtv2.compat pytest -n 2` the workers must see mtv2 here
import torch

FRAMEWORK_FILE = torch.__file__
