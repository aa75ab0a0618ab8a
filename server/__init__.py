"""The I/O shell around the session engine: HTTP, WebSocket, stores, actors, CLI.

The synthetic room that stands in for real people (``simulate``) is the ``simulation`` subpackage.
"""
