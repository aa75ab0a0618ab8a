"""The I/O shell around the session engine (CLI now; the live server lands with issue 3)."""
