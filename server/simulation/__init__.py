"""The synthetic room: people, what they write and think (``population``), a whole session played
through the engine in memory (``offline``) or against a live server by real clients (``wire``).

Not part of the I/O shell: ``metrokawa simulate``, the tests and the benches use it to stand in
for a real room.
"""
