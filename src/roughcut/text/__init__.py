"""Text analysis: language, sentiment, emotion, keywords (libraries that ship their data)."""
