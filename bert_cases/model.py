"""BERT written once against a framework namespace: `bert(fw)` gives the classes built on `fw.nn`, so the same
code builds the torch model and the mtv2 model. Module and parameter names are HuggingFace transformers' own,
so a transformers BertModel / BertForMaskedLM state dict loads into these classes unchanged.

The attention mask is the classic extended mask: (1 - mask) * finfo(dtype).min, shaped (batch, 1, 1, key) and
added to the attention scores ("eager"); attn_implementation="sdpa" instead hands the boolean mask to
scaled_dot_product_attention (True = attend). Both give the same outputs.
"""
import functools
import math
from dataclasses import dataclass


@dataclass
class BertConfig:
    vocab_size: int = 30522
    hidden_size: int = 768
    num_hidden_layers: int = 12
    num_attention_heads: int = 12
    intermediate_size: int = 3072
    hidden_act: str = "gelu"
    hidden_dropout_prob: float = 0.1
    attention_probs_dropout_prob: float = 0.1
    max_position_embeddings: int = 512
    type_vocab_size: int = 2
    initializer_range: float = 0.02
    layer_norm_eps: float = 1e-12
    pad_token_id: int = 0
    num_labels: int = 2
    attn_implementation: str = "eager"

    @classmethod
    def small(cls, **overrides):
        """The seed's small configuration: hidden 64, 4 heads, 2 layers."""
        values = dict(vocab_size=99, hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
                      intermediate_size=128, max_position_embeddings=64)
        values.update(overrides)
        return cls(**values)


def extended_attention_mask(fw, attention_mask, dtype):
    """(batch, key) 1/0 mask -> (batch, 1, 1, key) additive mask: 0 where attended, finfo(dtype).min where not."""
    mask = attention_mask[:, None, None, :].to(dtype)
    return (1.0 - mask) * fw.finfo(dtype).min


