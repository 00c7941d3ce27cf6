"""The sound stage: sync between recordings, dialogue clean-up, loudness to delivery specs, prosody.

* :mod:`roughcut.audio.sync`: :func:`~roughcut.audio.sync.find_offset` (GCC-PHAT offset, clock drift,
  confidence) and :func:`~roughcut.audio.sync.group_takes_with_sound` (each take with its external
  sound). Sign convention: ``other[n]`` lines up with ``reference[n + offset_samples]``.
* :mod:`roughcut.audio.clean`: :func:`~roughcut.audio.clean.clean_dialogue` (hum, noise with
  DeepFilterNet3 (:mod:`roughcut.audio.deepfilter`) or from room tone, optional de-click, high-pass
  and de-reverb (:mod:`roughcut.audio.dereverb`)).
* :mod:`roughcut.audio.loudness`: BS.1770 / EBU R128 measurement, dialogue gating, presets
  (``ebu-r128``, ``atsc-a85``, ``streaming-dialogue``) and a true-peak limiter.
* :mod:`roughcut.audio.prosody`: :func:`~roughcut.audio.prosody.line_prosody` (pitch, energy, rate,
  pauses, arousal) and :func:`~roughcut.audio.prosody.emotional_tone`.
* :mod:`roughcut.audio.vad`: :func:`~roughcut.audio.vad.voice_activity` (where speech is: Silero VAD,
  webrtcvad or energy), shared by the speech and vision stages.
* :mod:`roughcut.audio.channels` and :mod:`roughcut.audio.files`: which channels carry dialogue,
  clipping and silence checks, reading and writing files.

Submodules are imported on demand (``from roughcut.audio.sync import find_offset``), so importing
this package costs nothing.
"""
