"""The guide structure the model fills (status, causes, actions, prevention; each item a short text and
the excerpt numbers it rests on) as the llama.cpp grammar (GBNF) that enforces it while decoding, with the
citation numbers limited to the excerpts actually given (per section).

The grammar also keeps the item texts in the requested script: no CJK ideographs or kana in either
language (garbled words such as ``과程`` cannot be decoded), and no Hangul in an English guide.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from station.domain.guidance import GUIDE_SECTIONS, Language
from station.services.guidance.text import CJK, FULLWIDTH, HANGUL

# (min, max) items per section; the targets of a guide for a known defect are >= 1 cause, >= 2 actions
ITEM_COUNTS: dict[str, tuple[int, int]] = {"status": (1, 2), "cause": (1, 3), "action": (2, 3),
                                           "prevention": (1, 2)}
TEXT_CHARS = (6, 180)  # room for one whole sentence: an item cut at the limit would end mid-phrase
STRUCTURE_OPENING = '{"status": [{"text": "'  # the answer's start when the station opens the first status item


def _alternatives(refs: Iterable[int]) -> str:
    return " | ".join(f'"{n}"' for n in sorted(set(refs)))


def guide_grammar(language: Language, refs_by_section: dict[str, Sequence[int]], *,
                  status_opened: int | None = None) -> str:
    """GBNF for the guide JSON. ``refs_by_section[key]`` are the excerpt numbers items of that section
    may cite; cause and action items must cite at least one when there are any, status and prevention
    items may cite none. ``status_opened``: the answer already holds :data:`STRUCTURE_OPENING` and that
    many characters of the first status item's text (written by the station); the grammar continues
    from there."""
    excluded = CJK + FULLWIDTH + (HANGUL if language == "en" else "")
    sections = [f'"\\"{key}\\":" ws {key}-list' for key in GUIDE_SECTIONS]
    if status_opened is None:
        root = 'root ::= "{" ws ' + ' "," ws '.join(sections) + ' ws "}"'
    else:
        high = ITEM_COUNTS["status"][1]
        fewest, most = max(0, TEXT_CHARS[0] - status_opened), max(0, TEXT_CHARS[1] - status_opened)
        root = (f'root ::= status-opened ("," ws status-item){{0,{high - 1}}} ws "]" "," ws '
                + ' "," ws '.join(sections[1:]) + ' ws "}"\n'
                f'status-opened ::= char{{{fewest},{most}}} "\\"" "," ws "\\"refs\\":" ws "[" "]" ws "}}"')
    rules = [
        root,
        f'text ::= "\\"" char{{{TEXT_CHARS[0]},{TEXT_CHARS[1]}}} "\\""',
        f'char ::= [^"\\\\\\x00-\\x1F\\[\\]{excluded}] | "\\\\" ["\\\\/nt]',
        "ws ::= [ \\n]{0,3}",
    ]
    for key in GUIDE_SECTIONS:
        low, high = ITEM_COUNTS[key]
        more = f'("," ws {key}-item){{{low - 1},{high - 1}}}'
        rules.append(f'{key}-list ::= "[" ws {key}-item {more} ws "]"')
        refs = list(refs_by_section.get(key) or ())
        if not refs:
            ref_list = '"[" "]"'
        elif key in ("cause", "action"):
            rules.append(f"{key}-ref ::= {_alternatives(refs)}")
            ref_list = f'"[" {key}-ref ("," ws {key}-ref)? "]"'
        else:
            rules.append(f"{key}-ref ::= {_alternatives(refs)}")
            ref_list = f'"[" ({key}-ref ("," ws {key}-ref)?)? "]"'
        rules.append(f'{key}-item ::= "{{" ws "\\"text\\":" ws text "," ws "\\"refs\\":" ws {ref_list} ws "}}"')
    return "\n".join(rules) + "\n"
