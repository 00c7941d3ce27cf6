"""Pronunciations for words the aligner's dictionary lacks (names, invented words, numbers).

espeak-ng's letter-to-sound rules and dictionary give the word's IPA (see
:func:`roughcut.speech.synthesis.phonemes`); it is rewritten in the ARPAbet phones of the
pocketsphinx US English model. Digits come out as the spoken number ("1961" → nineteen sixty-one).
"""

from __future__ import annotations

from functools import cache

#: IPA (as espeak-ng writes US English) → ARPAbet, longest symbols first when parsing.
IPA_TO_ARPABET = {
    "aɪ": "AY", "aʊ": "AW", "eɪ": "EY", "oʊ": "OW", "əʊ": "OW", "ɔɪ": "OY",
    "tʃ": "CH", "dʒ": "JH", "ɑː": "AA", "ɔː": "AO", "iː": "IY", "uː": "UW", "ɜː": "ER",
    "ɑ": "AA", "ɒ": "AA", "æ": "AE", "a": "AE", "ʌ": "AH", "ə": "AH", "ɐ": "AH", "ɚ": "ER",
    "ɜ": "ER", "ɝ": "ER", "ɛ": "EH", "e": "EH", "ɪ": "IH", "ᵻ": "IH", "i": "IY", "ɔ": "AO",
    "o": "OW", "ʊ": "UH", "u": "UW",
    "p": "P", "b": "B", "t": "T", "d": "D", "k": "K", "ɡ": "G", "g": "G", "f": "F", "v": "V",
    "θ": "TH", "ð": "DH", "s": "S", "z": "Z", "ʃ": "SH", "ʒ": "ZH", "h": "HH", "m": "M",
    "n": "N", "ŋ": "NG", "l": "L", "ɫ": "L", "r": "R", "ɹ": "R", "w": "W", "j": "Y", "ɾ": "D",
    "ʔ": "T", "x": "K", "ç": "HH",
}  # fmt: skip
#: Marks that carry no phone: stress, length, syllabic and tie marks, separators.
_SILENT = set("ˈˌː̩͡‿-_ .,")


def ipa_to_arpabet(ipa: str) -> list[str]:
    """ARPAbet phones of an IPA string; symbols the table does not know are skipped."""
    phones: list[str] = []
    i = 0
    while i < len(ipa):
        if ipa[i] in _SILENT:
            i += 1
            continue
        for size in (2, 1):
            piece = ipa[i : i + size]
            if piece in IPA_TO_ARPABET:
                phones.append(IPA_TO_ARPABET[piece])
                i += size
                break
        else:
            i += 1
    return phones


@cache
def guess_pronunciation(word: str) -> str | None:
    """Space-separated ARPAbet phones for ``word`` from espeak-ng, or ``None`` when it has none."""
    try:
        from roughcut.speech.synthesis import phonemes

        phones = ipa_to_arpabet(phonemes(word))
    except (OSError, RuntimeError, ValueError, ImportError):
        return None
    return " ".join(phones) if phones else None
