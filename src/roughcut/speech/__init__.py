"""Speech: script-to-take alignment, transcription, subtitles, synthesis.

Voice activity (where speech is, Silero VAD) is a signal the vision stage shares: it lives in
:mod:`roughcut.audio.vad`.

* :func:`roughcut.speech.align.align_script_to_take` / :func:`~roughcut.speech.align.align_project`
  — where each script line and word is spoken in each take (lines found in Whisper's words, timed
  by pocketsphinx forced alignment in English, by Whisper's times and voice activity otherwise),
  cached in the store;
  :func:`~roughcut.speech.align.check_against_truth` compares with the demo's ``truth.json``.
* :func:`roughcut.speech.wordalign.align_words` — word timings of a known text.
* :func:`roughcut.speech.transcribe.transcribe` — pocketsphinx or faster-whisper, word timings.
* :mod:`roughcut.speech.subtitles` — SRT/WebVTT cues to the Netflix English rules, and a checker.
* :mod:`roughcut.speech.evaluation` — TextGrid/GRID readers, boundary errors, word error rate.
* :mod:`roughcut.speech.synthesis` — espeak-ng voices for the demo scene.

Submodules are imported on use (pocketsphinx and rapidfuzz load only when needed).
"""
