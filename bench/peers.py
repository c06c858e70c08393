"""The open-transcription peer: the engine's full language model, then text matching (hassil).

pocketsphinx decodes with its bundled en-us language model; vosk without a grammar. The runner
parses the text with the dialog's whole understanding (typed templates included), the way an
assistant without speech grammars would. No confidence: whatever parses is taken.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

RATE_HZ = 16_000


class OpenTranscriber:
    """A Recognizer-shaped free-text transcriber (the grammar argument is ignored)."""

    sample_rate_hz = RATE_HZ

    def __init__(self, engine: str, locale: str) -> None:
        self.engine = engine
        if engine == "pocketsphinx":
            import pocketsphinx

            folder = Path(pocketsphinx.get_model_path("en-us"))
            config = pocketsphinx.Config(
                hmm=str(folder / "en-us"),
                dict=str(folder / "cmudict-en-us.dict"),
                lm=str(folder / "en-us.lm.bin"),
            )
            config["loglevel"] = "FATAL"
            self._decoder = pocketsphinx.Decoder(config)
            self._endpointer = pocketsphinx.Endpointer
        else:
            import vosk

            from voice.asr import RecognitionSettings
            from voice.asr.engines import resolve_engine

            vosk.SetLogLevel(-1)
            choice = resolve_engine(RecognitionSettings(engine="vosk"), locale)
            self._model = vosk.Model(str(choice.model_path))

    def transcribe(self, audio: Iterator[Any], grammar: object, awaiting: object = None) -> Any:
        """The words of the first utterance in ``audio`` (None when nothing was said)."""
        from voice.asr import Transcript

        text = self._pocketsphinx(audio) if self.engine == "pocketsphinx" else self._vosk(audio)
        if text is None:
            return None
        return Transcript(text=text, confidence=1.0, in_grammar=True)

    def _pocketsphinx(self, audio: Iterator[Any]) -> str | None:
        endpointer = self._endpointer(window=0.3)
        buffer, speech = b"", bytearray()
        for chunk in audio:
            buffer += chunk.to_bytes()
            while len(buffer) >= endpointer.frame_bytes:
                frame, buffer = buffer[: endpointer.frame_bytes], buffer[endpointer.frame_bytes :]
                voiced = endpointer.process(frame)
                if voiced is not None:
                    speech += voiced
                if speech and not endpointer.in_speech:
                    return self._decode(bytes(speech))
        return self._decode(bytes(speech)) if speech else None

    def _decode(self, speech: bytes) -> str:
        decoder = self._decoder
        decoder.start_utt()
        decoder.process_raw(speech, full_utt=True)
        decoder.end_utt()
        hyp = decoder.hyp()
        return hyp.hypstr if hyp is not None else ""

    def _vosk(self, audio: Iterator[Any]) -> str | None:
        import vosk

        decoder = vosk.KaldiRecognizer(self._model, RATE_HZ)
        for chunk in audio:
            if decoder.AcceptWaveform(chunk.to_bytes()):
                text = json.loads(decoder.Result()).get("text", "")
                if text:
                    return str(text)
        text = json.loads(decoder.FinalResult()).get("text", "")
        return str(text) if text else None
