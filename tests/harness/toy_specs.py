"""Toy cases for the harness's self-tests, loaded with `pytest --extra-specs`; never in the tables."""
import os
import time

from conformance.inputs import Sample, T
from conformance.spec import OpSpec

ONE = (Sample("vector", (T(3),)),)


def crash(fw, a):
    os._exit(3)          # the worker process dies mid-case, as a segfault in a kernel would


def hang(fw, a):
    while True:          # never returns; the per-case time limit must stop it
        time.sleep(0.01)


SPECS = [OpSpec("toy_crash", crash, ONE, ("float32",), grad=False),
         OpSpec("toy_hang", hang, ONE, ("float32",), grad=False),
         OpSpec("toy_fine", lambda fw, a: fw.exp(a), ONE, ("float32",))]
