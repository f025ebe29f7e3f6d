"""The highest layer below the command lines: recording, scenarios, replay, drift and the
pytest plugin. It drives `tui.core` (so code and cassettes cannot diverge) and the
embedded backend; nothing below it imports it.
"""
