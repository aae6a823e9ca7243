"""A tiny third-party-style suite for tests/harness/test_suite.py: each test's outcome under torch and mtv2 is known."""
import unittest

import pytest
import torch


def test_add():
    assert torch.add(torch.tensor([1.0]), 1).tolist() == [2.0]


def test_runs_on_real_torch_only():
    assert "mtv2" not in torch.__file__, "this process imported mtv2 as torch"


@pytest.mark.skip(reason="skipped by the suite itself")
def test_skipped():
    pass


def test_fails_everywhere():
    raise ValueError("fails under both frameworks")


class Subtests(unittest.TestCase):
    def test_with_a_skipped_subtest(self):
        for i in range(3):
            with self.subTest(i=i):
                if i == 1:
                    self.skipTest("one subtest skipped")
                self.assertEqual(i, i)
