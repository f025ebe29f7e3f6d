"""The lowest layer: the botocore model, the compiled spec and the checker.

Imported by `tui.core` and `tui.embedded`; imports neither of them, nor the recording layer.
"""
