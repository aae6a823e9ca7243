"""Module cases for the harness's self-test (torch against itself): a Linear, a BatchNorm with running
statistics (buffers), and an Embedding with integer input."""
from conformance.inputs import Arg, Sample, T
from conformance.module_spec import ModuleSpec

SPECS = [
    *ModuleSpec("nn.Linear", lambda fw: fw.nn.Linear(4, 3), (Sample("batch", (T(2, 4),)), Sample("3d", (T(2, 1, 4),))),
                ("float32", "float64"), variant="toy"),
    *ModuleSpec("nn.BatchNorm1d", lambda fw: fw.nn.BatchNorm1d(3), (Sample("batch", (T(4, 3),)),),
                ("float32", "float64"), variant="toy"),
    *ModuleSpec("nn.Embedding", lambda fw: fw.nn.Embedding(5, 2, padding_idx=0),
                (Sample("ids", (Arg(value=[[1, 0, 4]]),)),), ("float32",), variant="toy",
                call=lambda module, ids: module(module.weight.new_tensor(ids).long())),
]
