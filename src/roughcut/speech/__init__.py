"""Speech: voice activity, script-to-take alignment, transcription, subtitles, synthesis."""
