"""Picture tools: background replacement, colour matching, restoration and body motion, each a
command that reads a take and writes a new file."""
