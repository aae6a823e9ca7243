"""The mechanics report: one command writes the markdown and its pictures, with numbers computed from runs."""
import numpy as np

from bert_cases import mechanics
from bert_cases.model import BertConfig
from bert_cases.trace import make_batch

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_report_and_pictures_are_written(tmp_path, capsys):
    path = mechanics.main(["--out", str(tmp_path)])
    assert "wrote" in capsys.readouterr().out
    report = (tmp_path / "bert_mechanics.md").read_text()
    assert path == str(tmp_path / "bert_mechanics.md")
    for picture in (mechanics.MASK_PNG, mechanics.ATTENTION_PNG):
        assert (tmp_path / picture).read_bytes()[:8] == PNG_SIGNATURE
        assert f"]({picture})" in report

    # the numbers the report must carry, recomputed here from the same batch
    config = BertConfig.small()
    arrays = make_batch(config, mechanics.BATCH, mechanics.SEQ, padded_rows=[mechanics.PADDED_ROW])
    labelled = int((arrays["labels"] != -100).sum())
    ignored = arrays["labels"].size - labelled
    padded = int((arrays["attention_mask"] == 0).sum())
    assert f"{np.finfo(np.float32).min:.9g}" in report
    assert f"({mechanics.BATCH}, 1, 1, {mechanics.SEQ})" in report
    assert f"at the minimum: {padded} (= the {padded} [PAD] entries)" in report
    for framework in ("torch", "mtv2"):
        assert f"| {framework} | {labelled} | {labelled} | {ignored} of {ignored} |" in report
        for layer in range(config.num_hidden_layers):      # one mask row per layer, [PAD] gets probability 0
            assert f"| {framework} | {layer} | ({mechanics.BATCH}, {mechanics.SEQ}) int64 |" in report
    assert "exactly the labelled ones, in both frameworks: True" in report
    assert "extended masks are identical: True" in report
    # shapes from input_ids to the prediction scores, the same in both frameworks
    assert f"| input_ids | - | ({mechanics.BATCH}, {mechanics.SEQ}) |" in report
    scores_shape = f"({mechanics.BATCH}, {mechanics.SEQ}, {config.vocab_size})"
    assert f"| cls.predictions.decoder | Linear | {scores_shape} | {scores_shape} | True |" in report
    assert "| False |" not in report
    assert "the [PAD] key columns hold 0 at most" in report