@functools.cache
def bert(fw):
    """The BERT classes on framework `fw` (torch or mtv2)."""
    nn, F = fw.nn, fw.nn.functional

    class BertEmbeddings(nn.Module):
        def __init__(self, config):
            super().__init__()
            self.word_embeddings = nn.Embedding(config.vocab_size, config.hidden_size,
                                                padding_idx=config.pad_token_id)
            self.position_embeddings = nn.Embedding(config.max_position_embeddings, config.hidden_size)
            self.token_type_embeddings = nn.Embedding(config.type_vocab_size, config.hidden_size)
            self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
            self.dropout = nn.Dropout(config.hidden_dropout_prob)
            self.register_buffer("position_ids", fw.arange(config.max_position_embeddings).expand((1, -1)),
                                 persistent=False)

        def forward(self, input_ids, token_type_ids=None):
            seq_length = input_ids.shape[1]
            if token_type_ids is None:
                token_type_ids = fw.zeros_like(input_ids)
            position_ids = self.position_ids[:, :seq_length]
            embeddings = (self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
                          + self.position_embeddings(position_ids))
            return self.dropout(self.LayerNorm(embeddings))

    class BertSelfAttention(nn.Module):
        def __init__(self, config):
            super().__init__()
            if config.hidden_size % config.num_attention_heads:
                raise ValueError(f"hidden size {config.hidden_size} is not a multiple of the number of attention "
                                 f"heads {config.num_attention_heads}")
            self.num_attention_heads = config.num_attention_heads
            self.attention_head_size = config.hidden_size // config.num_attention_heads
            self.all_head_size = config.hidden_size
            self.query = nn.Linear(config.hidden_size, self.all_head_size)
            self.key = nn.Linear(config.hidden_size, self.all_head_size)
            self.value = nn.Linear(config.hidden_size, self.all_head_size)
            self.dropout = nn.Dropout(config.attention_probs_dropout_prob)
            self.attn_implementation = config.attn_implementation

        def heads(self, x):
            batch, seq = x.shape[:2]
            return x.view(batch, seq, self.num_attention_heads, self.attention_head_size).transpose(1, 2)

        def forward(self, hidden_states, attention_mask=None):
            """attention_mask: the (batch, key) 1/0 mask, or None."""
            query, key, value = (self.heads(layer(hidden_states)) for layer in (self.query, self.key, self.value))
            if self.attn_implementation == "sdpa":
                mask = None if attention_mask is None else attention_mask[:, None, None, :].to(fw.bool)
                context = F.scaled_dot_product_attention(query, key, value, attn_mask=mask,
                                                         dropout_p=self.dropout.p if self.training else 0.0)
                self.last_attention_probs = None
            else:
                scores = fw.matmul(query, key.transpose(-1, -2)) / math.sqrt(self.attention_head_size)
                if attention_mask is not None:
                    scores = scores + extended_attention_mask(fw, attention_mask, scores.dtype)
                probs = F.softmax(scores, dim=-1)
                self.last_attention_probs = probs.detach()
                context = fw.matmul(self.dropout(probs), value)
            batch, _, seq, _ = context.shape
            return context.transpose(1, 2).reshape(batch, seq, self.all_head_size)

    class BertSelfOutput(nn.Module):
        def __init__(self, config):
            super().__init__()
            self.dense = nn.Linear(config.hidden_size, config.hidden_size)
            self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
            self.dropout = nn.Dropout(config.hidden_dropout_prob)

        def forward(self, hidden_states, input_tensor):
            return self.LayerNorm(self.dropout(self.dense(hidden_states)) + input_tensor)

    class BertAttention(nn.Module):
        def __init__(self, config):
            super().__init__()
            self.self = BertSelfAttention(config)
            self.output = BertSelfOutput(config)

        def forward(self, hidden_states, attention_mask=None):
            return self.output(self.self(hidden_states, attention_mask), hidden_states)

    class BertIntermediate(nn.Module):
        def __init__(self, config):
            super().__init__()
            self.dense = nn.Linear(config.hidden_size, config.intermediate_size)
            self.intermediate_act_fn = nn.GELU()

        def forward(self, hidden_states):
            return self.intermediate_act_fn(self.dense(hidden_states))

    class BertOutput(BertSelfOutput):
        def __init__(self, config):
            nn.Module.__init__(self)
            self.dense = nn.Linear(config.intermediate_size, config.hidden_size)
            self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
            self.dropout = nn.Dropout(config.hidden_dropout_prob)

    class BertLayer(nn.Module):
        def __init__(self, config):
            super().__init__()
            self.attention = BertAttention(config)
            self.intermediate = BertIntermediate(config)
            self.output = BertOutput(config)

        def forward(self, hidden_states, attention_mask=None):
            attention_output = self.attention(hidden_states, attention_mask)
            return self.output(self.intermediate(attention_output), attention_output)

    class BertEncoder(nn.Module):
        def __init__(self, config):
            super().__init__()
            self.layer = nn.ModuleList([BertLayer(config) for _ in range(config.num_hidden_layers)])

        def forward(self, hidden_states, attention_mask=None, output_hidden_states=False):
            all_hidden_states = [hidden_states]
            for layer in self.layer:
                hidden_states = layer(hidden_states, attention_mask)
                all_hidden_states.append(hidden_states)
            return (hidden_states, tuple(all_hidden_states)) if output_hidden_states else hidden_states

    class BertPooler(nn.Module):
        def __init__(self, config):
            super().__init__()
            self.dense = nn.Linear(config.hidden_size, config.hidden_size)
            self.activation = nn.Tanh()

        def forward(self, hidden_states):
            return self.activation(self.dense(hidden_states[:, 0]))

    class BertModel(nn.Module):
        def __init__(self, config, add_pooling_layer=True):
            super().__init__()
            self.config = config
            self.embeddings = BertEmbeddings(config)
            self.encoder = BertEncoder(config)
            self.pooler = BertPooler(config) if add_pooling_layer else None

        def forward(self, input_ids, attention_mask=None, token_type_ids=None, output_hidden_states=False):
            embedded = self.embeddings(input_ids, token_type_ids)
            encoded = self.encoder(embedded, attention_mask, output_hidden_states=output_hidden_states)
            sequence_output, hidden_states = encoded if output_hidden_states else (encoded, None)
            pooled = self.pooler(sequence_output) if self.pooler is not None else None
            return {"last_hidden_state": sequence_output, "pooler_output": pooled, "hidden_states": hidden_states}

    class BertPredictionHeadTransform(nn.Module):
        def __init__(self, config):
            super().__init__()
            self.dense = nn.Linear(config.hidden_size, config.hidden_size)
            self.transform_act_fn = nn.GELU()
            self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

        def forward(self, hidden_states):
            return self.LayerNorm(self.transform_act_fn(self.dense(hidden_states)))

    class BertLMPredictionHead(nn.Module):
        def __init__(self, config):
            super().__init__()
            self.transform = BertPredictionHeadTransform(config)
            self.decoder = nn.Linear(config.hidden_size, config.vocab_size, bias=True)
            self.bias = nn.Parameter(fw.zeros(config.vocab_size))
            self.decoder.bias = self.bias     # one Parameter under two names, as in transformers

        def forward(self, hidden_states):
            return self.decoder(self.transform(hidden_states))

    class BertOnlyMLMHead(nn.Module):
        def __init__(self, config):
            super().__init__()
            self.predictions = BertLMPredictionHead(config)

        def forward(self, sequence_output):
            return self.predictions(sequence_output)

    class BertForMaskedLM(nn.Module):
        def __init__(self, config):
            super().__init__()
            self.config = config
            self.bert = BertModel(config, add_pooling_layer=False)
            self.cls = BertOnlyMLMHead(config)
            # the decoder is tied to the word embeddings: one Parameter, gradients from both uses add up
            self.cls.predictions.decoder.weight = self.bert.embeddings.word_embeddings.weight

        def forward(self, input_ids, attention_mask=None, token_type_ids=None, labels=None):
            sequence_output = self.bert(input_ids, attention_mask, token_type_ids)["last_hidden_state"]
            logits = self.cls(sequence_output)
            loss = None
            if labels is not None:
                loss = nn.CrossEntropyLoss()(logits.view(-1, self.config.vocab_size), labels.view(-1))
            return {"loss": loss, "logits": logits}

    class BertForSequenceClassification(nn.Module):
        def __init__(self, config):
            super().__init__()
            self.config = config
            self.bert = BertModel(config)
            self.dropout = nn.Dropout(config.hidden_dropout_prob)
            self.classifier = nn.Linear(config.hidden_size, config.num_labels)

        def forward(self, input_ids, attention_mask=None, token_type_ids=None, labels=None):
            pooled = self.bert(input_ids, attention_mask, token_type_ids)["pooler_output"]
            logits = self.classifier(self.dropout(pooled))
            loss = None
            if labels is not None:
                loss = nn.CrossEntropyLoss()(logits.view(-1, self.config.num_labels), labels.view(-1))
            return {"loss": loss, "logits": logits}

    def init_weights(module, config):
        """transformers' BERT initialisation: normal(0, initializer_range) weights, zero biases, LayerNorm 1/0,
        the padding row of the word embeddings zeroed."""
        with fw.no_grad():
            for sub in module.modules():
                if isinstance(sub, nn.Linear):
                    sub.weight.normal_(0.0, config.initializer_range)
                    if sub.bias is not None:
                        sub.bias.zero_()
                elif isinstance(sub, nn.Embedding):
                    sub.weight.normal_(0.0, config.initializer_range)
                    if sub.padding_idx is not None:
                        sub.weight[sub.padding_idx].zero_()
                elif isinstance(sub, nn.LayerNorm):
                    sub.weight.fill_(1.0)
                    sub.bias.zero_()
                elif isinstance(sub, BertLMPredictionHead):
                    sub.bias.zero_()
        return module

    return type("Bert", (), dict(
        BertEmbeddings=BertEmbeddings, BertSelfAttention=BertSelfAttention, BertSelfOutput=BertSelfOutput,
        BertAttention=BertAttention, BertIntermediate=BertIntermediate, BertOutput=BertOutput, BertLayer=BertLayer,
        BertEncoder=BertEncoder, BertPooler=BertPooler, BertModel=BertModel,
        BertPredictionHeadTransform=BertPredictionHeadTransform, BertLMPredictionHead=BertLMPredictionHead,
        BertOnlyMLMHead=BertOnlyMLMHead, BertForMaskedLM=BertForMaskedLM,
        BertForSequenceClassification=BertForSequenceClassification, init_weights=staticmethod(init_weights)))
