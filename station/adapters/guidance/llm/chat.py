"""Renders a guide prompt with the model's own chat template (from the GGUF) and tokenizes it in three
parts — system, stable, variable — so the first two can be cached as KV state (see ``generator.py``).

The template is rendered once with marker strings in the user message; the text before the first marker
(system turn and user-turn header) is the system part, the text between the markers the stable part,
the rest (variable text, end of turn, assistant header) the variable part. Models without a template get
ChatML, which SmolLM2 and Qwen2.5 use.
"""

from __future__ import annotations

from dataclasses import dataclass

from station.domain.guidance import PromptParts

CHATML = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
_MARK_STABLE = "\u2063\u2063STATION-STABLE\u2063\u2063"
_MARK_VARIABLE = "\u2063\u2063STATION-VARIABLE\u2063\u2063"


@dataclass
class ChatRenderer:
    llm: object
    template: str
    bos_text: str
    eos_text: str

    _formatter: object = None
    _memo: dict | None = None

    @classmethod
    def for_model(cls, llm) -> ChatRenderer:  # type: ignore[no-untyped-def]
        metadata = getattr(llm, "metadata", {}) or {}
        template = metadata.get("tokenizer.chat_template") or CHATML
        bos = _token_text(llm, llm.token_bos())
        eos = _token_text(llm, llm.token_eos())
        return cls(llm, template, bos, eos)

    def render(self, prompt: PromptParts) -> tuple[str, str, str]:
        if self._formatter is None:  # compiling the Jinja template takes longer than rendering it
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter

            self._formatter = Jinja2ChatFormatter(template=self.template, eos_token=self.eos_text,
                                                  bos_token=self.bos_text, add_generation_prompt=True)
        formatter = self._formatter
        user = f"{_MARK_STABLE}{prompt.stable}{_MARK_VARIABLE}{prompt.variable}"
        text = formatter(messages=[{"role": "system", "content": prompt.system},
                                   {"role": "user", "content": user}]).prompt
        head, _, rest = text.partition(_MARK_STABLE)
        stable, _, tail = rest.partition(_MARK_VARIABLE)
        if not rest or not tail:
            raise ValueError("the model's chat template dropped the user message")
        if not prompt.variable:
            # nothing inspection-specific in the user turn: its end, the assistant header and the answer's
            # stable opening are the same for every guide of the defect and are cached with the stable part
            return head, stable + tail + prompt.answer_stable, prompt.answer_prefix
        return head, stable, tail + prompt.answer_stable + prompt.answer_prefix

    def tokens(self, prompt: PromptParts) -> tuple[list[int], list[int], list[int]]:
        """System, stable and variable token ids; the first two are remembered per text (a guide for a
        known defect tokenizes only its variable part)."""
        head, stable, tail = self.render(prompt)
        if self.bos_text and head.startswith(self.bos_text):
            head = head[len(self.bos_text):]  # tokenize() adds BOS itself when the model wants one
        tokenize = self.llm.tokenize  # type: ignore[attr-defined]
        if self._memo is None:
            self._memo = {}
        key = (head, stable)
        fixed = self._memo.get(key)
        if fixed is None:
            fixed = (tokenize(head.encode("utf-8"), add_bos=True, special=True),
                     tokenize(stable.encode("utf-8"), add_bos=False, special=True))
            self._memo[key] = fixed
            while len(self._memo) > 64:
                self._memo.pop(next(iter(self._memo)))
        variable_tokens = tokenize(tail.encode("utf-8"), add_bos=False, special=True) if tail else []
        return list(fixed[0]), list(fixed[1]), variable_tokens


def _token_text(llm, token: int) -> str:  # type: ignore[no-untyped-def]
    if token is None or token < 0:
        return ""
    try:
        return llm.detokenize([token], special=True).decode("utf-8", errors="ignore")
    except Exception:
        return ""
